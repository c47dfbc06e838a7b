import Foundation
import TrackbotCore

/// Finds downloads pinned by checksums in a `RUN` instruction: `echo "<hex>  <file>" | sha256sum -c`,
/// hash variables (`CHECKSUM="<hex>"`), and `grep " <file>$" SHASUMS256.txt | sha256sum -c -`,
/// each with the curl/wget URL that fetches the file when the same `RUN` names it.
struct PinScanner {
    let instruction: DockerfileInstruction
    let escape: Character
    /// ENV and ARG values of the stage.
    let variables: [String: String]

    // `echo "<hash or $VAR>  [*]<file>" | sha256sum -c`
    private static let echoCheck = try! NSRegularExpression(
        pattern:
            #"echo\s+(?:-n\s+)?["']?([^"'\s]+)\s+\*?([^"'\s|]+)["']?\s*\|\s*(sha256sum|sha512sum)\s+(?:--\w+\s+)*(?:-c|--check)\b"#
    )
    // `grep " <file>$" SHASUMS256.txt | sha256sum -c -`
    private static let listCheck = try! NSRegularExpression(
        pattern:
            #"grep\s+(?:-\w+\s+)*["']\s*\*?([^"'\s]+?)\\?\$?["']\s+([^\s|]+)\s*\|\s*(sha256sum|sha512sum)\s+(?:--\w+\s+)*(?:-c|--check)\b"#
    )
    // `NAME="value"`, `NAME='value'`, `NAME=value`
    private static let assignment = try! NSRegularExpression(
        pattern: #"(?<![\w$])([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|'([^']*)'|([^\s"';&|)]*))"#)
    private static let url = try! NSRegularExpression(pattern: #"(?:https?|ftp)://[^\s"'|;&<>)]+"#)

    static func isURL(_ s: String) -> Bool {
        let lower = s.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("ftp://")
            || lower.hasPrefix("git@") || lower.hasPrefix("git://")
    }

    /// `sha256`/`sha512` when `value` is a hash of that length and `name` says it is a hash.
    static func hashAlgorithm(of value: String, named name: String) -> String? {
        let upper = name.uppercased()
        guard upper.contains("SHA") || upper.contains("SUM") || upper.contains("HASH") else { return nil }
        guard Hex.isHex(value) else { return nil }
        switch value.utf8.count {
        case 64: return "sha256"
        case 128: return "sha512"
        default: return nil
        }
    }

    /// The 1-based file line of the first raw line holding `needle` (the instruction's line if none).
    static func lineContaining(_ needle: String, in instruction: DockerfileInstruction) -> Int {
        for (offset, line) in instruction.raw.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains(needle) {
            return instruction.line + offset
        }
        return instruction.line
    }

    private static func groups(_ regex: NSRegularExpression, in text: String) -> [[String?]] {
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { i in
                let r = m.range(at: i)
                return r.location == NSNotFound ? nil : ns.substring(with: r)
            }
        }
    }

    struct Assignment {
        var name: String
        var value: String
        var location: Int
    }

    func scan() -> [Pin] {
        let text =
            ([instruction.json?.joined(separator: " ") ?? instruction.arguments]
            + instruction.heredocs.map(\.content)).joined(separator: "\n")
        let ns = text as NSString
        // Values assigned inside this RUN: used for substitution only when unambiguous.
        var assignments: [Assignment] = []
        for m in Self.assignment.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            func group(_ i: Int) -> String? {
                let r = m.range(at: i)
                return r.location == NSNotFound ? nil : ns.substring(with: r)
            }
            guard let name = group(1) else { continue }
            assignments.append(
                Assignment(name: name, value: group(2) ?? group(3) ?? group(4) ?? "", location: m.range.location))
        }
        var local: [String: [String]] = [:]
        for a in assignments where !(local[a.name]?.contains(a.value) ?? false) {
            local[a.name, default: []].append(a.value)
        }
        let variables = self.variables
        let escape = self.escape
        func lookup(_ scope: [Assignment], depth: Int = 0) -> (String) -> String? {
            { name in
                // A value that refers to other variables (`url="…/${rustArch}/rustup-init"`) is
                // expanded in the same scope, a few levels deep at most.
                func resolve(_ v: String) -> String? {
                    guard v.contains("$") else { return v }
                    return depth < 4
                        ? DockerfileWords.expand(v, escape: escape, keepUnknown: true, lookup(scope, depth: depth + 1))
                        : nil
                }
                let here = scope.filter { $0.name == name }.map(\.value)
                if let v = here.last, Set(here).count == 1 { return resolve(v) }
                if let values = local[name], values.count == 1 { return resolve(values[0]) }
                if local[name] != nil { return nil }
                return variables[name]
            }
        }
        /// Assignments in the same `case` branch as `location` (between `case`/`;;` and `;;`).
        func branch(around location: Int) -> [Assignment] {
            let before = NSRange(location: 0, length: location)
            let semi = ns.range(of: ";;", options: .backwards, range: before)
            let kase = ns.range(of: "case ", options: .backwards, range: before)
            let start = max(
                semi.location == NSNotFound ? -1 : semi.location, kase.location == NSNotFound ? -1 : kase.location)
            guard start >= 0 else { return [] }
            let after = ns.range(of: ";;", range: NSRange(location: location, length: ns.length - location))
            let end = after.location == NSNotFound ? ns.length : after.location
            return assignments.filter { $0.location > start && $0.location < end }
        }
        let global = lookup([])
        let downloads = self.downloads(in: text)
        func url(for file: String, _ lookup: @escaping (String) -> String?) -> String? {
            let expand = { (s: String) in DockerfileWords.expand(s, escape: self.escape, keepUnknown: true, lookup) }
            let name = TreePath.base(expand(file))
            let candidates = downloads.filter {
                Self.isURL(expand($0.url).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")))
            }
            let hit =
                candidates.first { $0.output.map { TreePath.base(expand($0)) } == name }
                ?? candidates.first { TreePath.base(expand($0.url)) == name }
            return hit.map { expand($0.url) }
        }
        let expand = { (s: String) in DockerfileWords.expand(s, escape: self.escape, keepUnknown: true, global) }

        var pins: [Pin] = []
        var checkedVariables: Set<String> = []
        for g in Self.groups(Self.echoCheck, in: text) {
            guard let hash = g[1], let file = g[2], let tool = g[3] else { continue }
            let algorithm = tool == "sha512sum" ? "sha512" : "sha256"
            if hash.hasPrefix("$") {
                let name = hash.trimmingCharacters(in: CharacterSet(charactersIn: "${}"))
                checkedVariables.insert(name)
                let sets = assignments.filter { $0.name == name }
                for a in sets where Self.hex(a.value) != nil {
                    let scoped = lookup(branch(around: a.location))
                    pins.append(
                        Pin(
                            kind: .variable, url: url(for: file, scoped),
                            file: DockerfileWords.expand(file, escape: escape, keepUnknown: true, scoped),
                            algorithm: Self.algorithm(of: a.value) ?? algorithm,
                            expected: Self.hex(a.value), variable: name, checksumList: nil, checksumListURL: nil,
                            line: instruction.line, sourceLine: Self.lineContaining(a.value, in: instruction)))
                }
                if sets.isEmpty {
                    pins.append(
                        Pin(
                            kind: .inlineCheck, url: url(for: file, global), file: expand(file), algorithm: algorithm,
                            expected: variables[name].flatMap(Self.hex), variable: name, checksumList: nil,
                            checksumListURL: nil, line: instruction.line,
                            sourceLine: Self.lineContaining(tool, in: instruction)))
                }
            } else {
                pins.append(
                    Pin(
                        kind: .inlineCheck, url: url(for: file, global), file: expand(file), algorithm: algorithm,
                        expected: Self.hex(hash), variable: nil, checksumList: nil, checksumListURL: nil,
                        line: instruction.line, sourceLine: Self.lineContaining(hash, in: instruction)))
            }
        }
        // Hash variables set here but checked some other way still pin something.
        for a in assignments where !checkedVariables.contains(a.name) {
            guard let algorithm = Self.hashAlgorithm(of: a.value, named: a.name) else { continue }
            pins.append(
                Pin(
                    kind: .variable, url: nil, file: nil, algorithm: algorithm, expected: a.value.lowercased(),
                    variable: a.name, checksumList: nil, checksumListURL: nil, line: instruction.line,
                    sourceLine: Self.lineContaining(a.value, in: instruction)))
        }
        for g in Self.groups(Self.listCheck, in: text) {
            guard let file = g[1], let list = g[2], let tool = g[3] else { continue }
            let listName = TreePath.base(expand(list))
            let listURL = downloads.first {
                let base = TreePath.base(expand($0.url))
                return base == listName || base == listName + ".asc"
                    || $0.output.map { TreePath.base(expand($0)) } == listName
            }.map { expand($0.url) }
            pins.append(
                Pin(
                    kind: .checksumList, url: url(for: file, global), file: expand(file),
                    algorithm: tool == "sha512sum" ? "sha512" : "sha256", expected: nil, variable: nil,
                    checksumList: listName, checksumListURL: listURL, line: instruction.line,
                    sourceLine: Self.lineContaining(list + " |", in: instruction)))
        }
        return pins
    }

    /// `sha256` or `sha512` for a hash of that many hex digits, nil for anything else.
    static func algorithm(of value: String) -> String? {
        hex(value).map { $0.count == 128 ? "sha512" : "sha256" }
    }

    /// The hash in lowercase when it is 64 or 128 hex digits.
    static func hex(_ value: String) -> String? {
        guard Hex.isHex(value, count: 64) || Hex.isHex(value, count: 128) else { return nil }
        return value.lowercased()
    }

    struct Download {
        var url: String
        var output: String?
    }

    /// curl/wget URLs with the file name they are saved as (`-o`, `-O`, or the URL's last part).
    private func downloads(in text: String) -> [Download] {
        var result: [Download] = []
        // Commands are separated by `&&`, `||`, `;`, `|` and newlines.
        let commands = text.replacingOccurrences(of: "&&", with: "\n").replacingOccurrences(of: "||", with: "\n")
            .split(whereSeparator: { $0 == "\n" || $0 == ";" || $0 == "|" })
        for command in commands {
            let words = DockerfileWords.split(String(command), escape: escape)
            guard let toolIndex = words.firstIndex(where: { $0 == "curl" || $0 == "wget" }) else { continue }
            let tool = words[toolIndex]
            var output: String?
            var urls: [String] = []
            var i = toolIndex + 1
            while i < words.count {
                let w = words[i]
                if tool == "curl"
                    && (w == "-o" || w == "--output"
                        || (w.hasPrefix("-") && !w.hasPrefix("--") && w.hasSuffix("o") && w.count > 2))
                {
                    if i + 1 < words.count {
                        output = words[i + 1]
                        i += 1
                    }
                } else if tool == "wget" && (w == "-O" || w == "--output-document") {
                    if i + 1 < words.count {
                        output = words[i + 1]
                        i += 1
                    }
                } else if tool == "wget" && w.hasPrefix("--output-document=") {
                    output = String(w.dropFirst("--output-document=".count))
                } else if tool == "wget" && w.hasPrefix("-O") && w.count > 2 {
                    output = String(w.dropFirst(2))
                } else if Self.isURL(w) || (w.hasPrefix("$") && !w.contains(" ")) {
                    // `wget "$url"`: a variable that may hold the URL, resolved when matched.
                    urls.append(w)
                }
                i += 1
            }
            for u in urls { result.append(Download(url: u, output: output == "-" ? nil : output)) }
        }
        return result
    }
}
