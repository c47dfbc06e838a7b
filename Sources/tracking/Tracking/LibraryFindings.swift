import OfficialImages
import TrackbotCore

/// Tag changes in the library since the recorded commit, as findings.
public enum LibraryFindings {
    public static func findings(_ diff: LibraryDiff, fromCommit: String, toCommit: String) -> [Finding] {
        let range = "\(fromCommit.prefix(7))..\(toCommit.prefix(7))"
        var out: [Finding] = []
        out += diff.tagsAdded.map {
            Finding(
                kind: .tagAdded, severity: .info, image: diff.image, tag: $0,
                message: "tag added in library/\(diff.image) (\(range))")
        }
        out += diff.tagsRemoved.map {
            Finding(
                kind: .tagRemoved, severity: .info, image: diff.image, tag: $0,
                message: "tag removed from library/\(diff.image) (\(range))")
        }
        for m in diff.tagsMoved {
            let commits = Set(m.changes.filter { $0.field == "GitCommit" }.map { "\($0.old ?? "-")→\($0.new ?? "-")" })
            out.append(
                Finding(
                    kind: .tagMoved, severity: .info, image: diff.image, tag: m.tag,
                    message: "tag moved from entry \(m.fromEntry) to \(m.toEntry) (\(range))",
                    expected: commits.count == 1 ? commits.first!.components(separatedBy: "→")[0] : nil,
                    actual: commits.count == 1 ? commits.first!.components(separatedBy: "→")[1] : nil))
        }
        return out
    }
}
