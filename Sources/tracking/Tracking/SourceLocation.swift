/// How two names of one upstream source are compared, in one place: the published `source`
/// annotation, the provenance's materials and the library entry all name the same repository and
/// directory in their own spelling, and a check that compared them differently could pass one and
/// fail the other.
enum SourceLocation {
    /// The same repository, however written: scheme, user, host case, a trailing `/` or `.git`.
    static func sameRepository(_ a: String, _ b: String) -> Bool { canonicalRepository(a) == canonicalRepository(b) }

    static func canonicalRepository(_ repository: String) -> String {
        var r = Substring(repository)
        for scheme in ["https://", "http://", "git://", "ssh://"] where r.lowercased().hasPrefix(scheme) {
            r = r.dropFirst(scheme.count)
        }
        if let at = r.firstIndex(of: "@"), r[..<at].allSatisfy({ $0 != "/" }) { r = r[r.index(after: at)...] }
        while r.hasSuffix("/") { r = r.dropLast() }
        if r.lowercased().hasSuffix(".git") { r = r.dropLast(4) }
        // Host names are case-insensitive; paths are not, but GitHub's are, and so is what it serves.
        return r.lowercased()
    }

    /// A directory or file path inside the repository: `./` in front, `/` behind and an empty
    /// path (the top) all compare as bashbrew's `.`.
    static func normalisedPath(_ path: some StringProtocol) -> String {
        var p = Substring(path)
        while p.hasPrefix("./") { p = p.dropFirst(2) }
        while p.hasSuffix("/") { p = p.dropLast() }
        return p.isEmpty ? "." : String(p)
    }

    /// Whether a `REPO#COMMIT:DIR` source annotation (what the official-images build writes)
    /// names exactly this repository, commit and directory.
    static func annotationNames(_ annotation: String, repository: String, commit: String, directory: String) -> Bool {
        guard let hash = annotation.lastIndex(of: "#") else { return false }
        let rest = annotation[annotation.index(after: hash)...]
        let annotatedCommit = rest.prefix { $0 != ":" }
        let annotatedDirectory = rest.dropFirst(annotatedCommit.count).drop { $0 == ":" }
        return sameRepository(String(annotation[..<hash]), repository) && annotatedCommit == commit
            && normalisedPath(annotatedDirectory) == normalisedPath(directory)
    }
}
