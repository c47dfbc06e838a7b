import Foundation
import TrackbotCore

/// A username and password (or token) for one registry.
public struct RegistryCredentials: Sendable, Hashable {
    public var username: String
    public var password: Secret

    public init(username: String, password: Secret) {
        self.username = username
        self.password = password
    }

    /// `base64(user:password)` for a Basic `Authorization` header.
    var basic: Secret { Secret(Data("\(username):\(password.value)".utf8).base64EncodedString()) }

    /// What to scrub from anything a server answers: the password and `user:password`, each in
    /// every form `Redaction.scrub` knows (raw, base64, percent-encoded).
    public var secrets: [Secret] { [password, Secret("\(username):\(password.value)")] }
}

/// Registry credentials, scoped to one registry: trackbot authenticates to the registry it
/// checks official images on and to no other. A registry that an upstream file names (a
/// Dockerfile's `FROM 127.0.0.1:5000/…`, looked up as a parent) is asked anonymously.
///
/// The registry is `TRACKBOT_REGISTRY_HOST` when set (the `host[:port]` contacted, e.g. a
/// mirror), else `registry` (`[registry] host` of the configuration, default `docker.io`,
/// whose API host is `registry-1.docker.io`) where the URL rewriting sends it. Its credentials
/// are, first match wins:
/// 1. `TRACKBOT_REGISTRY_USER` and `TRACKBOT_REGISTRY_PASSWORD`;
/// 2. its entry in the `auths` of `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`
///    (`auth` as base64 `user:password`, or `username` and `password`), looked up by the host
///    actually contacted, so a mirror never receives Docker Hub's entry.
///
/// A token realm on the registry's own origin receives them; a realm on another origin only
/// when it is https and listed in `realms` (`[registry] credential-realms`; by default
/// `https://auth.docker.io` for Docker Hub and nothing for any other registry).
public struct CredentialStore: Sendable {
    private let entries: [String: RegistryCredentials]
    private let fromVariables: RegistryCredentials?
    /// `TRACKBOT_REGISTRY_HOST`: the authority the credentials are for, over `registry`.
    private let onlyHost: String?
    /// The registry name the credentials are for, resolved through the URL rewriting.
    public var registry: String
    /// Token realms on another origin that may receive the credentials (`https://host[:port]`);
    /// nil for the default.
    public var realms: [String]?

    /// Docker Hub's token service: the default credential realm for `docker.io`.
    public static let dockerHubRealm = "https://auth.docker.io"

    /// No credentials: anonymous pulls only.
    public static let anonymous = CredentialStore(entries: [:])

    /// - Parameters:
    ///   - entries: docker config `auths`, by host.
    ///   - fromVariables: `TRACKBOT_REGISTRY_USER` and `_PASSWORD`, which win over `entries`.
    ///   - onlyHost: `TRACKBOT_REGISTRY_HOST`.
    public init(
        entries: [String: RegistryCredentials], fromVariables: RegistryCredentials? = nil, onlyHost: String? = nil,
        registry: String = ImageReference.dockerHub, realms: [String]? = nil
    ) {
        self.entries = entries
        self.fromVariables = fromVariables
        self.onlyHost = onlyHost
        self.registry = registry
        self.realms = realms
    }

