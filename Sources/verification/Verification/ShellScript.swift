/// The shape of a `RUN` script, enough to follow the path a shell takes through it for one
/// architecture: simple commands, `&&`/`||`, pipelines, `case … esac`, `if … fi`, `for … done`,
/// `{ …; }` and `( … )`. Words keep their quotes; `ShellEvaluation` expands them. Nothing here runs.
indirect enum ShellNode: Sendable {
    case simple([String])
    case pipeline([ShellNode])
    /// The first node, then each (`&&` or `||`, node) in order.
    case andOr(ShellNode, [(String, ShellNode)])
    case list([ShellNode])
    case caseOf(subject: String, arms: [(patterns: [String], body: ShellNode)])
    case ifThen(branches: [(condition: ShellNode, body: ShellNode)], otherwise: ShellNode?)
    case forLoop(name: String, words: [String]?, body: ShellNode)
    /// `while`/`until` loops and function definitions: not followed.
    case skipped
}

enum ShellScript {
    enum Token: Equatable {
        case word(String)
        case op(String)
    }

    /// Parses as much as it understands; an unexpected token ends the part being parsed.
    static func parse(_ text: String) -> ShellNode {
        var parser = Parser(tokens: tokens(text))
        var nodes: [ShellNode] = []
        while parser.index < parser.tokens.count {
            let before = parser.index
            nodes.append(parser.list())
            if parser.index == before { parser.index += 1 }
        }
        return .list(nodes)
    }

