/// A version- and date-aware order of upstream tag names: runs of digits compare as numbers
/// (`v3.20.10` > `v3.20.9`, `20240530` > `20231201`), a leading `v` is ignored, a pre-release
/// suffix (`-rc1`, `-beta`, `a1`, `_RC1`) sorts before the release, and Ubuntu's `dist-<suite>-<arch>-<serial>-<hash>`
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
        for (i, (x, y)) in zip(ta, tb).enumerated() {
            let c: Int
            switch (x, y) {
            case (.number(let m), .number(let n)): c = compareNumbers(m, n)
            case (.number, .text): c = 1
            case (.text, .number): c = -1
            case (.text(let s), .text(let t)):
                if s == t { continue }
                // Where the texts part, a pre-release is older than anything else: `REL_17_RC1` < `REL_17_0`.
                let preA = isPreRelease(ta[i...]), preB = isPreRelease(tb[i...])
                c = preA != preB ? (preA ? -1 : 1) : (s < t ? -1 : 1)
            }
            if c != 0 { return c }
        }
        if ta.count == tb.count { return a == b ? 0 : (a < b ? -1 : 1) }
        // One is a prefix of the other: a pre-release suffix is older, anything else newer.
        let longerIsA = ta.count > tb.count
        let older = isPreRelease((longerIsA ? ta : tb)[min(ta.count, tb.count)...])
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

    /// Whether the text after a version marks a pre-release: `-rc1`, `-beta.2`, `-alpha`, `_rc`,
    /// `_RC1`, `_BETA1`, Python's `a1`/`b2`/`rc1`/`.dev0`, `-pre`, `-preview`, or anything after `~`.
    public static func isPreRelease(suffix: Substring) -> Bool {
        var rest = suffix.lowercased()[...]
        if rest.first == "~" { return true }
        if let first = rest.first, "-_.".contains(first) { rest = rest.dropFirst() }
        for word in ["alpha", "beta", "rc", "pre", "preview", "dev"] where rest.hasPrefix(word) {
            // The word alone or followed by a number or separator: `-rc1`, `-beta.2`, `_rc`, not `-devel`.
            let after = rest.dropFirst(word.count).first
            if after == nil || after.map({ TagVersion.isDigit($0) || "-_.".contains($0) }) == true { return true }
        }
        // Python's short forms need a number: `3.14.0a1`, `3.14.0b2` (not `-alpine`, `-bookworm`).
        if let letter = rest.first, letter == "a" || letter == "b", let next = rest.dropFirst().first {
            return TagVersion.isDigit(next)
        }
        return false
    }

    static func isPreRelease(_ rest: ArraySlice<Token>) -> Bool {
        guard case .text? = rest.first else { return false }
        let text = rest.map { token in
            switch token {
            case .number(let n): n
            case .text(let t): t
            }
        }.joined()
        return isPreRelease(suffix: text[...])
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
