import Foundation
import TrackbotCore
import Tracking

/// JSON as trackbot prints and stores it: pretty, keys sorted (stable diffs), no escaped slashes;
/// a report's data (`Verified`, `TagNote`) in Reporting's words (`ReportWording.reporting`).
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONCoding.readableEncoder()
        encoder.userInfo[ReportWording.key] = ReportWording.reporting
        return safe(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }

    /// The same JSON with every string made safe as the text and Markdown outputs make it
    /// (`Sanitize.terminal`, newlines and tabs kept): JSONEncoder escapes control characters, but
    /// `jq -r` turns them back into escape sequences, and it leaves C1 characters and DEL as
    /// they are. Strings with nothing to remove keep their exact bytes.
    public static func safe(_ json: String) -> String {
        let scalars = Array(json.unicodeScalars)
        // JSONEncoder writes a control character as `\u00XX` (or `\b`, `\f`, `\r`): without those
        // and without DEL or C1, there is nothing to do.
        guard
            json.contains("\\u00") || json.contains("\\b") || json.contains("\\f") || json.contains("\\r")
                || scalars.contains(where: { (0x7F...0x9F).contains($0.value) })
        else { return json }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "\"" else {
                out.append(scalars[i])
                i += 1
                continue
            }
            var j = i + 1
            while j < scalars.count, scalars[j] != "\"" { j += scalars[j] == "\\" ? 2 : 1 }
            let literal = scalars[i...min(j, scalars.count - 1)]
            if let decoded = decode(literal.dropFirst().dropLast()) {
                let clean = Sanitize.terminal(decoded, multiline: true)
                out.append(contentsOf: clean == decoded ? Array(literal) : Array(encode(clean).unicodeScalars))
            } else {
                out.append(contentsOf: literal)
            }
            i = j + 1
        }
        return String(out)
    }

    /// The value of a JSON string literal's content; nil when it is not well formed.
    private static func decode(_ content: ArraySlice<Unicode.Scalar>) -> String? {
        var out = String.UnicodeScalarView()
        var units: [UInt16] = []
        func flush() {
            guard !units.isEmpty else { return }
            out.append(contentsOf: String(decoding: units, as: UTF16.self).unicodeScalars)
            units = []
        }
        var i = content.startIndex
        while i < content.endIndex {
            let c = content[i]
            guard c == "\\" else {
                flush()
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < content.endIndex else { return nil }
            let e = content[i + 1]
            i += 2
            switch e {
            case "\"", "\\", "/":
                flush()
                out.append(e)
            case "b":
                flush()
                out.append("\u{08}")
            case "f":
                flush()
                out.append("\u{0C}")
            case "n":
                flush()
                out.append("\n")
            case "r":
                flush()
                out.append("\r")
            case "t":
                flush()
                out.append("\t")
            case "u":
                guard i + 4 <= content.endIndex,
                    let v = UInt16(String(String.UnicodeScalarView(content[i..<(i + 4)])), radix: 16)
                else {
                    return nil
                }
                units.append(v)  // surrogate pairs are joined when flushed
                i += 4
            default: return nil
            }
        }
        flush()
        return String(out)
    }

    /// A JSON string literal for `s`, escaped as JSONEncoder escapes (slashes left alone).
    private static func encode(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
