import TrackbotCore

/// The line-based format (2014–2016): `# maintainer: Name <email> (@handle)` comments and
/// `tag: repo@commit [directory]` lines, read as bashbrew's ParseLineBased read them.
struct LineBasedReader {
    let file: String
    /// bashbrew's GitFetch for these files: any branch.
    static let anyBranch = "refs/heads/*"

    func read(_ text: String, name: String) throws(LibraryFileError) -> LibraryFile {
        var global = Entry.defaults
        global.gitFetch = Self.anyBranch
        global.line = 1
        var collector = EntryCollector(file: file, laterLineWins: true)
        var warnings: [String] = []
        var lineNumber = 0
        for rawBytes in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(decoding: rawBytes, as: UTF8.self).trimmed
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if line.hasPrefix("# maintainer: ") {
                    let text = String(line.dropFirst("# maintainer: ".count))
                    guard let m = Maintainer(parsing: text) else {
                        throw LibraryFileError(file: file, line: lineNumber, problem: .invalidMaintainers([text]))
                    }
                    global.maintainers.append(m)
                }
                continue
            }
            var entry = global
            entry.line = lineNumber
            guard let colon = line.firstIndex(of: ":") else {
                throw LibraryFileError(file: file, line: lineNumber, problem: .lineMissingColon(line))
            }
            entry.tags = [line[..<colon].trimmed]
            // Credentials go first: their `@` is not the one before the commit.
            let rest = LibraryCredentials.strip(
                String(line[line.index(after: colon)...]), key: "repository", file: file,
                line: lineNumber, warnings: &warnings)[...]
            guard let at = rest.firstIndex(of: "@") else {
                throw LibraryFileError(file: file, line: lineNumber, problem: .lineMissingAt(line))
            }
            entry.gitRepo = rest[..<at].trimmed
            let afterAt = rest[rest.index(after: at)...]
            if let space = afterAt.firstIndex(of: " ") {
                entry.gitCommit = afterAt[..<space].trimmed
                entry.directory = afterAt[afterAt.index(after: space)...].trimmed
            } else {
                entry.gitCommit = afterAt.trimmed
            }
            if entry.gitFetch == Self.anyBranch && !Self.isShortCommit(entry.gitCommit) {
                // Not a commit, so a tag name: bashbrew fetched that tag.
                entry.gitFetch = "refs/tags/" + entry.gitCommit
                entry.gitCommit = "FETCH_HEAD"
            }
            try collector.add(
                entry, architectures: global.architectures.map(\.rawValue),
                lines: FieldLines(paragraph: nil, fallback: lineNumber))
        }
        // The earliest line-based files (2014) named no maintainers; they are read all the same.
        return LibraryFile(
            name: name, format: .lineBased, global: global, entries: collector.entries,
            warnings: warnings + collector.warnings)
    }

    /// The GitCommit rule of that era: `^[0-9a-f]{1,40}$`.
    static func isShortCommit(_ s: String) -> Bool {
        s.utf8.count <= 40 && Hex.isLowercaseHex(s)
    }
}

/// The stackbrew lists of 2013: `tag<whitespace>repo[<whitespace>B:branch|C:commit]`, no maintainers.
struct StackbrewReader {
    let file: String

    func read(_ text: String, name: String) throws(LibraryFileError) -> LibraryFile {
        var global = Entry.defaults
        global.line = 1
        var collector = EntryCollector(file: file, laterLineWins: true)
        var warnings: [String] = []
        var lineNumber = 0
        for rawBytes in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(decoding: rawBytes, as: UTF8.self).trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard (2...3).contains(words.count) else {
                throw LibraryFileError(file: file, line: lineNumber, problem: .stackbrewLine(line))
            }
            var entry = global
            entry.line = lineNumber
            entry.tags = [words[0]]
            entry.gitRepo = LibraryCredentials.strip(
                words[1], key: "repository", file: file, line: lineNumber, warnings: &warnings)
            entry.gitCommit = "FETCH_HEAD"
            if words.count == 3 {
                if words[2].hasPrefix("B:") {
                    entry.gitFetch = "refs/heads/" + words[2].dropFirst(2)
                } else if words[2].hasPrefix("C:") {
                    entry.gitFetch = LineBasedReader.anyBranch
                    entry.gitCommit = String(words[2].dropFirst(2))
                } else {
                    throw LibraryFileError(file: file, line: lineNumber, problem: .stackbrewLine(line))
                }
            }
            try collector.add(
                entry, architectures: global.architectures.map(\.rawValue),
                lines: FieldLines(paragraph: nil, fallback: lineNumber))
        }
        return LibraryFile(
            name: name, format: .stackbrew, global: global, entries: collector.entries,
            warnings: warnings + collector.warnings)
    }
}
