import TrackbotCore

/// Reads a library file in whichever format it was written in, with bashbrew's rules.
public enum LibraryFileReader {
    /// The largest library file trackbot reads: 4 MiB. The largest real one is well under 1 MB,
    /// and a file may come from anyone's pull request; reading costs a few times its size.
    public static let maxBytes = 4 << 20

    /// Refuses a file of `size` bytes over `maxBytes` (for callers that know the size before
    /// reading the content: a file on disk, a git blob).
    public static func checkSize(_ size: Int, path: String) throws(LibraryFileError) {
        guard size <= maxBytes else {
            throw LibraryFileError(file: path, line: 0, problem: .tooLarge(bytes: size, limit: maxBytes))
        }
    }

    /// - Parameters:
    ///   - text: the file's content.
    ///   - name: the image name (`alpine`).
    ///   - path: how errors name the file (`library/alpine`, or a path on disk).
    public static func read(_ text: String, name: String, path: String? = nil) throws(LibraryFileError) -> LibraryFile {
        let label = path ?? "library/\(name)"
        try checkSize(text.utf8.count, path: label)
        switch sniffFormat(text) {
        case .rfc2822: return try RFC2822Reader(file: label).read(text, name: name)
        case .lineBased: return try LineBasedReader(file: label).read(text, name: name)
        case .stackbrew: return try StackbrewReader(file: label).read(text, name: name)
        }
    }

    /// Reads bytes, refusing what is not UTF-8.
    public static func read(bytes: [UInt8], name: String, path: String? = nil) throws(LibraryFileError) -> LibraryFile {
        try checkSize(bytes.count, path: path ?? "library/\(name)")
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LibraryFileError(file: path ?? "library/\(name)", line: 0, problem: .notUTF8)
        }
        return try read(text, name: name, path: path)
    }

    /// bashbrew tried RFC 2822 first and fell back to the line-based reader; RFC 2822 can only
    /// succeed with a `Maintainers:` field, so its presence decides. The 2013 stackbrew lists have
    /// neither `Key:` fields nor `tag: repo@commit` lines. Anything else is read as RFC 2822, whose
    /// errors are the most useful for a file being written today.
    static func sniffFormat(_ text: String) -> LibraryFile.Format {
        var legacy = false
        var firstLine: Substring?
        let bytes = Array(text.utf8)
        var next = bytes.startIndex
        while next < bytes.endIndex {
            // Lines one at a time (no split of the whole file: the answer is usually on line 1).
            let lineEnd = bytes[next...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            let rawLine = bytes[next..<lineEnd]
            next = lineEnd + 1
            if rawLine.isEmpty { continue }
            if ASCII.isASCII(rawLine) {
                // The same steps on bytes (for ASCII a byte is a Character).
                if let colon = rawLine.firstIndex(of: 0x3A),
                    ASCII.trimmed(rawLine[..<colon]).elementsEqual("Maintainers".utf8)
                {
                    return .rfc2822
                }
                let t = ASCII.trimmed(rawLine)
                if t.isEmpty { continue }
                if t.starts(with: "# maintainer:".utf8) {
                    legacy = true
                    continue
                }
                if t.first == 0x23 { continue }
                if firstLine == nil { firstLine = Substring(String(decoding: t, as: UTF8.self)) }
                if let colon = t.firstIndex(of: 0x3A), t[colon...].contains(0x40),
                    !t[..<colon].contains(where: { $0 == 0x20 || $0 == 0x09 })
                {
                    legacy = true
                }
                continue
            }
            let line = Substring(decoding: rawLine, as: UTF8.self)
            if let colon = line.firstIndex(of: ":"), line[..<colon].trimmed == "Maintainers" { return .rfc2822 }
            let t = Substring(line.trimmed)
            if t.isEmpty { continue }
            if t.hasPrefix("# maintainer:") {
                legacy = true
                continue
            }
            if t.hasPrefix("#") { continue }
            if firstLine == nil { firstLine = t }
            if let colon = t.firstIndex(of: ":"), t[colon...].contains("@"),
                !t[..<colon].contains(where: { $0 == " " || $0 == "\t" })
            {
                legacy = true
            }
        }
        if legacy { return .lineBased }
        if let first = firstLine {
            let words = first.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, !words[0].contains(":"), words[1].contains("://") { return .stackbrew }
        }
        return .rfc2822
    }
}

