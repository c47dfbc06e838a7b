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
        guard let range = URLAuthority.authorityRange(in: url) else { return url }
        let authority = url[range]
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<range.lowerBound]) + authority[authority.index(after: at)...] + url[range.upperBound...]
    }

    /// Removes `user:password@` from every URL inside `text` (a message, an annotation, a
    /// Dockerfile line): the authority after each `://` ends at a path, query, fragment, space,
    /// quote or bracket, and everything up to its last `@` goes. Works on UTF-8 bytes (every
    /// delimiter is ASCII, which no multi-byte character contains): library files call it for
    /// every line of the legacy formats.
    public static func stripURLCredentials(inText text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var copied = 0  // bytes[..<copied] are in `out` (or unchanged, while out is empty)
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == 0x3A, bytes[i + 1] == 0x2F, bytes[i + 2] == 0x2F else {
                i += 1
                continue
            }
            let start = i + 3
            var end = start
            var at: Int?
            while end < bytes.count, !endsAuthority(bytes[end]) {
                if bytes[end] == 0x40 { at = end }
                end += 1
            }
            if let at {
                out += bytes[copied..<start]
                copied = at + 1
            }
            i = end
        }
        guard copied > 0 else { return text }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// `/ ? #`, ASCII whitespace, quotes, angle brackets, parentheses and backquote.
    private static func endsAuthority(_ b: UInt8) -> Bool {
        switch b {
        case 0x2F, 0x3F, 0x23, 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x22, 0x27, 0x3C, 0x3E, 0x28, 0x29, 0x60: return true
        default: return false
        }
    }

    /// Replaces every known form of each secret in `text` (for messages that came from C
    /// libraries or servers, which may echo what they were sent), then strips URL credentials.
    /// A secret shorter than 4 characters is left alone: replacing it would garble the text and
    /// hide nothing worth hiding.
    public static func scrub(_ text: String, secrets: [Secret]) -> String {
        var out = stripURLCredentials(inText: text)
        // Longest first, so `user:password` goes whole before `password` alone is replaced in it.
        let known = Set(secrets.filter { $0.value.count >= 4 }.flatMap { forms(of: $0.value) }).sorted {
            $0.count > $1.count
        }
        for form in known where form.count >= 4 {
            out = out.replacingOccurrences(of: form, with: "<redacted>")
        }
        return out
    }

    /// The ways a secret travels in a request or comes back in an answer: as is, base64 (with
    /// and without padding, and base64url), and percent-encoded (upper- and lowercase hex, and
    /// the form encoding with `+` for a space). `user:password` is a secret of its own
    /// (`RegistryCredentials.secrets`), so its base64 (a Basic header) is one of its forms.
    public static func forms(of value: String) -> [String] {
        let bytes = Array(value.utf8)
        var out = [value]
        let base64 = Base64.encode(bytes)
        var unpadded = base64
        while unpadded.hasSuffix("=") { unpadded.removeLast() }
        out += [base64, unpadded]
        out.append(String(unpadded.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }))
        let upper = percentEncode(bytes, hex: "0123456789ABCDEF")
        out += [upper, percentEncode(bytes, hex: "0123456789abcdef"), upper.replacingOccurrences(of: "%20", with: "+")]
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// RFC 3986 percent-encoding: every byte but the unreserved `A-Z a-z 0-9 - . _ ~`.
    static func percentEncode(_ bytes: [UInt8], hex: String) -> String {
        let digits = Array(hex)
        var out = ""
        for b in bytes {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(b)))
            default:
                out += "%" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xF)])
            }
        }
        return out
    }
}

/// Standard base64 with padding (RFC 4648), without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0,
                b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[((b0 & 0x3) << 4) | (b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[((b1 & 0xF) << 2) | (b2 >> 6)] : "=")
            out.append(i + 2 < bytes.count ? alphabet[b2 & 0x3F] : "=")
            i += 3
        }
        return out
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
