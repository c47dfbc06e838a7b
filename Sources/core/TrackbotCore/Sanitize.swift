/// Text from outside (server bodies, library and Dockerfile contents, annotations, names) made
/// safe to show: a terminal must never receive an escape sequence or control character that
/// trackbot did not write itself, or a registry or a library file could redraw the user's screen
/// (a fake "all images verified OK" in green, a cleared line, a changed window title).
public enum Sanitize {
    /// Removes ESC sequences (CSI, OSC, DCS and the other string sequences, and two-character
    /// escapes), their 8-bit C1 forms, every other C0 and C1 control character, and DEL.
    /// - Parameter multiline: keep `\n` and `\t` (a block of several lines); otherwise they
    ///   become spaces, so a value cannot start a line of its own. `\r` always goes: it
    ///   would let a value overwrite the start of its line.
    public static func terminal(_ text: String, multiline: Bool = false) -> String {
        // Nearly all text has nothing to remove: it is returned as it is, without a copy.
        guard
            text.unicodeScalars.contains(where: {
                isControl($0) && !(multiline && ($0.value == 0x0A || $0.value == 0x09))
            })
        else {
            return text
        }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            switch v {
            case 0x0A, 0x09:
                out.append(multiline ? scalars[i] : " ")
                i += 1
            case 0x1B:
                i = skipEscape(scalars, from: i)
            case 0x9B:
                i = skipCSI(scalars, from: i + 1)
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                i = skipString(scalars, from: i + 1) ?? i + 1
            default:
                if !isControl(scalars[i]) { out.append(scalars[i]) }
                i += 1
            }
        }
        return String(out)
    }

    /// C0 (with `\n` and `\t`, which `terminal` treats apart), DEL and C1.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value)
    }

    /// Index after the escape sequence starting with the ESC at `start`.
    private static func skipEscape(_ s: [Unicode.Scalar], from start: Int) -> Int {
        let next = start + 1
        guard next < s.count else { return next }
        switch s[next].value {
        case 0x5B:  // ESC [ : CSI
            return skipCSI(s, from: next + 1)
        case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // ESC ] OSC, ESC P DCS, ESC X SOS, ESC ^ PM, ESC _ APC
            // Unterminated: drop the introducer only, and read the rest as text.
            return skipString(s, from: next + 1) ?? next + 1
        case 0x20...0x2F:  // intermediate bytes, then one final byte (ESC ( B, ESC # 8)
            var j = next
            while j < s.count, (0x20...0x2F).contains(s[j].value) { j += 1 }
            return j < s.count && (0x30...0x7E).contains(s[j].value) ? j + 1 : j
        case 0x30...0x7E:  // a two-character escape (ESC 7, ESC c, ESC M)
            return next + 1
        default:  // ESC followed by something else: only the ESC goes
            return next
        }
    }

    /// Index after a CSI whose parameters start at `start`: parameter bytes 0x30–0x3F,
    /// intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E.
    private static func skipCSI(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        while j < s.count, (0x30...0x3F).contains(s[j].value) { j += 1 }
        while j < s.count, (0x20...0x2F).contains(s[j].value) { j += 1 }
        if j < s.count, (0x40...0x7E).contains(s[j].value) { j += 1 }
        return j
    }

    /// Index after the terminator (BEL, ESC \ or ST) of a string sequence whose content starts
    /// at `start`; nil when there is none.
    private static func skipString(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        var j = start
        while j < s.count {
            switch s[j].value {
            case 0x07, 0x9C: return j + 1
            case 0x1B where j + 1 < s.count && s[j + 1].value == 0x5C: return j + 2
            default: j += 1
            }
        }
        return nil
    }
}
