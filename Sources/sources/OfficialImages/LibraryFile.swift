import TrackbotCore

/// One `library/<name>` file of official-images, read the way bashbrew reads it.
public struct LibraryFile: Hashable, Codable, Sendable {
    public enum Format: String, Codable, Sendable {
        /// RFC 2822 paragraphs (`Maintainers:`, `Tags:`…), the format since 2016.
        case rfc2822
        /// `tag: repo@commit [dir]` lines with `# maintainer:` comments (2014–2016).
        case lineBased = "line-based"
        /// `tag<TAB>repo[<TAB>B:branch|C:commit]`, the stackbrew lists of 2013.
        case stackbrew
    }

    /// The image name (`alpine`), from the file name.
    public var name: String
    public var format: Format
    /// The global paragraph, holding what every entry inherits.
    public var global: Entry
    public var entries: [Entry]
    /// What the file got away with in its time but is worth knowing (legacy formats only:
    /// a repeated tag, where the later line wins as the tools of that era did).
    public var warnings: [String]

    public init(name: String, format: Format, global: Entry, entries: [Entry], warnings: [String] = []) {
        self.name = name
        self.format = format
        self.global = global
        self.entries = entries
        self.warnings = warnings
    }

    public var maintainers: [Maintainer] { global.maintainers }

    /// The entry that holds `tag` as a tag, else the entries that hold it as a shared tag. Scans
    /// every entry: for many tags, look them up in a `TagIndex`.
    public func entries(for tag: String) -> [Entry] {
        if let e = entries.first(where: { $0.tags.contains(tag) }) { return [e] }
        return entries.filter { $0.sharedTags.contains(tag) }
    }

    /// Every tag and shared tag, in file order, without repeats.
    public var allTags: [String] {
        var seen = Set<String>()
        return entries.flatMap(\.allTags).filter { seen.insert($0).inserted }
    }
}

/// `LibraryFile.entries(for:)` for many tags: built once in one pass, each look-up without a scan
/// (comparing two files tag by tag would otherwise be quadratic in their entries).
public struct TagIndex: Sendable {
    public let entries: [Entry]
    /// The entries holding each tag in their `Tags`, in file order.
    private var holders: [String: [Int]] = [:]
    /// The entries holding each tag in their `SharedTags`, in file order.
    private var sharing: [String: [Int]] = [:]

    public init(_ file: LibraryFile) {
        entries = file.entries
        for (i, e) in entries.enumerated() {
            for tag in e.tags where holders[tag]?.last != i { holders[tag, default: []].append(i) }
            for tag in e.sharedTags where sharing[tag]?.last != i { sharing[tag, default: []].append(i) }
        }
    }

    /// What `LibraryFile.entries(for:)` answers.
    public func entries(for tag: String) -> [Entry] {
        if let i = holders[tag]?.first { return [entries[i]] }
        return (sharing[tag] ?? []).map { entries[$0] }
    }

    /// The positions of the entries holding `tag` in their `Tags`.
    public func holders(of tag: String) -> [Int] { holders[tag] ?? [] }
}
