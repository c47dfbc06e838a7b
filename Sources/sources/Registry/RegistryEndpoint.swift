import TrackbotCore

/// Where a registry's API answers: `docker.io` → `https://registry-1.docker.io`, loopback hosts
/// over plain http (as docker treats them), everything else https. A `URLRewriter` rule whose
/// FROM is the registry as named (`docker.io=http://127.0.0.1:5000`) or its API URL
/// (`https://registry-1.docker.io=…`) points it elsewhere.
public struct RegistryEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The registry as the reference names it.
    public var name: String
    /// `scheme://host[:port]`, no trailing slash.
    public var baseURL: String

    public init(registry: String, rewriter: URLRewriter = URLRewriter()) {
        name = registry
        // A rule for the registry name must name all of it (`docker.io` must not rewrite
        // `docker.io.example`); URL rules below are prefix rules, as for git.
        if let rule = rewriter.rules.last(where: { RegistryEndpoint.trimSlash($0.from) == registry }) {
            rewriter.recordMatch(rule)
            baseURL = RegistryEndpoint.trimSlash(rule.to.contains("://") ? rule.to : "https://" + rule.to)
            return
        }
        let host = registry == ImageReference.dockerHub ? "registry-1.docker.io" : registry
        let scheme = RegistryEndpoint.isLoopback(host) ? "http" : "https"
        baseURL = RegistryEndpoint.trimSlash(rewriter.rewrite("\(scheme)://\(host)").url)
    }

    public var isHTTPS: Bool { baseURL.hasPrefix("https://") }

    /// `host[:port]` of the base URL (`URLAuthority.hostPort`: lowercased, no user information,
    /// no default port): the key credentials are looked up by.
    public var authority: String {
        if let parsed = URLAuthority(url: baseURL) { return parsed.hostPort }
        let afterScheme = baseURL.split(separator: "://", maxSplits: 1).last.map(String.init) ?? baseURL
        return String(afterScheme.prefix { $0 != "/" }).lowercased()
    }

    public var description: String {
        let shown = Redaction.stripCredentials(baseURL)
        return shown.hasSuffix("//" + name) || name == authority ? name : "\(name) (\(shown))"
    }

    public func url(_ path: String) -> String { baseURL + path }

    static func isLoopback(_ host: String) -> Bool { URLAuthority.isLoopback(host: host) }

    private static func trimSlash(_ s: String) -> String {
        var s = s
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
