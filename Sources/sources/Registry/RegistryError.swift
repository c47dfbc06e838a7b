import HTTPTransport
import TrackbotCore

/// Why a registry operation failed. Messages name the registry, the request, and what to do.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidReference(String, reason: String)
    /// An output format `trackbot digests` does not know (a usage error).
    /// 401 with no way to authenticate, or still 401 after re-authenticating once.
    case unauthorized(registry: String, request: String, detail: String)
    case authenticationFailed(registry: String, realm: String, status: Int, detail: String)
    case insecureRealm(registry: String, realm: String)
    case unsupportedChallenge(registry: String, challenge: String)
    case notFound(registry: String, request: String)
    case unexpectedStatus(registry: String, request: String, status: Int, detail: String)
    case gaveUp(registry: String, request: String, attempts: Int, seconds: Double, last: String)
    case rateLimitFloor(registry: String, remaining: Int, floor: Int, limit: Int?)
    case missingDigest(registry: String, request: String)
    case digestMismatch(registry: String, request: String, expected: Digest, actual: Digest, source: String)
    case malformedManifest(registry: String, request: String, detail: String)
    case unsupportedMediaType(registry: String, request: String, mediaType: String)
    case attestationWithoutSubject(registry: String, reference: String, attestation: Digest, references: Digest?)
    case transport(registry: String, request: String, HTTPError)

    /// One line, free of control characters: header values, media types and bodies in it came
    /// from the server.
    public var description: String { Sanitize.terminal(message) }

    private var message: String {
        switch self {
        case .invalidReference(let text, let reason):
            return "invalid image reference \"\(text)\": \(reason) (expected [registry/]name[:tag][@sha256:…])"
        case .unauthorized(let r, let req, let detail):
            return
                "registry \(r): \(req) was refused (401): \(detail); check the credentials (TRACKBOT_REGISTRY_USER/TRACKBOT_REGISTRY_PASSWORD or docker config auths) and that the repository exists"
        case .authenticationFailed(let r, let realm, let status, let detail):
            return
                "registry \(r): the token service \(realm) answered \(status): \(detail); check the credentials for this registry"
        case .insecureRealm(let r, let realm):
            return
                "registry \(r) is served over https but asks for tokens from \(realm) over plain http; refused (a token or credentials would travel in clear)"
        case .unsupportedChallenge(let r, let challenge):
            return "registry \(r) asks for an authentication scheme trackbot does not speak: \(challenge)"
        case .notFound(let r, let req):
            return "registry \(r): \(req) not found (404); check the repository name and tag"
        case .unexpectedStatus(let r, let req, let status, let detail):
            return "registry \(r): \(req) answered \(status): \(detail)"
        case .gaveUp(let r, let req, let attempts, let seconds, let last):
            return
                "registry \(r): gave up on \(req) after \(attempts) attempt\(attempts == 1 ? "" : "s") in \(formatSeconds(seconds)) s; last problem: \(last). Try again later (the number of attempts and the time they may take are built in, not settings)"
        case .rateLimitFloor(let r, let remaining, let floor, let limit):
            let of = limit.map { " of \($0)" } ?? ""
            return
                "registry \(r): only \(remaining)\(of) pulls left in the rate-limit window, below the floor of \(floor); stopped before hitting 429s. Wait for the window to reset, log in for a higher limit, or lower registry.rate-limit-floor in the configuration"
        case .missingDigest(let r, let req):
            return
                "registry \(r): \(req) answered without a Docker-Content-Digest header, so the digest cannot be known without downloading"
        case .digestMismatch(let r, let req, let expected, let actual, let source):
            return
                "registry \(r): \(req) returned content whose digest is \(actual), not \(expected) (\(source)); refused. The registry, a proxy or the transfer corrupted it"
        case .malformedManifest(let r, let req, let detail):
            return "registry \(r): \(req) returned a manifest that cannot be read: \(detail)"
        case .unsupportedMediaType(let r, let req, let type):
            return
                "registry \(r): \(req) returned media type \(type), which is not an OCI/Docker index or image manifest"
        case .attestationWithoutSubject(let r, let ref, let att, let refs):
            let what =
                refs.map { "refers to \($0), which is not a platform of the index" }
                ?? "has no vnd.docker.reference.digest annotation"
            return "registry \(r): \(ref): attestation manifest \(att) \(what); the index is inconsistent"
        case .transport(let r, let req, let error):
            return "registry \(r): \(req): \(error.description)"
        }
    }
}

func formatSeconds(_ s: Double) -> String {
    let tenths = Int((s * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}
