import Foundation
import TrackbotCore

/// Where a mirror fetches from: the URL as the caller named it and the URL actually used after
/// rewrites, with the scheme checked against what trackbot allows.
public struct RemoteLocation: Sendable, Hashable, Codable {
    /// The transports trackbot fetches over. `file` only via a rewrite or for the user's own URLs.
    public enum Scheme: String, Sendable, Codable, CaseIterable {
        case https, http, git, ssh, file
    }

    /// The URL as given (it names the mirror directory).
    public let original: String
    /// The URL fetched from, after rewrites (local paths become `file://` URLs).
    public let effective: String
    /// Whether a rewrite rule applied.
    public let rewritten: Bool
    public let scheme: Scheme
    /// `host` or `host:port` (lowercased), nil for local repositories.
    public let host: String?

    /// The effective URL without credentials: the only form that may appear in output.
    public var display: String { Redaction.stripCredentials(effective) }

    /// Normalises the URL, applies `rewriter`, normalises again and checks the scheme.
    /// `isUserOwned` allows local paths and `file://` URLs the user wrote themselves (command
    /// line, config); URLs read from library files only reach a local repository through a
    /// rewrite, and a rewrite to a local folder never leads outside that folder.
    public init(_ url: String, rewriter: URLRewriter = URLRewriter(), isUserOwned: Bool = false) throws(MirrorError) {
        let shown = Redaction.stripCredentials(url)
        guard !url.isEmpty else { throw .invalidURL(url: shown, reason: "it is empty") }
        guard !url.hasPrefix("-") else { throw .invalidURL(url: shown, reason: "it starts with \"-\"") }
        guard !url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw .invalidURL(url: shown, reason: "it contains control characters")
        }
        // The user's own local paths ("../mirror") are theirs to write; everything else is
        // normalised before any rule or policy looks at it.
        let given = isUserOwned && Self.isLocalPath(url) ? url : try URLPath.normalise(url, shown: shown)
        let rule = rewriter.rule(for: given)
        let target =
            try rule.map { rule throws(MirrorError) in try URLPath.apply(rule, to: given, shown: shown) } ?? given
        let (scheme, normalised) = try Self.classify(target)
        if scheme == .file && !(rule != nil || isUserOwned) {
            throw .localURLNotAllowed(url: Redaction.stripCredentials(target))
        }
        original = given
        effective = normalised
        rewritten = rule != nil
        self.scheme = scheme
        host = Self.host(of: normalised, scheme: scheme)
    }

    /// A path rather than a URL: no scheme, not scp-like, not a transport helper.
    static func isLocalPath(_ url: String) -> Bool {
        !url.contains("://") && !url.contains("::") && !URLPath.isScpLike(url)
    }

    /// The scheme of a URL, scp-like `user@host:path` counting as ssh and a path as file.
    static func classify(_ url: String) throws(MirrorError) -> (Scheme, String) {
        if let range = url.range(of: "://") {
            let name = url[..<range.lowerBound].lowercased()
            guard let scheme = Scheme(rawValue: name) else {
                throw .disallowedScheme(url: Redaction.stripCredentials(url), scheme: name)
            }
            return (scheme, url)
        }
        // `ext::`, `fd::` and other transport helpers look like `name::…`.
        if let range = url.range(of: "::") {
            throw .disallowedScheme(url: Redaction.stripCredentials(url), scheme: String(url[..<range.lowerBound]))
        }
        if url.hasPrefix("/") || url.hasPrefix("./") || url.hasPrefix("../") || url.hasPrefix("~") {
            let path = (url as NSString).expandingTildeInPath
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            return (.file, "file://" + absolute)
        }
        if URLPath.isScpLike(url) { return (.ssh, url) }
        let absolute = URL(fileURLWithPath: url).standardizedFileURL.path
        return (.file, "file://" + absolute)
    }

    /// `host[:port]` (`URLAuthority.hostPort`: lowercased, no user information, no default
    /// port), or the host of a scp-like `user@host:path`; nil for local repositories and
    /// unreadable authorities.
    static func host(of url: String, scheme: Scheme) -> String? {
        if scheme == .file { return nil }
        if url.contains("://") { return URLAuthority(url: url)?.hostPort }
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }  // scp-like: no port
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return rest.isEmpty ? nil : rest.lowercased()
    }
}
