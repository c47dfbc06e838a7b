import Foundation

extension Dockerfile {
    /// Parses a Dockerfile (nothing is executed). `path` is used in error messages. Resolving
    /// each architecture's pins runs every `RUN` once per Linux architecture: a caller that never
    /// reads `architecturePins` (lint's FROM lines, history) passes false and gets none.
    public static func parse(
        _ bytes: [UInt8], path: String = "Dockerfile", resolvingArchitecturePins: Bool = true
    ) throws(VerificationError) -> Dockerfile {
        let body = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? bytes.dropFirst(3) : bytes[...]
        // Split bytes, not Characters: Swift treats "\r\n" as one Character.
        let lines = body.split(separator: 0x0a, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0d ? line.dropLast() : line, as: UTF8.self)
        }
        var parser = DockerfileParser(lines: lines, path: path)
        try parser.readDirectives()
        try parser.readInstructions()
        return try DockerfileSemantics(
            path: path, escape: parser.escape, directives: parser.directives,
            instructions: parser.instructions
        ).build(resolvingArchitecturePins: resolvingArchitecturePins)
    }

    /// Parses a Dockerfile given as text.
    public static func parse(_ text: String, path: String = "Dockerfile") throws(VerificationError) -> Dockerfile {
        try parse(Array(text.utf8), path: path)
    }
}

/// Turns lines into instructions: directives, comments, continuations, heredocs.
struct DockerfileParser {
    let lines: [String]
    let path: String
    var escape: Character = "\\"
    var directives: [String: String] = [:]
    var instructions: [DockerfileInstruction] = []
    var index = 0

    static let heredocKeywords: Set<String> = ["RUN", "COPY", "ADD"]
    static let flagKeywords: Set<String> = ["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"]

    init(lines: [String], path: String) {
        self.lines = lines
        self.path = path
    }

