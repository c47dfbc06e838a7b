import Foundation

/// The small part of Dockerfile word processing trackbot needs (instruction words, as BuildKit
/// substitutes them before any shell runs; `ShellExpansion` is the shell a `RUN` starts): variable substitution
/// (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`)
/// and splitting arguments into words with quotes removed.
enum DockerfileWords {
    /// Substitutes variables; an unknown variable becomes empty, or stays as written when
    /// `keepUnknown` (a RUN line, where the shell may know it).
    static func expand(
        _ text: String, escape: Character, keepUnknown: Bool = false,
        _ lookup: (String) -> String?
    ) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var inSingle = false
        while i < chars.count {
            let c = chars[i]
            if c == escape && i + 1 < chars.count && chars[i + 1] == "$" {
                out.append(keepUnknown ? "\(c)$" : "$")
                i += 2
                continue
            }
            if c == "'" && keepUnknown { inSingle.toggle() }
            guard c == "$", !inSingle, i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            if chars[i + 1] == "{" {
                guard let close = matchingBrace(chars, from: i + 1) else {
                    out.append(c)
                    i += 1
                    continue
                }
                let inner = String(chars[(i + 2)..<close])
                out += expandBraced(
                    inner, written: String(chars[i...close]), escape: escape,
                    keepUnknown: keepUnknown, lookup)
                i = close + 1
            } else if chars[i + 1] == "_" || chars[i + 1].isLetter {
                var j = i + 1
                while j < chars.count, chars[j] == "_" || chars[j].isLetter || chars[j].isNumber, chars[j].isASCII {
                    j += 1
                }
                let name = String(chars[(i + 1)..<j])
                if let value = lookup(name) { out += value } else if keepUnknown { out += "$" + name }
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    private static func matchingBrace(_ chars: [Character], from open: Int) -> Int? {
        var depth = 0
        var j = open
        while j < chars.count {
            if chars[j] == "{" { depth += 1 }
            if chars[j] == "}" {
                depth -= 1
                if depth == 0 { return j }
            }
            j += 1
        }
        return nil
    }

    private static func expandBraced(
        _ inner: String, written: String, escape: Character, keepUnknown: Bool,
        _ lookup: (String) -> String?
    ) -> String {
        let name = String(inner.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        let rest = inner.dropFirst(name.count)
        let value = lookup(name)
        func word(_ w: Substring) -> String { expand(String(w), escape: escape, keepUnknown: keepUnknown, lookup) }
        if rest.isEmpty { return value ?? (keepUnknown ? written : "") }
        if rest.hasPrefix(":-") { return (value?.isEmpty == false) ? value! : word(rest.dropFirst(2)) }
        if rest.hasPrefix("-") { return value ?? word(rest.dropFirst(1)) }
        if rest.hasPrefix(":+") { return (value?.isEmpty == false) ? word(rest.dropFirst(2)) : "" }
        if rest.hasPrefix("+") { return value != nil ? word(rest.dropFirst(1)) : "" }
        if rest.hasPrefix(":?") || rest.hasPrefix("?") { return value ?? (keepUnknown ? written : "") }
        // Pattern operators (`%`, `#`, `/`) are not evaluated: keep the value, or the text.
        return value ?? (keepUnknown ? written : "")
    }

    /// Splits on unquoted whitespace and removes quotes (`"a b" c` → `a b`, `c`).
    static func split(_ text: String, escape: Character) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var chars = text.makeIterator()
        while let c = chars.next() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == escape && q == "\"", let n = chars.next() {
                    if n != "\"" && n != escape { current.append(c) }
                    current.append(n)
                } else {
                    current.append(c)
                }
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" || c == "\n" {
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            } else if c == escape, let n = chars.next() {
                current.append(n)
                inWord = true
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// A JSON array of strings, or nil.
    static func jsonArray(_ text: String) -> [String]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]"),
            let data = trimmed.data(using: .utf8),
            let value = try? JSONSerialization.jsonObject(with: data) as? [Any]
        else { return nil }
        let strings = value.compactMap { $0 as? String }
        return strings.count == value.count ? strings : nil
    }
}
