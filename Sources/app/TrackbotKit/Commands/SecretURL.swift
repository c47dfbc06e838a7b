import Foundation
import TrackbotCore

/// A URL from `[[notify]]` or `[watch]` that may hold a secret (Slack's webhook URLs and most
/// heartbeat services put one in the path): only its host is ever shown, and every message that
/// passes through here is scrubbed of the whole URL and of its path.
struct SecretURL: Sendable {
    let value: Secret
    /// `https://hooks.example.com/…`.
    let shown: String

    init(_ url: String) {
        value = Secret(url)
        let components = URLComponents(string: url)
        shown = "\(components?.scheme ?? "http")://\(components?.host ?? "?")/…"
    }

    /// The URL as configured: `url` in the file, else the environment variable `env` names.
    static func resolve(url: String?, env: String?, environment: [String: String], what: String) throws -> SecretURL? {
        if let url { return SecretURL(url) }
        guard let env else { return nil }
        guard let value = environment[env], !value.isEmpty else {
            throw UsageError("\(what): the environment variable \(env) (its url-env) is not set; nothing was checked")
        }
        guard value.hasPrefix("https://") || value.hasPrefix("http://") else {
            throw UsageError("\(what): \(env) does not hold an https:// or http:// URL; nothing was checked")
        }
        return SecretURL(value)
    }

    /// The URL and its path with query, each a form a message may echo.
    var secrets: [Secret] {
        var list = [value]
        if let c = URLComponents(string: value.value) {
            let path = c.percentEncodedPath + (c.percentEncodedQuery.map { "?\($0)" } ?? "")
            if path.count > 1 { list.append(Secret(path)) }
        }
        return list
    }

    func scrub(_ text: String) -> String { Redaction.scrub(text, secrets: secrets) }
}
