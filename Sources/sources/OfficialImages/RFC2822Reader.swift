import TrackbotCore

/// Library files as paragraphs of `Key: value` fields: the first paragraph global, each later one
/// an entry that starts from it.
struct RFC2822Reader {
    let file: String

    func read(_ text: String, name: String) throws(LibraryFileError) -> LibraryFile {
        let paragraphs = try ControlParagraph.parse(text, file: file)
        guard let first = paragraphs.first else {
            throw LibraryFileError(file: file, line: 0, problem: .missingMaintainers)
        }
        var global = Entry.defaults
        var globalArches = Entry.defaults.architectures.map(\.rawValue)
        var warnings: [String] = []
        try decode(first, into: &global, architectures: &globalArches, warnings: &warnings)
        global.line = first.line
        guard !global.maintainers.isEmpty else {
            throw LibraryFileError(file: file, line: first.line, problem: .missingMaintainers)
        }
        guard global.tags.isEmpty else {
            throw LibraryFileError(
                file: file, line: first.line(of: "Tags") ?? first.line, problem: .globalTagsNotPermitted)
        }
        let invalid = globalArches.filter { Architecture(rawValue: $0) == nil }
        guard invalid.isEmpty else {
            throw LibraryFileError(
                file: file, line: first.line(of: "Architectures") ?? first.line,
                problem: .invalidGlobalArchitectures(invalid))
        }
        global.architectures = globalArches.compactMap(Architecture.init(rawValue:))

        var collector = EntryCollector(file: file)
        for paragraph in paragraphs.dropFirst() {
            var entry = global
            entry.line = paragraph.line
            var arches = globalArches
            try decode(paragraph, into: &entry, architectures: &arches, warnings: &warnings)
            let lines = FieldLines(paragraph: paragraph, fallback: paragraph.line)
            // bashbrew checks these two before anything else about the entry.
            guard Rules.isValidGitFetch(entry.gitFetch) else {
                throw LibraryFileError(
                    file: file, line: lines["GitFetch"],
                    problem: .invalidGitFetch(tags: entry.tagsString, value: entry.gitFetch))
            }
            guard Rules.isValidGitCommit(entry.gitCommit) else {
                throw LibraryFileError(
                    file: file, line: lines["GitCommit"],
                    problem: .invalidGitCommit(tags: entry.tagsString, value: entry.gitCommit))
            }
            try collector.add(entry, architectures: arches, lines: lines)
            try refuseSHA256Commits(entry, architectures: arches, lines: lines)
        }
        return LibraryFile(name: name, format: .rfc2822, global: global, entries: collector.entries, warnings: warnings)
    }

    /// A deliberate difference from bashbrew, checked once bashbrew's own rules have passed:
    /// bashbrew accepts a 64-digit (SHA-256) `GitCommit`, but libgit2 1.5, through which trackbot
    /// reads every repository, opens SHA-1 repositories only, so such an entry could only fail
    /// later, further from its cause. The entry's `GitCommit` and every listed architecture's
    /// `<arch>-GitCommit` are refused here, naming the line.
    private func refuseSHA256Commits(
        _ entry: Entry, architectures: [String], lines: FieldLines
    ) throws(LibraryFileError) {
        var keys = ["GitCommit"]
        keys += architectures.map { "\($0)-GitCommit" }
        for key in keys {
            let value = key == "GitCommit" ? entry.gitCommit : entry.archValues[key] ?? ""
            guard Hex.isLowercaseHex(value, count: 64) else { continue }
            throw LibraryFileError(
                file: file, line: lines[key], problem: .sha256GitCommit(tags: entry.tagsString, key: key, value: value))
        }
    }

    /// Applies one paragraph: scalars override, `SharedTags` and `Architectures` replace,
    /// `Maintainers`, `Tags` and `Constraints` append, `<arch>-<Field>` keys override per arch.
    /// Credentials in a `GitRepo` URL are removed here, before anything can store, print or use
    /// them, with a warning naming the line.
    private func decode(
        _ paragraph: ControlParagraph, into entry: inout Entry,
        architectures: inout [String], warnings: inout [String]
    ) throws(LibraryFileError) {
        let inheritedShared = entry.sharedTags
        let inheritedArches = architectures
        entry.sharedTags = []
        architectures = []
        for field in paragraph.fields {
            switch field.key {
            case "Maintainers":
                for text in field.value.listElements {
                    guard let m = Maintainer(parsing: text) else {
                        throw LibraryFileError(file: file, line: field.line, problem: .invalidMaintainers([text]))
                    }
                    entry.maintainers.append(m)
                }
            case "Tags": entry.tags += field.value.listElements
            case "SharedTags": entry.sharedTags += field.value.listElements
            case "Architectures": architectures += field.value.listElements
            case "Constraints": entry.constraints += field.value.listElements
            default:
                if let scalar = SourceField(rawValue: field.key) {
                    entry.set(
                        scalar,
                        scalar == .gitRepo
                            ? LibraryCredentials.strip(field, file: file, warnings: &warnings) : field.value)
                } else if Rules.isArchField(field.key) {
                    entry.archValues[field.key] =
                        Rules.isArchField(field.key, .gitRepo)
                        ? LibraryCredentials.strip(field, file: file, warnings: &warnings) : field.value
                }
            // Unknown keys are ignored, as bashbrew ignores them.
            }
        }
        if entry.sharedTags.isEmpty { entry.sharedTags = inheritedShared }
        if architectures.isEmpty { architectures = inheritedArches }
        architectures = Array(Set(architectures)).sorted()
    }
}

/// Credentials inside a library file's URLs. trackbot never uses them (git credentials come from
/// `GITHUB_TOKEN`, for github.com only), and they must not reach the state, a report or an issue:
/// they are dropped as the file is read, and the file gets a warning.
enum LibraryCredentials {
    static func strip(_ field: ControlParagraph.Field, file: String, warnings: inout [String]) -> String {
        strip(field.value, key: field.key, file: file, line: field.line, warnings: &warnings)
    }

    static func strip(_ value: String, key: String, file: String, line: Int, warnings: inout [String]) -> String {
        let clean = Redaction.stripURLCredentials(inText: value)
        if clean != value {
            warnings.append(
                "\(file):\(line): \(key) carried credentials (user:password@ before the host); they were removed "
                    + "and are not used: trackbot takes no credentials from a library file")
        }
        return clean
    }
}