/// The rules every format shares once an entry is assembled (bashbrew's AddEntry), in time linear
/// in the number of entries and tags: a library file may come from anyone's pull request, and
/// one with tens of thousands of entries must not take minutes.
struct EntryCollector {
    let file: String
    /// Legacy formats had no duplicate check: a repeated tag moved to the later line.
    var laterLineWins = false
    var warnings: [String] = []
    /// Every entry added, in file order. With `laterLineWins`, an entry may hold tags that moved
    /// to a later line (see `tagOwner`) and may have lost all of them (`live` 0): `entries` leaves
    /// those out.
    private var stored: [Entry] = []
    /// Per stored entry: how many of its tags are still its own.
    private var live: [Int] = []
    /// Per stored entry that took a merge: its shared tags, to merge without repeats.
    private var sharedSeen: [Int: Set<String>] = [:]
    /// The entry holding each tag in its `Tags`, and the first holding each in its `SharedTags`:
    /// the duplicate checks look tags up here instead of scanning every entry for every tag.
    private var tagOwner: [String: Int] = [:]
    private var sharedTagOwner: [String: Int] = [:]
    /// The entries that take merges, by the hash of their build inputs (bashbrew merges into the
    /// first entry with the same inputs; an entry whose tags all moved away no longer takes
    /// merges). A hash, not the inputs themselves: cheaper to keep, and `Hasher`'s per-process
    /// seed leaves a file no way to make entries collide.
    private var byInputs: [Int: [Int]] = [:]

    init(file: String, laterLineWins: Bool = false) {
        self.file = file
        self.laterLineWins = laterLineWins
    }

    /// The entries, each with the tags it still holds, in file order.
    var entries: [Entry] {
        guard laterLineWins else { return stored }
        return stored.indices.compactMap { i -> Entry? in
            guard live[i] > 0 else { return nil }
            var e = stored[i]
            // A tag that moved away and came back by a merge sits at its last position, as
            // removing and appending it did.
            var seen = Set<String>()
            e.tags = e.tags.reversed().filter { tagOwner[$0] == i && seen.insert($0).inserted }.reversed()
            return e
        }
    }

