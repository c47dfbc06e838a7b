import Foundation

/// Expands one shell word as a shell would for one architecture: quotes removed, `$VAR`,
/// `${VAR:-x}`/`-`/`:+`/`+`/`:=`/`=`, the pattern removals `#`, `##`, `%`, `%%`, and the
/// architecture queries `$(dpkg --print-architecture)`, `$(apk --print-arch)`, `$(uname -m)`.
/// Anything else (another command substitution, an unset variable the script never assigns) makes
/// the result unresolved: it keeps the text as written there.
struct ShellExpansion {
    /// Variables the script has set (or that ENV/ARG set).
    var variables: [String: String]
    /// Variables the script assigns somewhere: unset at this point means empty, as in a shell.
    var assignedSomewhere: Set<String>
    /// Variables last assigned something that could not be resolved (`now="$(date)"`).
    var unknown: Set<String> = []
    var names: ArchitectureShellNames

    struct Result {
        var text: String
        var resolved: Bool
        /// Glob form for `case` patterns: quoted glob characters escaped with `\`.
        var pattern: String
        /// Whether any part came from an unquoted expansion (split into fields by `for`).
        var unquotedExpansion: Bool
    }

    /// Longest value kept: a script doubling a variable in a loop stops being followed there.
    static let maxValue = 65536
    /// Deepest `${a:-${b:-…}}` nesting followed.
    static let maxDepth = 32

    func expand(_ word: String, depth: Int = 0) -> Result {
        guard depth < Self.maxDepth, word.utf8.count <= Self.maxValue else {
            return Result(text: word, resolved: false, pattern: word, unquotedExpansion: false)
        }
        var out = Result(text: "", resolved: true, pattern: "", unquotedExpansion: false)
        let chars = Array(word)
        var i = 0
        var inDouble = false
        func literal(_ s: String, quoted: Bool) {
            out.text += s
            out.pattern += quoted ? s.map { "*?[]\\".contains($0) ? "\\\($0)" : String($0) }.joined() : s
        }
        while i < chars.count {
            let c = chars[i]
            if c == "'" && !inDouble {
                let end = chars[(i + 1)...].firstIndex(of: "'") ?? chars.count
                literal(String(chars[(i + 1)..<end]), quoted: true)
                i = end + 1
            } else if c == "\"" {
                inDouble.toggle()
                i += 1
            } else if c == "\\" {
                guard i + 1 < chars.count else { break }
                let n = chars[i + 1]
                if inDouble && !"$`\"\\".contains(n) {
                    literal("\\\(n)", quoted: true)
                } else {
                    literal(String(n), quoted: true)
                }
                i += 2
            } else if c == "$" && i + 1 < chars.count && chars[i + 1] == "(" {
                let end = ShellScript.balanced(chars, from: i + 1)
                let inner = String(chars[(i + 2)..<min(end, chars.count)])
                substitute(commandOutput(inner), written: String(chars[i...min(end, chars.count - 1)]), inDouble)
                i = end + 1
            } else if c == "`" {
                let end = chars[(i + 1)...].firstIndex(of: "`") ?? chars.count
                let inner = String(chars[(i + 1)..<end])
                substitute(commandOutput(inner), written: String(chars[i..<min(end + 1, chars.count)]), inDouble)
                i = end + 1
            } else if c == "$" && i + 1 < chars.count && chars[i + 1] == "{" {
                let end = ShellScript.balanced(chars, from: i + 1)
                let inner = String(chars[(i + 2)..<min(end, chars.count)])
                substitute(braced(inner, depth: depth), written: String(chars[i...min(end, chars.count - 1)]), inDouble)
                i = end + 1
            } else if c == "$" && i + 1 < chars.count && (chars[i + 1] == "_" || chars[i + 1].isLetter) {
                var j = i + 1
                while j < chars.count, chars[j] == "_" || (chars[j].isASCII && (chars[j].isLetter || chars[j].isNumber))
                {
                    j += 1
                }
                let name = String(chars[(i + 1)..<j])
                substitute(value(of: name), written: String(chars[i..<j]), inDouble)
                i = j
            } else {
                literal(String(c), quoted: inDouble)
                i += 1
            }
        }
        return out

        func substitute(_ value: String?, written: String, _ quoted: Bool) {
            if let value, out.text.utf8.count + value.utf8.count <= Self.maxValue {
                literal(value, quoted: true)
                if !quoted { out.unquotedExpansion = true }
            } else {
                out.resolved = false
                literal(written, quoted: true)
            }
        }
    }

    func value(of name: String) -> String? {
        if unknown.contains(name) { return nil }
        if let v = variables[name] { return v }
        return assignedSomewhere.contains(name) ? "" : nil
    }

    /// The output of `$(…)`, when it is an architecture query.
    func commandOutput(_ command: String) -> String? {
        // `dpkg --print-architecture | awk -F- '{ print $NF }'` prints the same names.
        let first = command.split(separator: "|").first.map(String.init) ?? command
        guard let answer = names.answer(to: first.trimmingCharacters(in: .whitespaces)) else { return nil }
        return answer ?? ""
    }

