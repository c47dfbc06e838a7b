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
}

/// Where credentials come from, first match wins:
/// 1. `TRACKBOT_REGISTRY_USER` and `TRACKBOT_REGISTRY_PASSWORD` (for every registry, or only the
///    one named by `TRACKBOT_REGISTRY_HOST` when that is set);
/// 2. `auths` in `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (`auth` as
///    base64 `user:password`, or `username` and `password`).
/// Credentials are looked up by the host actually contacted (after rewriting), so a mirror never
/// receives Docker Hub's credentials.
public struct CredentialStore: Sendable {
    private let entries: [String: RegistryCredentials]
    private let everywhere: RegistryCredentials?
    private let onlyHost: String?

    /// No credentials: anonymous pulls only.
    public static let anonymous = CredentialStore(entries: [:], everywhere: nil, onlyHost: nil)

    public init(entries: [String: RegistryCredentials], everywhere: RegistryCredentials? = nil, onlyHost: String? = nil) {
        self.entries = entries
        self.everywhere = everywhere
        self.onlyHost = onlyHost
    }

    /// Reads the environment and the docker config file. A config file that exists but cannot be
    /// read is an error (silently pulling anonymously would hide it).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> CredentialStore {
        var everywhere: RegistryCredentials?
        if let user = env["TRACKBOT_REGISTRY_USER"], !user.isEmpty, let password = env["TRACKBOT_REGISTRY_PASSWORD"] {
            everywhere = RegistryCredentials(username: user, password: Secret(password))
        }
        let directory = env["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.docker")
        let path = directory + "/config.json"
        var entries: [String: RegistryCredentials] = [:]
        if FileManager.default.fileExists(atPath: path) {
            entries = try dockerConfigAuths(path: path)
        }
        return CredentialStore(entries: entries, everywhere: everywhere, onlyHost: env["TRACKBOT_REGISTRY_HOST"].flatMap { $0.isEmpty ? nil : $0 })
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
                      let colon = decoded.firstIndex(of: ":") else {
                    throw CredentialError.unreadable(path: path, detail: "the auth of \"\(key)\" is not base64 of user:password")
                }
                out[normalise(key)] = RegistryCredentials(username: String(decoded[..<colon]),
                                                          password: Secret(String(decoded[decoded.index(after: colon)...])))
            } else if let user = entry.username, let password = entry.password {
                out[normalise(key)] = RegistryCredentials(username: user, password: Secret(password))
            }
        }
        return out
    }

    /// Credentials for the registry at `authority` (`host[:port]`), if any.
    public func credentials(for authority: String) -> RegistryCredentials? {
        let host = authority.lowercased()
        if let everywhere, onlyHost == nil || onlyHost!.lowercased() == host { return everywhere }
        if let found = entries[host] { return found }
        if ["registry-1.docker.io", "index.docker.io", "docker.io"].contains(host) {
            return entries["index.docker.io"] ?? entries["docker.io"] ?? entries["registry-1.docker.io"]
        }
        return nil
    }

    /// `https://index.docker.io/v1/` → `index.docker.io`.
    static func normalise(_ key: String) -> String {
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
            return "cannot read registry credentials from \(path): \(detail); fix or remove the file, or point DOCKER_CONFIG elsewhere"
        }
    }
}
