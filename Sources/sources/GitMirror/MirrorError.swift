/// Everything that can go wrong with a git mirror. URLs in these values never carry credentials
/// and libgit2 messages are scrubbed of tokens before they get here.
public enum MirrorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL's scheme is not one trackbot fetches from.
    case disallowedScheme(url: String, scheme: String)
    /// A `file://` URL or local path that came neither from a rewrite nor from the user.
    case localURLNotAllowed(url: String)
    /// The URL cannot be used at all (empty, control characters, starts with `-`).
    case invalidURL(url: String, reason: String)
    /// The server refused the token sent for `host` (it is sent once, never retried).
    case authenticationFailed(url: String, host: String, message: String)
    /// The server wants credentials and no token is configured for `host`.
    case authenticationRequired(url: String, host: String, message: String)
    /// Connecting, listing or downloading failed.
    case fetchFailed(url: String, message: String)
    /// The server accepted the connection and then sent (or took) nothing for the stall timeout.
    case stalled(url: String, host: String, seconds: Int)
    /// The host name in the URL (or of the proxy) does not resolve.
    case hostNotResolved(url: String, host: String, message: String)
    /// A rewrite to a local folder would read outside that folder.
    case outsideRewriteTarget(url: String, path: String, folder: String)
    /// A ref name that trackbot will not pass to git.
    case invalidRef(ref: String, reason: String)
    /// A ref the caller asked for is not advertised by the remote.
    case refNotFound(url: String, ref: String)
    /// A revision (ref, tag, commit-ish) that does not resolve in the mirror.
    case revisionNotFound(mirror: String, revision: String, message: String)
    /// A path that does not exist at a commit.
    case pathNotFound(mirror: String, commit: String, path: String)
    /// A path that exists but is not the kind of object asked for.
    case wrongObjectType(mirror: String, commit: String, path: String, expected: String, actual: String)
    /// No mirror exists yet for the URL.
    case mirrorMissing(url: String, directory: String)
    /// `--offline`: what is needed (a mirror, a ref, a commit, the remote's refs) is not in the
    /// local mirror, and the network may not be asked. An empty `what`: no mirror at all.
    case notInLocalMirror(url: String, what: String)
    /// A libgit2 operation on the local repository failed.
    case repository(path: String, operation: String, message: String)
    /// A file-system operation in the cache failed.
    case io(path: String, operation: String, message: String)
    /// The sink given to a streamed read threw.
    case sinkFailed(path: String, message: String)

    public var description: String {
        switch self {
        case .disallowedScheme(let url, let scheme):
            return
                "git URL \(url) uses the scheme \"\(scheme)\", which trackbot does not fetch from: use https, http, git or ssh (or a --rewrite to a local mirror)"
        case .localURLNotAllowed(let url):
            return
                "git URL \(url) is a local path or file:// URL; local repositories are only used when a rewrite points there or the URL is your own (command line or config)"
        case .invalidURL(let url, let reason):
            return "git URL \"\(url)\" is not usable: \(reason)"
        case .authenticationFailed(let url, let host, let message):
            return
                "\(url) refused the token configured for \(host) (it was sent once and not retried): \(message). Check that the token (GITHUB_TOKEN for github.com) is valid and may read this repository"
        case .authenticationRequired(let url, let host, let message):
            return
                "\(url) asks for credentials and no token is configured for \(host): \(message). Set GITHUB_TOKEN (github.com) or configure a token for \(host)"
        case .fetchFailed(let url, let message):
            return "fetching from \(url) failed: \(message). Check the URL, the network and any --rewrite rules"
        case .stalled(let url, let host, let seconds):
            return
                "fetching from \(url) stopped: \(host) did not answer for \(seconds) seconds (the stall timeout). The server may be overloaded or not a git server; try again later, or raise [git] stall-timeout in the configuration"
        case .hostNotResolved(let url, let host, let message):
            return
                "could not resolve \(host) (fetching from \(url)): \(message). Check the host name in the URL, the DNS settings and any --rewrite rules"
        case .outsideRewriteTarget(let url, let path, let folder):
            return
                "git URL \(url) is rewritten to \(path), which is outside the rewrite target \(folder); trackbot never reads beyond a local rewrite target. Fix the URL, or the rewrite rule (end its target with \"/\")"
        case .invalidRef(let ref, let reason):
            return "\"\(ref)\" cannot be fetched: \(reason)"
        case .refNotFound(let url, let ref):
            return "\(url) does not have \(ref) (the remote does not advertise it); check the library's GitFetch value"
        case .revisionNotFound(let mirror, let revision, let message):
            return "\"\(revision)\" does not name a commit in the mirror \(mirror): \(message)"
        case .pathNotFound(let mirror, let commit, let path):
            return "\(commit):\(path) does not exist in the mirror \(mirror)"
        case .wrongObjectType(let mirror, let commit, let path, let expected, let actual):
            return "\(commit):\(path) in the mirror \(mirror) is a \(actual), not a \(expected)"
        case .notInLocalMirror(let url, let what):
            let subject = what.isEmpty ? "\(url) has no local mirror" : "\(what) of \(url) is not in the local mirror"
            return "\(subject) and --offline fetches nothing: run once without --offline to fetch it"
        case .mirrorMissing(let url, let directory):
            return "there is no mirror of \(url) yet (expected at \(directory)); fetch it first"
        case .repository(let path, let operation, let message):
            return "git mirror \(path): could not \(operation): \(message)"
        case .io(let path, let operation, let message):
            return "\(path): could not \(operation): \(message)"
        case .sinkFailed(let path, let message):
            return "reading \(path) stopped: \(message)"
        }
    }
}
