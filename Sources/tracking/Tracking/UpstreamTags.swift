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

    /// The tags the library's entries reference: by `GitFetch: refs/tags/<name>`, by pointing at an
    /// entry's commit, or by version: a release tag with the numbers of an entry's fullest version
    /// tag (`v22.11.0` or `22.11.0` for an entry tagged `22.11.0, 22.11, 22`; `REL_17_2` for `17.2`),
    /// for upstreams that are not the library's GitRepo (nodejs/node for docker-node). Oldest first.
    public func referenced(by file: LibraryFile) -> [String] {
        var names = Set<String>()
        var libraryCommits = Set<String>()
        let releases = commits.keys.compactMap(TagVersion.init)
        for entry in file.entries {
            if let version = Self.fullestVersion(entry.tags) {
                for release in releases where release.isRelease(of: version) { names.insert(release.tag) }
            }
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

    /// The entry tag made only of numbers and dots with the most numbers (`22.11.0` of `22.11.0, 22.11, 22, jod`).
    static func fullestVersion(_ tags: [String]) -> TagVersion? {
        tags.filter { tag in
            tag.first != "." && tag.last != "." && tag.allSatisfy { TagVersion.isDigit($0) || $0 == "." }
        }
        .compactMap(TagVersion.init).filter { $0.suffix.isEmpty }.max { $0.numbers.count < $1.numbers.count }
    }

    /// Tags newer than `tag`, newest first.
    public func newer(than tag: String) -> [String] {
        commits.keys.filter { TagOrdering.isOlder(tag, than: $0) }.sorted(by: TagOrdering.isOlder).reversed()
    }
}
