import TrackbotCore

/// What changed between two versions of one library file: tags added, removed and moved, and per
/// entry and architecture which fields changed from what to what.
public struct LibraryDiff: Codable, Hashable, Sendable {
    /// One field of one architecture (or of the entry, when `arch` is nil) from `old` to `new`.
    /// `Architectures` changes have the architecture as the value and nil on the missing side.
    public struct FieldChange: Codable, Hashable, Sendable {
        public var arch: String?
        public var field: String
        public var old: String?
        public var new: String?
    }

    /// A tag that exists in both versions but now names other build inputs.
    public struct TagMove: Codable, Hashable, Sendable {
        public var tag: String
        /// The first tag of the entry that held it before, and of the one holding it now.
        public var fromEntry: String
        public var toEntry: String
        public var changes: [FieldChange]
    }

    /// An entry of the old file matched with its successor (they share a tag).
    public struct EntryChange: Codable, Hashable, Sendable {
        public var oldTags: [String]
        public var newTags: [String]
        public var changes: [FieldChange]
    }

    public var image: String
    public var tagsAdded: [String] = []
    public var tagsRemoved: [String] = []
    public var tagsMoved: [TagMove] = []
    public var entriesChanged: [EntryChange] = []
    /// Entries with no tag in common with the other version, by their tags.
    public var entriesAdded: [[String]] = []
    public var entriesRemoved: [[String]] = []
    public var maintainersChanged: [FieldChange] = []

    public var isEmpty: Bool {
        tagsAdded.isEmpty && tagsRemoved.isEmpty && tagsMoved.isEmpty && entriesChanged.isEmpty
            && entriesAdded.isEmpty && entriesRemoved.isEmpty && maintainersChanged.isEmpty
    }

    /// Compares two versions of the same image's file. Either may be nil (file created or deleted).
    public init(old: LibraryFile?, new: LibraryFile?) {
        image = new?.name ?? old?.name ?? ""
        let oldTags = old?.allTags ?? [], newTags = new?.allTags ?? []
        let oldSet = Set(oldTags), newSet = Set(newTags)
        tagsAdded = newTags.filter { !oldSet.contains($0) }
        tagsRemoved = oldTags.filter { !newSet.contains($0) }
        let oldEntries = old?.entries ?? [], newEntries = new?.entries ?? []
        // Look-ups through indexes built once: both files may come from a pull request, with any
        // number of entries.
        let oldIndex = old.map(TagIndex.init), newIndex = new.map(TagIndex.init)

        for tag in newTags where oldSet.contains(tag) {
            let before = oldIndex!.entries(for: tag), after = newIndex!.entries(for: tag)
            guard before.map(Self.buildInputs) != after.map(Self.buildInputs),
                let from = before.first, let to = after.first
            else { continue }
            tagsMoved.append(
                TagMove(
                    tag: tag, fromEntry: from.tags.first ?? "", toEntry: to.tags.first ?? "",
                    changes: Self.changes(from, to)))
        }

        // Each new entry is matched with the unmatched old entry sharing the most tags with it
        // (the first such entry on a tie); entries sharing none are added or removed.
        var matchedOld = Set<Int>()
        for newEntry in newEntries {
            var shared: [Int: Int] = [:]
            for tag in Set(newEntry.tags) {
                for i in oldIndex?.holders(of: tag) ?? [] where !matchedOld.contains(i) { shared[i, default: 0] += 1 }
            }
            let best = shared.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
            guard let (i, _) = best else {
                entriesAdded.append(newEntry.tags)
                continue
            }
            matchedOld.insert(i)
            let changes = Self.changes(oldEntries[i], newEntry)
            if !changes.isEmpty || oldEntries[i].tags != newEntry.tags {
                entriesChanged.append(
                    EntryChange(oldTags: oldEntries[i].tags, newTags: newEntry.tags, changes: changes))
            }
        }
        entriesRemoved = oldEntries.indices.filter { !matchedOld.contains($0) }.map { oldEntries[$0].tags }
        let om = old?.maintainers.map(\.description) ?? [], nm = new?.maintainers.map(\.description) ?? []
        if old != nil, new != nil, om != nm {
            maintainersChanged = [
                FieldChange(
                    arch: nil, field: "Maintainers",
                    old: om.joined(separator: ", "), new: nm.joined(separator: ", "))
            ]
        }
    }

    /// What a tag resolves to: per architecture, where it is built from.
    static func buildInputs(_ e: Entry) -> [Architecture: ArchitectureSource] {
        Dictionary(uniqueKeysWithValues: e.architectures.map { ($0, e.source(for: $0)) })
    }

    static func changes(_ a: Entry, _ b: Entry) -> [FieldChange] {
        var out: [FieldChange] = []
        if a.sharedTags != b.sharedTags {
            out.append(
                FieldChange(
                    arch: nil, field: "SharedTags", old: a.sharedTags.joined(separator: ", "),
                    new: b.sharedTags.joined(separator: ", ")))
        }
        if a.constraints != b.constraints {
            out.append(
                FieldChange(
                    arch: nil, field: "Constraints", old: a.constraints.joined(separator: ", "),
                    new: b.constraints.joined(separator: ", ")))
        }
        for arch in Set(a.architectures).union(b.architectures).sorted() {
            let inA = a.architectures.contains(arch), inB = b.architectures.contains(arch)
            if !inA || !inB {
                out.append(
                    FieldChange(
                        arch: arch.rawValue, field: "Architectures",
                        old: inA ? arch.rawValue : nil, new: inB ? arch.rawValue : nil))
                continue
            }
            let sa = a.source(for: arch), sb = b.source(for: arch)
            for f in SourceField.allCases where sa[f] != sb[f] {
                out.append(FieldChange(arch: arch.rawValue, field: f.rawValue, old: sa[f], new: sb[f]))
            }
        }
        return out
    }
}
