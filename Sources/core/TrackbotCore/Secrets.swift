/// A credential. Its description never shows the value, so string interpolation into a log or
/// an error message cannot leak it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

public enum Redaction {
    /// `https://user:token@host/path` → `https://host/path`; URLs without credentials unchanged.
    public static func stripCredentials(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + authority[authority.index(after: at)...] + afterScheme[authorityEnd...]
    }

    /// Replaces every occurrence of each secret in `text` (for messages that came from C libraries
    /// or servers, which may echo what they were sent).
    public static func scrub(_ text: String, secrets: [Secret]) -> String {
        var out = stripEmbeddedCredentials(text)
        for secret in secrets where secret.value.count >= 4 {
            out = out.replacingOccurrences(of: secret.value, with: "<redacted>")
        }
        return out
    }

    private static func stripEmbeddedCredentials(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        return text.split(separator: " ", omittingEmptySubsequences: false)
            .map { stripCredentials(String($0)) }.joined(separator: " ")
    }
}

extension String {
    /// Foundation-free replace, so the core module stays light.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard let first = target.first else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i] == first, self[i...].hasPrefix(target) {
                return i..<index(i, offsetBy: target.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
