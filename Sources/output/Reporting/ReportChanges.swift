import TrackbotCore
import Tracking

/// What changed since the last run, each digest labelled (index: `docker pull`; platform: tag
/// pages). The same change on several tags of an entry is one change naming them.
struct ReportChange {
    var image: String
    var tags: [String]
    /// `index digest (docker pull)`, `amd64 platform digest`, or a finding's kind.
    var subject: String
    var old: String?
    var new: String?
    /// `(digest-drift, alert)` for a platform digest; the message for a tag change.
    var note: String?

    static func changes(_ r: CheckReport) -> [ReportChange] {
        var out: [ReportChange] = []
        for image in r.images {
            var digests: [ReportChange] = []
            func add(_ c: ReportChange) {
                if let i = digests.firstIndex(where: {
                    ($0.subject, $0.old, $0.new, $0.note) == (c.subject, c.old, c.new, c.note)
                }) {
                    digests[i].tags += c.tags
                } else {
                    digests.append(c)
                }
            }
            for tag in image.tags {
                if let old = tag.previousIndexDigest, let new = tag.indexDigest, old != new {
                    add(
                        .init(
                            image: image.name, tags: [tag.tag], subject: "index digest (docker pull)", old: "\(old)",
                            new: "\(new)"))
                }
                for p in tag.platforms {
                    guard let old = p.previousDigest, let new = p.digest, old != new else { continue }
                    let kind = image.findings.first {
                        $0.tag == tag.tag && $0.arch == p.arch && [.digestDrift, .rebuilt].contains($0.kind)
                    }
                    add(
                        .init(
                            image: image.name, tags: [tag.tag], subject: "\(p.arch) platform digest", old: "\(old)",
                            new: "\(new)", note: kind.map { "(\($0.kind.rawValue), \($0.severity.rawValue))" }))
                }
            }
            out += digests
            for f in image.findings where [.tagAdded, .tagRemoved, .tagMoved].contains(f.kind) {
                out.append(.init(image: image.name, tags: [f.tag ?? ""], subject: f.kind.rawValue, note: f.message))
            }
        }
        return out
    }

    /// `demo:1.0, 1, latest index digest (docker pull): sha256:… → sha256:… (digest-drift, alert)`
    var line: String {
        "\(image):\(tags.joined(separator: ", ")) \(subject): "
            + (old.map { o in "\(o) → \(new ?? "")" + (note.map { " \($0)" } ?? "") } ?? (note ?? ""))
    }
}
