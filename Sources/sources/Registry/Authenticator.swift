import Foundation
import HTTPTransport
import TrackbotCore

/// Authentication state for one registry: the challenge it answered with, and bearer tokens
/// cached per scope until `expires_in` (60 s when absent) runs out. Concurrent requests for the
/// same scope share one token request.
actor Authenticator {
    let endpoint: RegistryEndpoint
    private let credentials: RegistryCredentials?
    /// Token realms on another origin that may receive `credentials` (https only).
    private let credentialRealms: [String]
    /// What to scrub from the registry's answers: every form of the credentials.
    nonisolated let secrets: [Secret]
    private let http: HTTPClient
    private let counter: RequestCounter
    private var challenge: Challenge?
    private var tokens: [String: (token: Secret, expires: Date)] = [:]
    /// Concurrent requests for the same scope share one token request.
    private let inFlight = TaskCache<String, Secret>(keep: .whileInFlight)

    init(
        endpoint: RegistryEndpoint, credentials: RegistryCredentials?, credentialRealms: [String] = [],
        http: HTTPClient, counter: RequestCounter
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.credentialRealms = credentialRealms
        self.secrets = credentials?.secrets ?? []
        self.http = http
        self.counter = counter
    }

    /// Remembers the challenge from a 401; throws when trackbot cannot answer it.
    func learn(from headers: HTTPHeaders) throws {
        let offered = headers.values("WWW-Authenticate").compactMap(Challenge.init(header:))
        guard let chosen = offered.first(where: \.isBearer) ?? offered.first(where: \.isBasic) else {
            throw RegistryError.unsupportedChallenge(
                registry: endpoint.description,
                challenge: headers.values("WWW-Authenticate").joined(separator: "; ").ifEmpty(
                    "(no WWW-Authenticate header)"))
        }
        if chosen.isBearer {
            guard let realm = chosen.realm, let realmScheme = realm.split(separator: ":").first?.lowercased(),
                realmScheme == "http" || realmScheme == "https"
            else {
                throw RegistryError.unsupportedChallenge(
                    registry: endpoint.description, challenge: "Bearer without an http(s) realm")
            }
            if endpoint.isHTTPS && realmScheme == "http" {
                throw RegistryError.insecureRealm(
                    registry: endpoint.description, realm: Redaction.stripCredentials(realm))
            }
        }
        challenge = chosen
    }

    /// Forgets the token for `scope` (the registry refused it).
    func invalidate(_ scope: String) { tokens[scope] = nil }

    /// The `Authorization` to send for `scope`: nil until the registry has asked for one.
    func authorization(for scope: String) async throws -> (scheme: String, credential: Secret)? {
        guard let challenge else { return nil }
        if challenge.isBasic {
            guard let credentials else { return nil }
            return ("Basic", credentials.basic)
        }
        if let cached = tokens[scope], cached.expires > Date() { return ("Bearer", cached.token) }
        return (
            "Bearer",
            try await inFlight.value(for: scope) { try await self.fetchToken(challenge: challenge, scope: scope) }
        )
    }

    private func fetchToken(challenge: Challenge, scope: String) async throws -> Secret {
        let realm = challenge.realm ?? ""
        // An empty scope (the `/v2/` ping) asks for a token with no repository access.
        var query = scope.isEmpty ? [] : ["scope=" + Self.encode(scope)]
        if let service = challenge.service { query.insert("service=" + Self.encode(service), at: 0) }
        let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
        var request = HTTPRequest(.get, url, headers: HTTPHeaders([("Accept", "application/json")]), bodyLimit: 1 << 20)
        request.secrets += secrets
        // The realm is named by the registry's answer: the password goes there only when it is
        // the registry's own origin, or an https origin the configuration trusts.
        var withheld: String?
        if let credentials {
            if Self.realmMayReceiveCredentials(realm, endpoint: endpoint, allowed: credentialRealms) {
                request.authorize("Basic", credentials.basic)
            } else {
                withheld = Self.origin(realm) ?? Redaction.stripCredentials(realm)
            }
        }
        counter.count("token")
        let shownRealm = Redaction.stripCredentials(realm)
        let response: HTTPResponse
        do { response = try await http.send(request) } catch let error as HTTPError {
            throw RegistryError.transport(
                registry: endpoint.description, request: "token request to \(shownRealm)", error)
        }
        guard response.isSuccess else {
            var detail = response.bodyText(scrubbing: request.secrets)
            if let withheld {
                detail +=
                    "; the credentials were not sent to \(withheld): it is not the registry's origin"
                    + (withheld.hasPrefix("https://")
                        ? " and [registry] credential-realms does not list it (add it if you trust it)"
                        : " and is not https, so no setting lets it receive them")
            }
            throw RegistryError.authenticationFailed(
                registry: endpoint.description, realm: shownRealm, status: response.status,
                detail: detail)
        }
        struct TokenResponse: Decodable {
            var token: String?
            var access_token: String?
            var expires_in: Int?
        }
        guard let decoded = try? JSONDecoder().decode(TokenResponse.self, from: Data(response.body)),
            let value = decoded.token ?? decoded.access_token, !value.isEmpty
        else {
            throw RegistryError.authenticationFailed(
                registry: endpoint.description, realm: shownRealm, status: response.status,
                detail: "the answer holds no token")
        }
        let lifetime = Double(decoded.expires_in ?? 60)
        // A little early, so a token never expires between the check and its use.
        let margin = lifetime > 20 ? 5.0 : 0
        let token = Secret(value)
        tokens[scope] = (token, Date().addingTimeInterval(lifetime - margin))
        return token
    }

    /// Whether a token realm may receive the registry's credentials: on the registry's own
    /// origin (which receives them anyway), or on an https origin listed in `allowed`. Never a
    /// plain-http realm elsewhere: the password would cross the network in clear to a host the
    /// registry's answer chose.
    static func realmMayReceiveCredentials(_ realm: String, endpoint: RegistryEndpoint, allowed: [String]) -> Bool {
        guard let realmOrigin = origin(realm) else { return false }
        if realmOrigin == origin(endpoint.baseURL) { return true }
        return realmOrigin.hasPrefix("https://") && allowed.compactMap(origin).contains(realmOrigin)
    }

    /// `scheme://host[:port]` of a URL, lowercased, without credentials and without the
    /// scheme's default port (`URLAuthority.origin`); nil when it is not http(s).
    static func origin(_ url: String) -> String? {
        guard let authority = URLAuthority(url: url), authority.scheme == "http" || authority.scheme == "https" else {
            return nil
        }
        return authority.origin
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}

/// Counts requests by kind (`HEAD manifest`, `GET blob`, `token`…), for benchmarks and tests.
public final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    public init() {}

    func count(_ kind: String) { lock.withLock { counts[kind, default: 0] += 1 } }

    /// Requests so far, by kind.
    public var snapshot: [String: Int] { lock.withLock { counts } }

    public var total: Int { snapshot.values.reduce(0, +) }

    public func reset() { lock.withLock { counts.removeAll() } }
}