    /// `# key=value` lines at the very top; the first other line ends them.
    mutating func readDirectives() throws(VerificationError) {
        let known: Set<String> = ["syntax", "escape", "check"]
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("#") else { return }
            let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let eq = body.firstIndex(of: "=") else { return }
            let key = body[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = body[body.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard known.contains(key), !key.contains(" ") else { return }
            guard directives[key] == nil else {
                throw .malformedDockerfile(
                    path: path, line: index + 1, reason: "the parser directive \"\(key)\" is given twice")
            }
            if key == "escape" {
                guard value == "\\" || value == "`" else {
                    throw .malformedDockerfile(
                        path: path, line: index + 1,
                        reason: "invalid escape character \"\(value)\" (it must be \\ or `)")
                }
                escape = Character(value)
            }
            directives[key] = value
            index += 1
        }
    }

    private static func isBlankOrComment(_ line: String) -> Bool {
        let t = line.drop { $0 == " " || $0 == "\t" }
        return t.isEmpty || t.first == "#"
    }

    /// The line without trailing blanks if it ends with the escape character (a continuation).
    private func continuation(_ line: String) -> Substring? {
        var t = Substring(line)
        while let last = t.last, last == " " || last == "\t" { t = t.dropLast() }
        return t.last == escape ? t.dropLast() : nil
    }

    mutating func readInstructions() throws(VerificationError) {
        while index < lines.count {
            if Self.isBlankOrComment(lines[index]) {
                index += 1
                continue
            }
            let start = index
            var logical = ""
            var rawLines: [String] = []
            while true {
                let line = lines[index]
                rawLines.append(line)
                index += 1
                guard let body = continuation(line) else {
                    logical += line
                    break
                }
                logical += body
                // Comment and empty lines inside a continuation are dropped.
                while index < lines.count, Self.isBlankOrComment(lines[index]) {
                    rawLines.append(lines[index])
                    index += 1
                }
                if index >= lines.count { break }
            }
            let trimmed = logical.drop { $0 == " " || $0 == "\t" }
            let keywordText = trimmed.prefix { $0 != " " && $0 != "\t" }
            let keyword = keywordText.uppercased()
            guard keyword.allSatisfy({ $0.isLetter }) else {
                throw .malformedDockerfile(
                    path: path, line: start + 1, reason: "\"\(keywordText)\" is not a Dockerfile instruction")
            }
            var rest = Substring(trimmed.dropFirst(keywordText.count)).drop { $0 == " " || $0 == "\t" }
            var flags: [InstructionFlag] = []
            if Self.flagKeywords.contains(keyword) {
                while rest.hasPrefix("--") {
                    let token = rest.prefix { $0 != " " && $0 != "\t" }
                    let body = token.dropFirst(2)
                    if let eq = body.firstIndex(of: "=") {
                        flags.append(
                            InstructionFlag(
                                name: String(body[..<eq]).lowercased(),
                                value: Self.unquote(String(body[body.index(after: eq)...]))))
                    } else {
                        flags.append(InstructionFlag(name: String(body).lowercased(), value: nil))
                    }
                    rest = rest.dropFirst(token.count).drop { $0 == " " || $0 == "\t" }
                }
            }
            var arguments = String(rest)
            while let last = arguments.last, last == " " || last == "\t" { arguments.removeLast() }
            let json = DockerfileWords.jsonArray(arguments)
            var heredocs: [Heredoc] = []
            if json == nil && Self.heredocKeywords.contains(keyword) {
                for marker in Self.heredocMarkers(arguments) {
                    var content: [String] = []
                    var closed = false
                    while index < lines.count {
                        let line = lines[index]
                        rawLines.append(line)
                        index += 1
                        let candidate = marker.stripTabs ? String(line.drop { $0 == "\t" }) : line
                        if candidate == marker.name {
                            closed = true
                            break
                        }
                        content.append(candidate)
                    }
                    guard closed else {
                        throw .malformedDockerfile(
                            path: path, line: start + 1,
                            reason: "the heredoc <<\(marker.name) is never closed by a line \"\(marker.name)\"")
                    }
                    heredocs.append(
                        Heredoc(
                            name: marker.name, content: content.map { $0 + "\n" }.joined(),
                            stripTabs: marker.stripTabs, quoted: marker.quoted))
                }
            }
            instructions.append(
                DockerfileInstruction(
                    keyword: keyword, flags: flags, arguments: arguments, json: json, heredocs: heredocs,
                    line: start + 1, endLine: index, raw: rawLines.joined(separator: "\n"), stage: nil))
        }
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == s.last, f == "\"" || f == "'" { return String(s.dropFirst().dropLast()) }
        return s
    }

    struct Marker {
        var name: String
        var stripTabs: Bool
        var quoted: Bool
    }

    /// The `<<WORD`, `<<-WORD`, `<<"WORD"` markers outside quotes, in order.
    static func heredocMarkers(_ text: String) -> [Marker] {
        let chars = Array(text)
        var markers: [Marker] = []
        var quote: Character?
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "\"" || c == "'" {
                quote = c
                i += 1
                continue
            }
            guard c == "<", i + 1 < chars.count, chars[i + 1] == "<",
                i == 0 || chars[i - 1] != "<"
            else {
                i += 1
                continue
            }
            var j = i + 2
            if j < chars.count && chars[j] == "<" {
                i = j + 1
                continue
            }  // `<<<` here-string
            let stripTabs = j < chars.count && chars[j] == "-"
            if stripTabs { j += 1 }
            var q: Character?
            if j < chars.count, chars[j] == "\"" || chars[j] == "'" {
                q = chars[j]
                j += 1
            }
            let nameStart = j
            while j < chars.count, chars[j].isASCII,
                chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "-" || chars[j] == "."
            { j += 1 }
            let name = String(chars[nameStart..<j])
            if let q, j < chars.count, chars[j] == q { j += 1 }
            if let first = name.first, first.isLetter || first == "_" {
                markers.append(Marker(name: name, stripTabs: stripTabs, quoted: q != nil))
            }
            i = j
        }
        return markers
    }
}

/// Gives the instructions meaning: stages, variables, context sources, parent image, pins.
struct DockerfileSemantics {
    let path: String
    let escape: Character
    let directives: [String: String]
    var instructions: [DockerfileInstruction]

    init(path: String, escape: Character, directives: [String: String], instructions: [DockerfileInstruction]) {
        self.path = path
        self.escape = escape
        self.directives = directives
        self.instructions = instructions
    }

