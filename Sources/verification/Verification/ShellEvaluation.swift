import Foundation
import TrackbotCore

/// What following a `RUN` script for one architecture found: the downloads, the checks on
/// them, the signatures and keys, and whether the script stops there (`exit 1`).
struct ShellFacts {
    struct Fetch {
        var url: String
        var resolved: Bool
        /// `-o`/`-O` file, nil when the URL's last part names it (or it goes to a pipe).
        var output: String?
        var toStdout: Bool

        var file: String {
            output.map(TreePath.base)
                ?? TreePath.base(String(url.prefix { $0 != "?" && $0 != "#" }))
        }
    }

    struct InlineCheck {
        var algorithm: String
        /// nil when the hash could not be resolved.
        var expected: String?
        var file: String
    }

    struct ListCheck {
        var algorithm: String
        var file: String
        var list: String
    }

    struct Signature {
        var signature: String
        /// The signed file of a detached signature (`gpg --verify x.asc x`).
        var data: String?
        /// The file a clear-signed one is written out to (`gpg --decrypt --output SHASUMS256.txt …`).
        var output: String?
    }

    var fetches: [Fetch] = []
    var inlineChecks: [InlineCheck] = []
    var listChecks: [ListCheck] = []
    var signatures: [Signature] = []
    var keys: [String] = []
    /// The message of the `exit` that stops the script (nil: it runs to the end).
    var unsupported: String?
    /// The script was not followed to its end: it takes more steps than `ShellEvaluation.maxSteps`.
    var incomplete = false
}

/// Follows a parsed script the way a shell would for one architecture (`ShellScript`): the `case`
/// arm that matches, the `if` branch whose test holds (the `then` branch when a test cannot be
/// decided), `&&`/`||` by the last status, `for` over its words. Commands are not run: curl, wget,
/// `sha256sum -c`, `gpg` and `exit` are recorded.
struct ShellEvaluation {
    var expansion: ShellExpansion
    var facts = ShellFacts()
    /// The last command's status: true, false, or nil when it cannot be known.
    private var status: Bool? = true
    private var stopped = false
    private var lastMessage: String?
    private var steps = 0
    /// Commands followed at most, loops included: `for` loops nested in a Dockerfile of a few
    /// kilobytes could otherwise multiply into billions.
    static let maxSteps = 20000

    init(expansion: ShellExpansion) { self.expansion = expansion }

    /// Variables a script assigns anywhere (`NAME=…`, `export NAME=…`, `for NAME in`).
    static func assignedNames(_ node: ShellNode) -> Set<String> {
        switch node {
        case .simple(let words):
            return Set(words.compactMap { assignment($0)?.name })
        case .pipeline(let nodes), .list(let nodes): return nodes.reduce(into: []) { $0.formUnion(assignedNames($1)) }
        case .andOr(let first, let rest):
            return rest.reduce(into: assignedNames(first)) { $0.formUnion(assignedNames($1.1)) }
        case .caseOf(_, let arms): return arms.reduce(into: []) { $0.formUnion(assignedNames($1.body)) }
        case .ifThen(let branches, let otherwise):
            var names = otherwise.map(assignedNames) ?? []
            for b in branches { names.formUnion(assignedNames(b.condition).union(assignedNames(b.body))) }
            return names
        case .forLoop(let name, _, let body): return assignedNames(body).union([name])
        case .skipped: return []
        }
    }