    /// - Parameters:
    ///   - architectures: as written, validated here.
    ///   - lines: where the fields were, for error messages.
    mutating func add(_ draft: Entry, architectures: [String], lines: FieldLines) throws(LibraryFileError) {
        var entry = draft
        let tags = entry.tagsString
        func fail(_ key: String, _ p: LibraryFileError.Problem) -> LibraryFileError {
            LibraryFileError(file: file, line: lines[key], problem: p)
        }
        guard !entry.tags.isEmpty else { throw fail("Tags", .missingTags) }
        guard !entry.gitRepo.isEmpty, !entry.gitFetch.isEmpty, !entry.gitCommit.isEmpty else {
            throw fail("GitRepo", .missingSource(tags: tags))
        }
        var seenShared = Set<String>()
        entry.sharedTags = entry.sharedTags.filter { seenShared.insert($0).inserted }
        entry.directory = Rules.cleanPath(entry.directory)
        for (key, value) in entry.archValues where !value.isEmpty && Rules.isArchField(key, .directory) {
            entry.archValues[key] = Rules.cleanPath(value)
        }
        let invalidTags = entry.allTags.filter { !Rules.isValidTag($0) }
        guard invalidTags.isEmpty else {
            throw fail(
                entry.tags.contains(where: invalidTags.contains) ? "Tags" : "SharedTags",
                .invalidTags(tags: tags, invalid: invalidTags))
        }
        let parsed = architectures.map(Architecture.init(rawValue:))
        guard !parsed.contains(nil) else {
            let invalidArches = zip(architectures, parsed).filter { $0.1 == nil }.map(\.0)
            throw fail("Architectures", .invalidArchitectures(tags: tags, invalid: invalidArches))
        }
        entry.architectures = parsed.compactMap { $0 }

        if laterLineWins {
            for tag in entry.tags {
                guard let owner = tagOwner[tag] else { continue }
                warnings.append(
                    "\(file):\(lines["Tags"]): tag \"\(tag)\" repeated; the later line wins, as the tools of the time did"
                )
                // The tag leaves its entry; an entry left with no tag is gone, as if removed.
                tagOwner[tag] = nil
                live[owner] -= 1
                if live[owner] == 0 { byInputs[Self.inputsHash(stored[owner]), default: []].removeAll { $0 == owner } }
            }
        }
        var seen = Set<String>()
        for tag in entry.tags {
            if let other = tagOwner[tag] {
                throw fail("Tags", .duplicateTag(tags: tags, tag: tag, otherEntry: stored[other].tagsString))
            }
            if let other = sharedTagOwner[tag] {
                throw fail(
                    "Tags", .tagConflictsWithSharedTag(tags: tags, tag: tag, otherEntry: stored[other].tagsString))
            }
            guard seen.insert(tag).inserted else {
                throw fail("Tags", .duplicateTag(tags: tags, tag: tag, otherEntry: nil))
            }
        }
        for tag in entry.sharedTags {
            if let other = tagOwner[tag] {
                throw fail(
                    "SharedTags", .sharedTagConflictsWithTag(tags: tags, tag: tag, otherEntry: stored[other].tagsString)
                )
            }
            guard seen.insert(tag).inserted else {
                throw fail("SharedTags", .duplicateTagInSharedTags(tags: tags, tag: tag))
            }
        }
        let inputs = Self.inputsHash(entry)
        if let i = byInputs[inputs]?.first(where: { stored[$0].sameBuildInputs(as: entry) }) {
            // Only the new entry's tags are indexed: indexing the merged entry again would make
            // many merges into one entry quadratic.
            stored[i].tags += entry.tags
            if !entry.sharedTags.isEmpty {
                var seen = sharedSeen[i] ?? Set(stored[i].sharedTags)
                for tag in entry.sharedTags where seen.insert(tag).inserted { stored[i].sharedTags.append(tag) }
                sharedSeen[i] = seen
            }
            index(entry, at: i)
            return
        }
        stored.append(entry)
        live.append(0)
        byInputs[inputs, default: []].append(stored.count - 1)
        index(entry, at: stored.count - 1)
    }

    /// Records the tags of `entry` as held by the entry at `i` (keeping the first entry for
    /// each shared tag).
    private mutating func index(_ entry: Entry, at i: Int) {
        for tag in entry.tags { tagOwner[tag] = i }
        live[i] += entry.tags.count
        for tag in entry.sharedTags where sharedTagOwner[tag].map({ $0 > i }) ?? true { sharedTagOwner[tag] = i }
    }
}

extension EntryCollector {
    /// A hash of what `Entry.sameBuildInputs` compares: entries that merge hash alike (empty arch
    /// values count as missing, as there).
    static func inputsHash(_ e: Entry) -> Int {
        var h = Hasher()
        h.combine(e.gitCommit)
        h.combine(e.directory)
        h.combine(e.architectures)
        h.combine(e.gitRepo)
        h.combine(e.gitFetch)
        h.combine(e.file)
        h.combine(e.builder)
        h.combine(e.constraintsString)
        if !e.archValues.isEmpty {
            let set = e.archValues.filter { !$0.value.isEmpty }
            if !set.isEmpty { h.combine(set) }
        }
        return h.finalize()
    }
}

/// Line numbers of the fields of one paragraph, falling back to the paragraph's first line.
struct FieldLines {
    var paragraph: ControlParagraph?
    var fallback: Int

    subscript(key: String) -> Int { paragraph?.line(of: key) ?? fallback }
}