    /// Reads the environment and the docker config file. A config file that exists but cannot be
    /// read is an error (silently pulling anonymously would hide it).
    /// - Parameters:
    ///   - registry: the configured registry (`[registry] host`).
    ///   - realms: `[registry] credential-realms`; nil for the default.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment,
        registry: String = ImageReference.dockerHub,
        realms: [String]? = nil
    ) throws -> CredentialStore {
        var fromVariables: RegistryCredentials?
        if let user = env["TRACKBOT_REGISTRY_USER"], !user.isEmpty, let password = env["TRACKBOT_REGISTRY_PASSWORD"] {
            fromVariables = RegistryCredentials(username: user, password: Secret(password))
        }
        let directory =
            env["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.docker")
        let path = directory + "/config.json"
        var entries: [String: RegistryCredentials] = [:]
        if FileManager.default.fileExists(atPath: path) {
            entries = try dockerConfigAuths(path: path)
        }
        return CredentialStore(
            entries: entries, fromVariables: fromVariables,
            onlyHost: env["TRACKBOT_REGISTRY_HOST"].flatMap { $0.isEmpty ? nil : $0 },
            registry: registry, realms: realms)
    }

    /// Parses the `auths` of a docker `config.json`.
    public static func dockerConfigAuths(path: String) throws -> [String: RegistryCredentials] {
        struct Config: Decodable {
            struct Entry: Decodable {
                var auth: String?
                var username: String?
                var password: String?
            }
            var auths: [String: Entry]?
        }
        let config: Config
        do {
            config = try JSONDecoder().decode(Config.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CredentialError.unreadable(path: path, detail: "not a docker config.json (\(type(of: error)))")
        }
        var out: [String: RegistryCredentials] = [:]
        for (key, entry) in config.auths ?? [:] {
            if let auth = entry.auth, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
                    let colon = decoded.firstIndex(of: ":")
                else {
                    throw CredentialError.unreadable(
                        path: path, detail: "the auth of \"\(key)\" is not base64 of user:password")
                }
                out[normalise(key)] = RegistryCredentials(
                    username: String(decoded[..<colon]),
                    password: Secret(String(decoded[decoded.index(after: colon)...])))
            } else if let user = entry.username, let password = entry.password {
                out[normalise(key)] = RegistryCredentials(username: user, password: Secret(password))
            }
        }
        return out
    }

    /// The authority (`host[:port]`) credentials are for, once `rewriter` has sent the
    /// registry wherever it goes.
    public func scopeAuthority(rewriter: URLRewriter) -> String {
        Self.canonical(onlyHost ?? RegistryEndpoint(registry: registry, rewriter: rewriter).authority)
    }

    /// Credentials for `endpoint`: nil unless it is the scoped registry.
    public func credentials(for endpoint: RegistryEndpoint, rewriter: URLRewriter) -> RegistryCredentials? {
        guard Self.canonical(endpoint.authority) == scopeAuthority(rewriter: rewriter) else { return nil }
        return credentials(for: endpoint.authority)
    }

    /// Token realms on another origin that may receive the credentials of the scoped registry.
    public func credentialRealms(rewriter: URLRewriter) -> [String] {
        realms ?? (scopeAuthority(rewriter: rewriter) == "registry-1.docker.io" ? [Self.dockerHubRealm] : [])
    }

    /// The credentials configured for `authority`, before any scoping (`credentials(for:rewriter:)`
    /// is the one to call when deciding what to send).
    func credentials(for authority: String) -> RegistryCredentials? {
        let host = authority.lowercased()
        if let fromVariables { return fromVariables }
        if let found = entries[host] { return found }
        if Self.canonical(host) == "registry-1.docker.io" {
            return entries["index.docker.io"] ?? entries["docker.io"] ?? entries["registry-1.docker.io"]
        }
        return nil
    }

    /// Lowercased, with Docker Hub's names (`docker.io`, `index.docker.io`) as its API host.
    static func canonical(_ authority: String) -> String {
        let a = normalise(authority)
        return ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(a) ? "registry-1.docker.io" : a
    }

    /// `https://index.docker.io/v1/` → `index.docker.io`; `Registry.example:443` →
    /// `registry.example` (`URLAuthority.hostPort`, https unless the key names its scheme).
    static func normalise(_ key: String) -> String {
        let parsed =
            key.contains("://")
            ? URLAuthority(url: key)
            : URLAuthority(authority: key.prefix { $0 != "/" }, scheme: "https")
        if let parsed { return parsed.hostPort }
        var k = key.lowercased()
        if let r = k.range(of: "://") { k = String(k[r.upperBound...]) }
        return String(k.prefix { $0 != "/" })
    }
}

public enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, detail: String)
    public var description: String {
        switch self {
        case .unreadable(let path, let detail):
            return
                "cannot read registry credentials from \(path): \(detail); fix or remove the file, or point DOCKER_CONFIG elsewhere"
        }
    }
}