    /// `NAME=value` pairs (or one legacy `NAME value`) of an ARG or ENV line.
    static func assignments(_ arguments: String, escape: Character, legacy: Bool) -> [(String, String?)] {
        let words = DockerfileWords.split(arguments, escape: escape)
        if legacy, let first = words.first, !first.contains("=") {
            if words.count == 1 { return [(first, nil)] }
            // `ENV NAME value with spaces`: everything after the name.
            let afterName = arguments.drop { $0 == " " || $0 == "\t" }.dropFirst(first.count)
                .trimmingCharacters(in: .whitespaces)
            return [(first, DockerfileParser.unquote(afterName))]
        }
        return words.map { word in
            guard let eq = word.firstIndex(of: "=") else { return (word, nil) }
            return (String(word[..<eq]), String(word[word.index(after: eq)...]))
        }
    }

    func build(resolvingArchitecturePins: Bool = true) throws(VerificationError) -> Dockerfile {
        var globalArgs: [String: String?] = [:]
        var stages: [DockerfileStage] = []
        var stageVars: [[String: String]] = []
        var contextSources: [ContextSource] = []
        var external: [String] = []
        var pins: [Pin] = []
        var scripts: [PinResolver.Script] = []
        var out = instructions

        func addExternal(_ image: String) {
            if image.lowercased() != "scratch" && !image.isEmpty && !external.contains(image) { external.append(image) }
        }
        func stageIndex(named name: String) -> Int? {
            let lower = name.lowercased()
            if let i = stages.firstIndex(where: { $0.name == lower }) { return i }
            if let n = Int(name), n >= 0, n < stages.count { return n }
            return nil
        }

        for i in out.indices {
            let ins = out[i]
            let current = stages.isEmpty ? nil : stages.count - 1
            out[i].stage = current
            let lookupGlobal = { (name: String) -> String? in globalArgs[name] ?? nil }
            switch ins.keyword {
            case "ARG" where current == nil:
                for (name, value) in Self.assignments(ins.arguments, escape: escape, legacy: false) {
                    globalArgs.updateValue(
                        value.map { DockerfileWords.expand($0, escape: escape, lookupGlobal) }, forKey: name)
                }
            case "FROM":
                let words = DockerfileWords.split(ins.arguments, escape: escape)
                guard let first = words.first else {
                    throw .malformedDockerfile(path: path, line: ins.line, reason: "FROM needs an image")
                }
                let base = DockerfileWords.expand(first, escape: escape, lookupGlobal)
                var name: String?
                if words.count >= 3, words[1].lowercased() == "as" {
                    name = words[2].lowercased()
                } else if words.count != 1 {
                    throw .malformedDockerfile(
                        path: path, line: ins.line,
                        reason: "FROM takes an image and an optional \"AS name\", found \"\(ins.arguments)\"")
                }
                let baseStage = stages.firstIndex { $0.name != nil && $0.name == base.lowercased() }
                let platform = ins.flag("platform").flatMap { $0 }.map {
                    DockerfileWords.expand($0, escape: escape, keepUnknown: true, lookupGlobal)
                }
                stages.append(
                    DockerfileStage(
                        index: stages.count, name: name, base: base, baseStage: baseStage,
                        platform: platform, line: ins.line))
                stageVars.append(baseStage.map { stageVars[$0] } ?? [:])
                out[i].stage = stages.count - 1
                if baseStage == nil { addExternal(base) }
            case "ARG", "ENV":
                guard let s = current else { break }
                for (name, value) in Self.assignments(ins.arguments, escape: escape, legacy: ins.keyword == "ENV") {
                    let vars = stageVars[s]
                    let expanded = value.map { DockerfileWords.expand($0, escape: escape) { vars[$0] } }
                    if let expanded {
                        stageVars[s][name] = expanded
                    } else if ins.keyword == "ARG", let global = globalArgs[name] ?? nil, stageVars[s][name] == nil {
                        stageVars[s][name] = global
                    }
                    if let expanded, let algorithm = PinScanner.hashAlgorithm(of: expanded, named: name) {
                        pins.append(
                            Pin(
                                kind: .variable, url: nil, file: nil, algorithm: algorithm,
                                expected: expanded.lowercased(),
                                variable: name, checksumList: nil, checksumListURL: nil, line: ins.line,
                                sourceLine: PinScanner.lineContaining(expanded, in: ins)))
                    }
                }
            case "ADD", "COPY":
                guard let s = current else {
                    throw .malformedDockerfile(
                        path: path, line: ins.line, reason: "\(ins.keyword) before the first FROM")
                }
                let vars = stageVars[s]
                let lookup = { (name: String) -> String? in vars[name] }
                var words = ins.json ?? DockerfileWords.split(ins.arguments, escape: escape)
                words = words.map { DockerfileWords.expand($0, escape: escape, lookup) }
                guard words.count >= 2 else {
                    throw .malformedDockerfile(
                        path: path, line: ins.line, reason: "\(ins.keyword) needs at least a source and a destination")
                }
                let destination = words.removeLast()
                let sources = words.filter { !$0.hasPrefix("<<") }
                if let from = ins.flag("from").flatMap({ $0 }) {
                    let expandedFrom = DockerfileWords.expand(from, escape: escape, lookup)
                    if stageIndex(named: expandedFrom) == nil { addExternal(expandedFrom) }
                    break
                }
                let checksum = ins.flag("checksum").flatMap { $0 }
                for source in sources {
                    if PinScanner.isURL(source) {
                        guard ins.keyword == "ADD" else { continue }
                        var algorithm = "sha256"
                        var expected: String?
                        if let checksum, let colon = checksum.firstIndex(of: ":") {
                            algorithm = String(checksum[..<colon])
                            expected = String(checksum[checksum.index(after: colon)...]).lowercased()
                        }
                        pins.append(
                            Pin(
                                kind: checksum == nil ? .addUnpinned : .addChecksum, url: source, file: nil,
                                algorithm: algorithm, expected: expected, variable: nil, checksumList: nil,
                                checksumListURL: nil, line: ins.line,
                                sourceLine: PinScanner.lineContaining(checksum ?? source, in: ins)))
                        continue
                    }
                    let cleaned = TreePath.resolve(source) ?? source
                    contextSources.append(
                        ContextSource(
                            keyword: ins.keyword, path: cleaned, written: source, destination: destination,
                            isPattern: source.contains { $0 == "*" || $0 == "?" || $0 == "[" },
                            line: ins.line, stage: s, checksum: checksum))
                }
            case "RUN":
                guard let s = current else {
                    throw .malformedDockerfile(path: path, line: ins.line, reason: "RUN before the first FROM")
                }
                pins += PinScanner(instruction: ins, escape: escape, variables: stageVars[s]).scan()
                scripts.append(PinResolver.Script(instruction: ins, variables: stageVars[s]))
                // `RUN --mount=type=bind,from=<image>` pulls that image (bind is the default type).
                for flag in ins.flags where flag.name == "mount" {
                    var type = "bind"
                    var from: String?
                    for field in (flag.value ?? "").split(separator: ",") {
                        if field.hasPrefix("type=") { type = String(field.dropFirst(5)) }
                        if field.hasPrefix("from=") { from = String(field.dropFirst(5)) }
                    }
                    guard type == "bind", let from else { continue }
                    let expanded = DockerfileWords.expand(from, escape: escape) { stageVars[s][$0] }
                    if stageIndex(named: expanded) == nil { addExternal(expanded) }
                }
            default:
                if current == nil && ins.keyword != "ARG" {
                    throw .malformedDockerfile(
                        path: path, line: ins.line,
                        reason: "\(ins.keyword) before the first FROM (only ARG may come first)")
                }
            }
        }
        guard var last = stages.last else {
            throw .malformedDockerfile(
                path: path, line: max(1, instructions.last?.line ?? 1), reason: "no FROM instruction")
        }
        while let parentStage = last.baseStage { last = stages[parentStage] }
        return Dockerfile(
            directives: directives, escape: String(escape), instructions: out,
            globalArgs: globalArgs, stages: stages, parent: last.base,
            externalImages: external, contextSources: contextSources,
            pins: pins.sorted { ($0.line, $0.sourceLine) < ($1.line, $1.sourceLine) },
            architecturePins: resolvingArchitecturePins ? PinResolver.resolve(scripts) : [])
    }
}