    static func assignment(_ word: String) -> (name: String, value: String)? {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return nil }
        let name = word[..<eq]
        guard name.first.map({ $0 == "_" || $0.isLetter }) == true,
            name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else { return nil }
        return (String(name), String(word[word.index(after: eq)...]))
    }

    mutating func run(_ node: ShellNode) {
        guard !stopped else { return }
        steps += 1
        guard steps <= Self.maxSteps else {
            facts.incomplete = true
            stopped = true
            return
        }
        switch node {
        case .list(let nodes):
            for n in nodes where !stopped { run(n) }
        case .andOr(let first, let rest):
            run(first)
            for (op, n) in rest where !stopped {
                if op == "&&" ? status != false : status == false { run(n) }
            }
        case .pipeline(let commands): pipeline(commands)
        case .simple(let words): simple(words)
        case .caseOf(let subject, let arms):
            let s = expansion.expand(subject)
            status = true
            guard s.resolved else { return }
            for arm in arms
            where arm.patterns.contains(where: { ShellGlob.matches(s.text, expansion.expand($0).pattern) }) {
                run(arm.body)
                return
            }
        case .ifThen(let branches, let otherwise):
            for b in branches {
                run(b.condition)
                guard !stopped else { return }
                if status != false {
                    run(b.body)
                    return
                }
            }
            status = true
            if let otherwise { run(otherwise) }
        case .forLoop(let name, let words, let body):
            var items: [String] = []
            for w in words ?? [] {
                let r = expansion.expand(w)
                items += r.unquotedExpansion ? r.text.split(whereSeparator: \.isWhitespace).map(String.init) : [r.text]
            }
            for item in items where !stopped {
                expansion.variables[name] = item
                run(body)
            }
        case .skipped:
            status = true
        }
    }

    private mutating func assign(_ name: String, _ value: String) {
        let r = expansion.expand(value)
        if r.resolved {
            expansion.variables[name] = r.text
            expansion.unknown.remove(name)
        } else {
            expansion.variables[name] = nil
            expansion.unknown.insert(name)
        }
    }

    private mutating func simple(_ written: [String]) {
        var words = written[...]
        while let w = words.first, let a = Self.assignment(w) {
            // `NAME=value cmd` sets it for that command only; alone, for the rest of the script.
            if words.count == 1 || written.allSatisfy({ Self.assignment($0) != nil }) { assign(a.name, a.value) }
            words = words.dropFirst()
        }
        status = true
        guard let command = words.first.map({ expansion.expand($0).text }) else { return }
        let args = Array(words.dropFirst())
        switch command {
        case "export", "local", "readonly", "declare":
            for w in args { if let a = Self.assignment(w) { assign(a.name, a.value) } }
        case "false": status = false
        case "exit":
            let code = args.first.map { expansion.expand($0).text } ?? "0"
            if code != "0" { facts.unsupported = lastMessage ?? "exit \(code)" }
            stopped = true
        case "echo", "printf":
            lastMessage = args.filter { !$0.hasPrefix("-") }.map { expansion.expand($0).text }.joined(separator: " ")
        case "[", "test": status = test(args.last == "]" ? Array(args.dropLast()) : args)
        case "curl", "wget": fetch(tool: command, args)
        case "gpg", "gpgv": gpg(args)
        default: break
        }
    }

    private func test(_ args: [String]) -> Bool? {
        let values = args.map { expansion.expand($0) }
        func known(_ i: Int) -> String? { values[i].resolved ? values[i].text : nil }
        if args.first == "!" { return test(Array(args.dropFirst())).map { !$0 } }
        switch args.count {
        case 1: return known(0).map { !$0.isEmpty }
        case 2 where args[0] == "-n": return known(1).map { !$0.isEmpty }
        case 2 where args[0] == "-z": return known(1).map { $0.isEmpty }
        case 3 where ["=", "==", "!="].contains(args[1]):
            guard let a = known(0), let b = known(2) else { return nil }
            return (a == b) == (args[1] != "!=")
        default: return nil
        }
    }

    /// curl options that take the next word as their value (the output file is read apart).
    private static let curlValueOptions: Set<String> = [
        "-H", "--header", "-u", "--user", "-A", "--user-agent", "-e", "--referer", "-d", "--data", "--retry",
        "--connect-timeout", "-m", "--max-time", "--retry-delay", "--retry-max-time", "-w", "--write-out", "-x",
        "--proxy", "-r", "--range", "-X", "--request", "-C", "--continue-at", "--proto", "--proto-redir",
        "--cacert", "-K", "--config", "--limit-rate", "--max-filesize", "-T", "--upload-file", "-z", "--time-cond",
        "--resolve", "--tlsv1.2", "--ciphers",
    ]
    private static let wgetValueOptions: Set<String> = [
        "-o", "--output-file", "-a", "-P", "--directory-prefix", "-U", "--user-agent", "--header", "-t", "--tries",
        "-T", "--timeout", "-e", "--execute", "--progress",
    ]

    private mutating func fetch(tool: String, _ args: [String]) {
        var output: String?
        var toStdout = false
        var urls: [ShellExpansion.Result] = []
        var i = 0
        while i < args.count {
            let w = args[i]
            let next = i + 1 < args.count ? expansion.expand(args[i + 1]).text : nil
            if tool == "curl",
                w == "-o" || w == "--output" || (w.hasPrefix("-") && !w.hasPrefix("--") && w.hasSuffix("o"))
            {
                output = next
                i += 2
            } else if tool == "wget", w == "-O" || w == "--output-document" {
                output = next
                i += 2
            } else if tool == "wget", w.hasPrefix("--output-document=") {
                output = expansion.expand(String(w.dropFirst("--output-document=".count))).text
                i += 1
            } else if tool == "wget", w.hasPrefix("-O"), w.count > 2 {
                output = expansion.expand(String(w.dropFirst(2))).text
                i += 1
            } else if (tool == "curl" ? Self.curlValueOptions : Self.wgetValueOptions).contains(w) {
                i += 2
            } else if w.hasPrefix("-") {
                i += 1
            } else {
                let r = expansion.expand(w)
                if PinScanner.isURL(r.text) || (!r.resolved && r.text.contains("$")) { urls.append(r) }
                i += 1
            }
        }
        if output == "-" {
            output = nil
            toStdout = true
        }
        if tool == "curl" && output == nil
            && !args.contains(where: {
                $0 == "-O" || $0 == "--remote-name" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("O"))
            })
        {
            toStdout = true
        }
        for u in urls {
            facts.fetches.append(
                ShellFacts.Fetch(url: u.text, resolved: u.resolved, output: output, toStdout: toStdout))
        }
    }

    private mutating func gpg(_ args: [String]) {
        let values = args.map { expansion.expand($0).text }
        var output: String?
        var operands: [String] = []
        var mode: String?
        var i = 0
        while i < values.count {
            let v = values[i]
            switch v {
            case "--recv-keys", "--recv-key", "--receive-keys": mode = "keys"
            case "--verify", "--decrypt", "-d": mode = v == "--verify" ? "verify" : "decrypt"
            case "--output", "-o":
                output = i + 1 < values.count ? values[i + 1] : nil
                i += 1
            case "--keyserver", "--homedir", "--keyring", "--trust-model", "--status-fd", "--default-key":
                i += 1
            default:
                if !v.hasPrefix("-") { operands.append(v) }
            }
            i += 1
        }
        switch mode {
        case "keys":
            for k in operands {
                let key = k.replacingOccurrences(of: " ", with: "").uppercased()
                if Hex.isHex(key), [16, 40, 64].contains(key.count), !facts.keys.contains(key) {
                    facts.keys.append(key)
                }
            }
        case "verify":
            guard let sig = operands.first else { return }
            facts.signatures.append(ShellFacts.Signature(signature: sig, data: operands.dropFirst().first, output: nil))
        case "decrypt":
            guard let sig = operands.last else { return }
            facts.signatures.append(ShellFacts.Signature(signature: sig, data: nil, output: output))
        default:
            // gpgv SIG DATA
            if operands.count == 2, args.first != nil, !values.contains("--import") {
                facts.signatures.append(ShellFacts.Signature(signature: operands[0], data: operands[1], output: nil))
            }
        }
    }

    private mutating func pipeline(_ commands: [ShellNode]) {
        guard case .simple(let last)? = commands.last, let tool = last.first,
            ["sha256sum", "sha512sum"].contains(tool),
            last.contains(where: { $0 == "-c" || $0 == "--check" || $0 == "-c-" }),
            case .simple(let first)? = commands.first, let producer = first.first
        else {
            for c in commands where !stopped { run(c) }
            return
        }
        let algorithm = tool == "sha512sum" ? "sha512" : "sha256"
        status = true
        let args = first.dropFirst().filter { !$0.hasPrefix("-") }
        switch producer {
        case "echo", "printf":
            let text = args.map { expansion.expand($0) }
            let joined = text.map(\.text).joined(separator: " ")
            let parts = joined.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2 else { return }
            let hash = String(parts[0])
            let file = parts.dropFirst().joined(separator: " ")
            let cleaned = file.hasPrefix("*") ? String(file.dropFirst()) : file
            facts.inlineChecks.append(
                ShellFacts.InlineCheck(
                    algorithm: PinScanner.algorithm(of: hash) ?? algorithm, expected: PinScanner.hex(hash),
                    file: cleaned))
        case "grep":
            guard args.count >= 2 else { return }
            var pattern = expansion.expand(args[0]).text.trimmingCharacters(in: .whitespaces)
            if pattern.hasPrefix("*") { pattern.removeFirst() }
            if pattern.hasSuffix("$") { pattern.removeLast() }
            if pattern.hasSuffix("\\") { pattern.removeLast() }
            pattern = pattern.replacingOccurrences(of: "\\.", with: ".")
            facts.listChecks.append(
                ShellFacts.ListCheck(algorithm: algorithm, file: pattern, list: expansion.expand(args[1]).text))
        default: break
        }
    }
}
