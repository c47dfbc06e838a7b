import OfficialImages

/// How bashbrew finds an official image's entry for `cat`/`list`: `library/<repo>` at the ref,
/// the entry holding the tag in `Tags`, else the first holding it in `SharedTags`.
enum OfficialLookup {
    enum Found {
        case entry(LibraryFile, Entry)
        case noLibraryFile(repo: String)
        case noSuchTag(repo: String, tag: String)
    }

    /// `repo:tag` (no `/`): the repository is up to the first `:`.
    static func find(_ reference: String, in files: [String: LibraryFile]) -> Found {
        let repo = reference.prefix { $0 != ":" }
        let tag = reference.dropFirst(repo.count + 1)
        guard let file = files[String(repo)] else { return .noLibraryFile(repo: String(repo)) }
        guard let entry = file.entries(for: String(tag)).first else {
            return .noSuchTag(repo: String(repo), tag: String(tag))
        }
        return .entry(file, entry)
    }

    /// Whether bashbrew takes the reference for an external image (naughty-from's `*/*`).
    static func isExternal(_ reference: String) -> Bool { reference.contains("/") }
}

extension Entry {
    /// The tag bashbrew names the entry by (`bashbrew list --uniq`): its first tag.
    var firstTag: String { tags.first ?? sharedTags.first ?? "" }
}
