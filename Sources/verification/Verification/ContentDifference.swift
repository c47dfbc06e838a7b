/// A tar comparison as a finding reads it: one line per differing entry, the archive root left
/// out (builders set its mode and owner as they like). Paths are cut to a readable length (a
/// name may be 4 KiB) and unsafe entries say why, so a message stays small whatever the archives hold.
public struct ContentDifference: Sendable {
    /// `+ path` only in the published layer, `- path` only in the tarball, `~ path (fields)` changed.
    public let lines: [String]

    public init(_ comparison: TarComparison) {
        func shown(_ e: TarEntry) -> String { TarEntry.shown(e.path) + (e.unsafe.map { " [unsafe: \($0)]" } ?? "") }
        var lines: [String] = []
        for e in comparison.added where e.path != "." { lines.append("+ \(shown(e))") }
        for e in comparison.removed where e.path != "." { lines.append("- \(shown(e))") }
        for c in comparison.changed where c.path != "." {
            lines.append("~ \(shown(c.new)) (\(c.fields.map(\.rawValue).joined(separator: ", ")))")
        }
        self.lines = lines
    }

    public var isEmpty: Bool { lines.isEmpty }

    /// "N entries differ: + a, - b, … and M more".
    public func summary(limit: Int) -> String {
        let shown = lines.prefix(limit).joined(separator: ", ")
        let more = lines.count > limit ? " and \(lines.count - limit) more" : ""
        return "\(lines.count) \(lines.count == 1 ? "entry differs" : "entries differ"): \(shown)\(more)"
    }
}
