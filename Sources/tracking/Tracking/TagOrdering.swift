/// A version- and date-aware order of upstream tag names: runs of digits compare as numbers
/// (`v3.20.10` > `v3.20.9`, `20240530` > `20231201`), a leading `v` is ignored, a pre-release
/// suffix (`-rc1`, `-beta`) sorts before the release, and Ubuntu's `dist-<suite>-<arch>-<serial>-<hash>`
/// tags order by serial.
public enum TagOrdering {
    /// Whether tag `a` is older than tag `b`.
    public static func isOlder(_ a: String, than b: String) -> Bool { compare(a, b) < 0 }

    /// -1, 0 or 1.
    public static func compare(_ a: String, _ b: String) -> Int {
        if let ua = ubuntu(a), let ub = ubuntu(b) {
            if ua.prefix != ub.prefix { return ua.prefix < ub.prefix ? -1 : 1 }
            let c = compareNumbers(ua.serial, ub.serial)
            if c != 0 { return c }
        }
        let ta = tokens(a), tb = tokens(b)
        for (x, y) in zip(ta, tb) {
            let c: Int
            switch (x, y) {
            case (.number(let m), .number(let n)): c = compareNumbers(m, n)
            case (.number, .text): c = 1
            case (.text, .number): c = -1
            case (.text(let s), .text(let t)): c = s == t ? 0 : (s < t ? -1 : 1)
            }
            if c != 0 { return c }
        }
        if ta.count == tb.count { return a == b ? 0 : (a < b ? -1 : 1) }
        // One is a prefix of the other: a pre-release suffix is older, anything else newer.
        let longerIsA = ta.count > tb.count
        let rest = Array((longerIsA ? ta : tb)[min(ta.count, tb.count)...])
        let older = isPreRelease(rest)
        return (longerIsA == older) ? -1 : 1
    }

    enum Token: Equatable {
        case number(String)
        case text(String)
    }

    static func tokens(_ tag: String) -> [Token] {
        var s = Substring(tag)
        if let first = s.first, first == "v" || first == "V", s.dropFirst().first?.isNumber == true {
            s = s.dropFirst()
        }
        var out: [Token] = []
        var current = ""
        var inDigits = false
        for ch in s {
            let digit = ch.isASCII && ch.isNumber
            if !current.isEmpty && digit != inDigits {
                out.append(inDigits ? .number(current) : .text(current))
                current = ""
            }
            inDigits = digit
            current.append(ch)
        }
        if !current.isEmpty { out.append(inDigits ? .number(current) : .text(current)) }
        return out
    }

    static func isPreRelease(_ rest: [Token]) -> Bool {
        guard case .text(let sep)? = rest.first, let first = sep.first else { return false }
        if first == "~" { return true }
        guard first == "-" || first == "_" else { return false }
        let word = sep.dropFirst().lowercased()
        return ["rc", "alpha", "beta", "pre", "dev", "preview"].contains { word.hasPrefix($0) }
    }

    /// Compares digit strings as numbers of any length.
    static func compareNumbers(_ a: String, _ b: String) -> Int {
        let x = a.drop { $0 == "0" }, y = b.drop { $0 == "0" }
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    /// `dist-<suite>-<arch>-<serial>-<hash>` as (`dist-<suite>-<arch>`, serial).
    static func ubuntu(_ tag: String) -> (prefix: String, serial: String)? {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0] == "dist" else { return nil }
        if let serialIndex = parts.indices.dropFirst(2).first(where: { i in
            parts[i].count >= 8 && parts[i].allSatisfy { $0.isASCII && $0.isNumber }
        }) {
            return (parts[..<serialIndex].joined(separator: "-"), String(parts[serialIndex]))
        }
        return nil
    }
}