    /// `${…}`: the name, then an operator and its word.
    func braced(_ inner: String, depth: Int = 0) -> String? {
        let name = String(inner.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        let rest = Substring(inner.dropFirst(name.count))
        let v = value(of: name)
        func word(_ w: Substring) -> String? {
            let r = expand(String(w), depth: depth + 1)
            return r.resolved ? r.text : nil
        }
        func pattern(_ w: Substring) -> String? {
            let r = expand(String(w), depth: depth + 1)
            return r.resolved ? r.pattern : nil
        }
        if rest.isEmpty { return v }
        for op in [":-", "-", ":=", "="] where rest.hasPrefix(op) {
            let set = op.hasPrefix(":") ? (v?.isEmpty == false) : v != nil
            return set ? v : word(rest.dropFirst(op.count))
        }
        for op in [":+", "+"] where rest.hasPrefix(op) {
            let set = op == ":+" ? (v?.isEmpty == false) : v != nil
            return set ? word(rest.dropFirst(op.count)) : ""
        }
        guard let v else { return nil }
        for op in ["##", "#", "%%", "%"] where rest.hasPrefix(op) {
            guard let p = pattern(rest.dropFirst(op.count)) else { return nil }
            return Self.remove(p, from: v, prefix: op.hasPrefix("#"), longest: op.count == 2)
        }
        return nil
    }

    /// `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`.
    static func remove(_ pattern: String, from value: String, prefix: Bool, longest: Bool) -> String? {
        let chars = Array(value)
        // Each length is one match: a value this long is not an architecture or a version.
        guard chars.count <= 1024 else { return nil }
        let pattern = ShellGlob.elements(pattern)
        let lengths = longest ? Array((0...chars.count).reversed()) : Array(0...chars.count)
        for n in lengths {
            let part = prefix ? String(chars[0..<n]) : String(chars[(chars.count - n)...])
            if ShellGlob.matches(Array(part), pattern) {
                return prefix ? String(chars[n...]) : String(chars[0..<(chars.count - n)])
            }
        }
        return value
    }
}

/// Shell pattern matching (`*`, `?`, `[…]`, `[!…]`, `\x`), as `case` and `${v#p}` use it. Dynamic
/// programming over (text, pattern) positions: a pattern of many `*` costs no more than one.
enum ShellGlob {
    enum Element: Equatable {
        case any
        case one
        case set([Character], negated: Bool)
        case literal(Character)

        func accepts(_ c: Character) -> Bool {
            switch self {
            case .any, .one: return true
            case .literal(let l): return l == c
            case .set(let members, let negated):
                var hit = false
                var k = 0
                while k < members.count {
                    if k + 2 < members.count, members[k + 1] == "-" {
                        if members[k] <= c && c <= members[k + 2] { hit = true }
                        k += 3
                    } else {
                        if members[k] == c { hit = true }
                        k += 1
                    }
                }
                return hit != negated
            }
        }
    }

    static func elements(_ pattern: String) -> [Element] {
        let p = Array(pattern)
        var out: [Element] = []
        var i = 0
        while i < p.count {
            switch p[i] {
            case "*":
                if out.last != .any { out.append(.any) }
                i += 1
            case "?":
                out.append(.one)
                i += 1
            case "[":
                if let close = p[(i + 1)...].dropFirst().firstIndex(of: "]") {
                    var members = Array(p[(i + 1)..<close])
                    let negated = members.first == "!" || members.first == "^"
                    if negated { members.removeFirst() }
                    out.append(.set(members, negated: negated))
                    i = close + 1
                } else {
                    out.append(.literal("["))
                    i += 1
                }
            case "\\" where i + 1 < p.count:
                out.append(.literal(p[i + 1]))
                i += 2
            default:
                out.append(.literal(p[i]))
                i += 1
            }
        }
        return out
    }

    static func matches(_ text: String, _ pattern: String) -> Bool {
        matches(Array(text), elements(pattern))
    }

    static func matches(_ t: [Character], _ p: [Element]) -> Bool {
        // reachable[j]: the pattern's first j elements can match the text read so far.
        var reachable = [Bool](repeating: false, count: p.count + 1)
        reachable[0] = true
        for j in 0..<p.count where p[j] == .any && reachable[j] { reachable[j + 1] = true }
        for c in t {
            var next = [Bool](repeating: false, count: p.count + 1)
            for j in 0..<p.count where reachable[j] {
                if p[j] == .any {
                    next[j] = true
                    next[j + 1] = true
                } else if p[j].accepts(c) {
                    next[j + 1] = true
                }
            }
            for j in 0..<p.count where p[j] == .any && next[j] { next[j + 1] = true }
            reachable = next
            if !reachable.contains(true) { return false }
        }
        return reachable[p.count]
    }
}
