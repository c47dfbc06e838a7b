import OfficialImages

/// An upstream's tags as advertised, filtered by the configured pattern.
public struct UpstreamTags: Sendable {
    /// Tag name → the commit it names (peeled).
    public let commits: [String: String]

    /// - Parameter refs: the remote's refs as advertised, each with the commit it names (peeled).
    public init(refs: [(name: String, commit: String)], pattern: String?) throws {
        let regex = try pattern.map { try Regex($0) }
        var commits: [String: String] = [:]
        for ref in refs where ref.name.hasPrefix("refs/tags/") && !ref.name.hasSuffix("^{}") {
            let name = String(ref.name.dropFirst("refs/tags/".count))
            // The pattern is searched for, like grep: anchor it with ^…$ to match whole names.
            if let regex, ((try? regex.firstMatch(in: name)) ?? nil) == nil { continue }
            commits[name] = ref.commit
        }
        self.commits = commits
    }

    /// The tags the library's entries reference: by `GitFetch: refs/tags/<name>`, or by pointing at an entry's commit. Oldest first.
    public func referenced(by file: LibraryFile) -> [String] {
        var names = Set<String>()
        var libraryCommits = Set<String>()
        for entry in file.entries {
            for arch in entry.architectures {
                let source = entry.source(for: arch)
                libraryCommits.insert(source.gitCommit)
                if source.gitFetch.hasPrefix("refs/tags/") {
                    let name = String(source.gitFetch.dropFirst("refs/tags/".count))
                    if commits[name] != nil { names.insert(name) }
                }
            }
        }
        for (name, commit) in commits where libraryCommits.contains(commit) { names.insert(name) }
        return names.sorted(by: TagOrdering.isOlder)
    }

    /// Tags newer than `tag`, newest first.
    public func newer(than tag: String) -> [String] {
        commits.keys.filter { TagOrdering.isOlder(tag, than: $0) }.sorted(by: TagOrdering.isOlder).reversed()
    }
}
