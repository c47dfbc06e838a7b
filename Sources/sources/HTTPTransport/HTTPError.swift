import TrackbotCore

/// Why an HTTP exchange failed. URLs are stored with credentials stripped and messages scrubbed.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    /// libcurl failed (connection refused, reset, truncated body…); `code` is its CURLcode.
    case transport(method: String, url: String, code: Int, message: String)
    case timedOut(method: String, url: String, seconds: Double)
    case bodyTooLarge(method: String, url: String, limit: Int)
    case tooManyRedirects(method: String, url: String, limit: Int)
    case redirectRefused(method: String, from: String, to: String)

    /// One line, free of control characters (URLs and libcurl's messages may carry what a
    /// server sent).
    public var description: String { Sanitize.terminal(message) }

    private var message: String {
        switch self {
        case .invalidURL(let url):
            return "invalid URL \"\(url)\" (expected http:// or https://)"
        case .transport(let method, let url, let code, let message):
            return
                "\(method) \(url) failed: \(message) (curl error \(code)); check the network, proxy settings (https_proxy, no_proxy) and the URL"
        case .timedOut(let method, let url, let seconds):
            return "\(method) \(url) timed out after \(Self.format(seconds)) s; the server is slow or unreachable"
        case .bodyTooLarge(let method, let url, let limit):
            return
                "\(method) \(url): response body is larger than the \(limit / 1024) KiB allowed for it; transfer aborted (a manifest or JSON document this big is not plausible)"
        case .tooManyRedirects(let method, let url, let limit):
            return "\(method) \(url): more than \(limit) redirects"
        case .redirectRefused(let method, let from, let to):
            return "\(method) \(from) redirected to \(to), which is not http or https; refused"
        }
    }

    /// Whether trying again later may help (timeouts, dropped or truncated connections).
    public var isRetryable: Bool {
        switch self {
        case .timedOut: return true
        case .transport(_, _, let code, _):
            // couldn't connect, HTTP/2 framing, partial file, got nothing, send/recv error, HTTP/2 stream
            return [7, 16, 18, 52, 55, 56, 92].contains(code)
        default: return false
        }
    }

    /// `3`, `0.25`: seconds without trailing zeros.
    static func format(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        if ms % 1000 == 0 { return String(ms / 1000) }
        var fraction = String(ms % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(ms / 1000).\(fraction)"
    }
}

/// A URL fit for a message: credentials stripped, known secrets scrubbed.
func displayURL(_ url: String, _ secrets: [Secret]) -> String {
    Redaction.scrub(Redaction.stripCredentials(url), secrets: secrets)
}
