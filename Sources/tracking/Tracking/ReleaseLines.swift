/// An upstream's tags grouped into release lines (`v3.19`, `REL_17`, node's `v22`), measured against
/// the tags the library references: per referenced line, the newer tags in that line; and the lines
/// newer than any the library references (a 3.21 line appeared).
public struct ReleaseLines: Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        /// `v3.19`: the tag up to the end of the line's numbers (see `TagVersion.line(depth:)`).
        public var name: String
        /// The newest tag of the line the library references; nil for a new line.
        public var referenced: String?
        /// Tags of the line newer than `referenced` (every tag of a new line), newest first.
        public var newer: [String]

        public init(name: String, referenced: String?, newer: [String]) {
            self.name = name
            self.referenced = referenced
            self.newer = newer
        }
    }

    /// The lines the library references, newest first.
    public var referenced: [Line]
    /// Lines with a tag newer than the newest the library references, none of it referenced; newest first.
    public var new: [Line]
    /// Pre-release tags left out (unless asked for) that would have been reported, newest first.
    public var skippedPreReleases: [String]

    /// - Parameters:
    ///   - tags: the upstream's tags (already filtered by the configured pattern).
    ///   - referenced: the tags the library references.
    ///   - depth: how many numbers name a line; nil for each tag's `TagVersion.defaultDepth`
    ///     (all numbers but the last).
    ///   - preReleases: whether pre-release tags count as newer (`--pre`).
    public init(tags: some Collection<String>, referenced: [String], depth: Int?, preReleases: Bool) {
        let all = Self.lines(tags: Array(tags), referenced: referenced, depth: depth)
        guard !preReleases else {
            self.referenced = all.referenced
            self.new = all.new
            self.skippedPreReleases = []
            return
        }
        let releases = tags.filter { !(TagVersion($0)?.isPreRelease ?? false) }
        let kept = Self.lines(tags: releases, referenced: referenced, depth: depth)
        self.referenced = kept.referenced
        self.new = kept.new
        let reported = Set((kept.referenced + kept.new).flatMap(\.newer))
        self.skippedPreReleases = Set((all.referenced + all.new).flatMap(\.newer)).subtracting(reported)
            .sorted(by: TagOrdering.isOlder).reversed()
    }

    /// The line of `tag`: with the configured depth, or the tag's own default; a tag with no
    /// number (or an Ubuntu `dist-<suite>-<arch>-<serial>-<hash>` tag, whose serial counts releases)
    /// is a line of its own (the dist prefix).
    public static func line(of tag: String, depth: Int?) -> String {
        if let ubuntu = TagOrdering.ubuntu(tag) { return ubuntu.prefix }
        guard let version = TagVersion(tag) else { return tag }
        return version.line(depth: depth ?? version.defaultDepth)
    }

    private static func lines(tags: [String], referenced: [String], depth: Int?) -> (referenced: [Line], new: [Line]) {
        // Each referenced line, with the newest referenced tag in it and the depth that named it.
        var newestReferenced: [String: (tag: String, depth: Int?)] = [:]
        for tag in referenced {
            let lineDepth = depth ?? TagVersion(tag)?.defaultDepth
            let name = line(of: tag, depth: lineDepth)
            if let known = newestReferenced[name], !TagOrdering.isOlder(known.tag, than: tag) { continue }
            newestReferenced[name] = (tag, lineDepth)
        }
        var referencedLines: [Line] = newestReferenced.map { name, newest in
            Line(
                name: name, referenced: newest.tag,
                newer: tags.filter {
                    line(of: $0, depth: newest.depth) == name && TagOrdering.isOlder(newest.tag, than: $0)
                }.sorted(by: TagOrdering.isOlder).reversed())
        }
        referencedLines.sort { TagOrdering.isOlder($1.referenced!, than: $0.referenced!) }

        // Today's question, asked per line: tags newer than the newest referenced tag, outside every referenced line.
        var newLines: [String: [String]] = [:]
        if let newest = referenced.max(by: TagOrdering.isOlder) {
            let inReferencedLine = Set(referencedLines.flatMap(\.newer))
            for tag in tags where TagOrdering.isOlder(newest, than: tag) && !inReferencedLine.contains(tag) {
                let name = line(of: tag, depth: depth)
                if newestReferenced[name] == nil { newLines[name, default: []].append(tag) }
            }
        }
        let new = newLines.map { name, tags in
            Line(name: name, referenced: nil, newer: tags.sorted(by: TagOrdering.isOlder).reversed())
        }.sorted { TagOrdering.isOlder($1.newer[0], than: $0.newer[0]) }
        return (referencedLines, new)
    }
}