    /// Words (quotes, `$(…)`, `${…}` and backquotes kept whole) and operators.
    static func tokens(_ text: String) -> [Token] {
        let chars = Array(text)
        var out: [Token] = []
        var word = ""
        var inWord = false
        var i = 0
        func flush() {
            if inWord { out.append(.word(word)) }
            word = ""
            inWord = false
        }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t":
                flush()
                i += 1
            case "\n":
                flush()
                out.append(.op("\n"))
                i += 1
            case "#" where !inWord:
                while i < chars.count, chars[i] != "\n" { i += 1 }
            case "'":
                let end = closing(chars, from: i + 1, quote: "'")
                word += String(chars[i..<min(end + 1, chars.count)])
                inWord = true
                i = end + 1
            case "\"":
                let end = closing(chars, from: i + 1, quote: "\"")
                word += String(chars[i..<min(end + 1, chars.count)])
                inWord = true
                i = end + 1
            case "`":
                let end = closing(chars, from: i + 1, quote: "`")
                word += String(chars[i..<min(end + 1, chars.count)])
                inWord = true
                i = end + 1
            case "\\":
                word += String(chars[i..<min(i + 2, chars.count)])
                inWord = true
                i += 2
            case "$" where i + 1 < chars.count && (chars[i + 1] == "(" || chars[i + 1] == "{"):
                let end = balanced(chars, from: i + 1)
                word += String(chars[i..<min(end + 1, chars.count)])
                inWord = true
                i = end + 1
            case ";", "&", "|", "(", ")":
                flush()
                let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : String(c)
                if ["&&", "||", ";;"].contains(two) {
                    out.append(.op(two))
                    i += 2
                } else {
                    out.append(.op(String(c)))
                    i += 1
                }
            case ">", "<":
                // A redirection: `2>&1`, `>&2`, `> file`, `>> file`, `<<< word`. Its digits were
                // read as a word just before; they are dropped with it.
                if inWord, word.allSatisfy(\.isNumber) {
                    word = ""
                    inWord = false
                }
                flush()
                var j = i
                while j < chars.count, chars[j] == ">" || chars[j] == "<" { j += 1 }
                if j < chars.count, chars[j] == "&" {
                    j += 1
                    while j < chars.count, chars[j].isNumber || chars[j] == "-" { j += 1 }
                    out.append(.op("redirect-fd"))
                } else {
                    out.append(.op("redirect"))
                }
                i = j
            default:
                word.append(c)
                inWord = true
                i += 1
            }
        }
        flush()
        return out
    }

    /// Index of the closing quote (backslash escapes honoured except in single quotes).
    private static func closing(_ chars: [Character], from start: Int, quote: Character, depth: Int = 0) -> Int {
        guard depth < 64 else { return chars.count - 1 }
        var j = start
        while j < chars.count {
            if chars[j] == "\\" && quote != "'" {
                j += 2
                continue
            }
            if quote == "\"", chars[j] == "$", j + 1 < chars.count, chars[j + 1] == "(" || chars[j + 1] == "{" {
                j = balanced(chars, from: j + 1, depth: depth + 1) + 1
                continue
            }
            if chars[j] == quote { return j }
            j += 1
        }
        return chars.count - 1
    }

    /// Index of the bracket closing the one at `open` (quotes inside honoured).
    static func balanced(_ chars: [Character], from open: Int, depth: Int = 0) -> Int {
        guard depth < 64 else { return chars.count - 1 }
        let opening = chars[open]
        let closingBracket: Character = opening == "(" ? ")" : "}"
        var depth = 0
        var j = open
        while j < chars.count {
            let c = chars[j]
            if c == "\\" {
                j += 2
                continue
            }
            if c == "'" || c == "\"" {
                j = closing(chars, from: j + 1, quote: c, depth: depth + 1) + 1
                continue
            }
            if c == opening { depth += 1 }
            if c == closingBracket {
                depth -= 1
                if depth == 0 { return j }
            }
            j += 1
        }
        return chars.count - 1
    }

    struct Parser {
        var tokens: [Token]
        var index = 0

        static let listEnds: Set<String> = ["then", "else", "elif", "fi", "do", "done", "esac", "}"]

        var current: Token? { index < tokens.count ? tokens[index] : nil }

        func isWord(_ w: String) -> Bool { current == .word(w) }

        mutating func skipNewlines() {
            while current == .op("\n") || current == .op(";") { index += 1 }
        }

        /// Commands separated by `;`, `&` and newlines, up to a reserved word that ends a list,
        /// `;;` or `)`.
        mutating func list() -> ShellNode {
            var nodes: [ShellNode] = []
            while true {
                skipNewlines()
                guard let token = current else { break }
                if case .word(let w) = token, Self.listEnds.contains(w) { break }
                if case .op(let o) = token, o == ";;" || o == ")" { break }
                let before = index
                nodes.append(andOr())
                if current == .op("&") { index += 1 }
                if index == before { break }
            }
            return .list(nodes)
        }

        mutating func andOr() -> ShellNode {
            let first = pipeline()
            var rest: [(String, ShellNode)] = []
            while case .op(let o) = current, o == "&&" || o == "||" {
                index += 1
                skipNewlinesOnly()
                rest.append((o, pipeline()))
            }
            return rest.isEmpty ? first : .andOr(first, rest)
        }

        mutating func skipNewlinesOnly() {
            while current == .op("\n") { index += 1 }
        }

        mutating func pipeline() -> ShellNode {
            if isWord("!") { index += 1 }
            var commands = [command()]
            while current == .op("|") {
                index += 1
                skipNewlinesOnly()
                commands.append(command())
            }
            return commands.count == 1 ? commands[0] : .pipeline(commands)
        }

        /// Nesting followed at most (`{ { { …`); deeper parts are skipped, not followed.
        static let maxDepth = 64
        var depth = 0

        mutating func command() -> ShellNode {
            guard let token = current else { return .list([]) }
            guard depth < Self.maxDepth else {
                index += 1
                return .skipped
            }
            depth += 1
            defer { depth -= 1 }
            switch token {
            case .word("case"): return caseCommand()
            case .word("if"): return ifCommand()
            case .word("for"): return forCommand()
            case .word("while"), .word("until"):
                index += 1
                _ = list()
                expect("do")
                _ = list()
                expect("done")
                return .skipped
            case .word("{"):
                index += 1
                let body = list()
                expect("}")
                return body
            case .op("("):
                index += 1
                let body = list()
                if current == .op(")") { index += 1 }
                return body
            default: return simple()
            }
        }

        mutating func expect(_ word: String) {
            if isWord(word) { index += 1 }
        }

        mutating func simple() -> ShellNode {
            var words: [String] = []
            while let token = current {
                switch token {
                case .word(let w):
                    words.append(w)
                    index += 1
                case .op("redirect"):
                    index += 2  // the operator and its target
                case .op("redirect-fd"):
                    index += 1
                case .op("(") where words.count == 1:
                    // `name() { …; }`: a function definition, not followed.
                    index += 1
                    if current == .op(")") { index += 1 }
                    skipNewlines()
                    _ = command()
                    return .skipped
                default:
                    return .simple(words)
                }
            }
            return .simple(words)
        }

        mutating func caseCommand() -> ShellNode {
            index += 1
            guard case .word(let subject) = current else { return .skipped }
            index += 1
            expect("in")
            var arms: [(patterns: [String], body: ShellNode)] = []
            while true {
                skipNewlines()
                guard let token = current, token != .word("esac") else { break }
                if token == .op("(") { index += 1 }
                var patterns: [String] = []
                while let t = current, t != .op(")") {
                    if case .word(let w) = t { patterns.append(w) }
                    index += 1
                }
                guard current == .op(")") else { break }
                index += 1
                let body = list()
                arms.append((patterns, body))
                if current == .op(";;") { index += 1 }
            }
            expect("esac")
            return .caseOf(subject: subject, arms: arms)
        }

        mutating func ifCommand() -> ShellNode {
            index += 1
            var branches: [(condition: ShellNode, body: ShellNode)] = []
            var otherwise: ShellNode?
            var condition = list()
            while true {
                expect("then")
                branches.append((condition, list()))
                if isWord("elif") {
                    index += 1
                    condition = list()
                    continue
                }
                if isWord("else") {
                    index += 1
                    otherwise = list()
                }
                break
            }
            expect("fi")
            return .ifThen(branches: branches, otherwise: otherwise)
        }

        mutating func forCommand() -> ShellNode {
            index += 1
            guard case .word(let name) = current else { return .skipped }
            index += 1
            var words: [String]?
            skipNewlinesOnly()
            if isWord("in") {
                index += 1
                var collected: [String] = []
                while case .word(let w) = current {
                    collected.append(w)
                    index += 1
                }
                words = collected
            }
            skipNewlines()
            expect("do")
            let body = list()
            expect("done")
            return .forLoop(name: name, words: words, body: body)
        }
    }
}
