import Foundation
import TrackbotCore

/// The alert findings of one image and one finding kind: what one GitHub issue is about.
public struct AlertGroup: Sendable, Equatable {
    public var image: String
    public var kind: FindingKind
    public var findings: [Finding]

    /// The tags the group covers, sorted, without repeats.
    public var tags: [String] { Array(Set(findings.compactMap(\.tag))).sorted() }

    /// Groups alert findings by image and kind; other severities are left out.
    public static func groups(_ findings: [Finding]) -> [AlertGroup] {
        var byKey: [IssueKey: [Finding]] = [:]
        for f in findings where f.severity == .alert {
            byKey[IssueKey(image: f.image ?? "-", kind: f.kind.rawValue), default: []].append(f)
        }
        return byKey.keys.sorted().map { key in
            let sorted = Array(Set(byKey[key]!)).sorted {
                ($0.tag ?? "", $0.arch ?? "", $0.message, $0.expected ?? "", $0.actual ?? "")
                    < ($1.tag ?? "", $1.arch ?? "", $1.message, $1.expected ?? "", $1.actual ?? "")
            }
            return AlertGroup(image: key.image, kind: FindingKind(rawValue: key.kind)!, findings: sorted)
        }
    }

    public var key: IssueKey { IssueKey(image: image, kind: kind.rawValue) }
}

/// What an issue is found again by: image and finding kind (not the tags, so that a change in the
/// tags covered updates the same issue).
public struct IssueKey: Hashable, Comparable, Sendable, Codable {
    public var image: String
    public var kind: String

    public init(image: String, kind: String) {
        self.image = image
        self.kind = kind
    }

    public static func < (a: IssueKey, b: IssueKey) -> Bool { (a.image, a.kind) < (b.image, b.kind) }
}

/// The hidden markers in an issue body: `<!-- trackbot:v1 image=…; kind=… -->` and the hash of
/// the visible content, `<!-- trackbot:hash sha256:… -->`.
public enum IssueMarker {
    static let prefix = "<!-- trackbot:v1 "
    static let hashPrefix = "<!-- trackbot:hash "

    public static func marker(_ key: IssueKey) -> String {
        "\(prefix)image=\(sanitize(key.image)); kind=\(sanitize(key.kind)) -->"
    }

    /// The key of a trackbot issue body, nil for any other issue.
    public static func key(in body: String?) -> IssueKey? {
        guard let body, let start = body.range(of: prefix) else { return nil }
        guard let end = body[start.upperBound...].range(of: " -->") else { return nil }
        var image: String?, kind: String?
        for part in body[start.upperBound..<end.lowerBound].split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            if kv[0] == "image" { image = kv[1] } else if kv[0] == "kind" { kind = kv[1] }
        }
        guard let image, let kind else { return nil }
        return IssueKey(image: image, kind: kind)
    }

    /// The content hash recorded in a body, nil when absent.
    public static func hash(in body: String?) -> String? {
        guard let body, let start = body.range(of: hashPrefix),
              let end = body[start.upperBound...].range(of: " -->") else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }

    /// Keeps the marker parseable whatever an image name contains.
    static func sanitize(_ s: String) -> String {
        String(s.map { $0 == ";" || $0 == "=" || $0 == ">" || $0 == "\n" || $0 == " " ? "_" : $0 })
    }
}

/// Title and Markdown body of the issue for one alert group.
public struct IssueContent: Sendable, Equatable {
    public var title: String
    public var body: String
    public var hash: String

    public init(_ group: AlertGroup) {
        let tags = group.tags
        let tagText = tags.isEmpty ? "" : " (\(tags.count <= 4 ? tags.joined(separator: ", ") : tags.prefix(4).joined(separator: ", ") + ", +\(tags.count - 4)"))"
        title = "trackbot: \(group.image) \(group.kind.rawValue)\(tagText)"
        var md = "trackbot found **\(group.findings.count)** `\(group.kind.rawValue)` alert"
        md += group.findings.count == 1 ? "" : "s"
        md += " for `\(group.image)`\(tags.isEmpty ? "" : " (tags " + tags.map { "`\($0)`" }.joined(separator: ", ") + ")").\n\n"
        md += "| image | tag | arch | message | expected | actual |\n|---|---|---|---|---|---|\n"
        for f in group.findings {
            md += "| " + [f.image ?? group.image, f.tag ?? "", f.arch ?? "", f.message, f.expected ?? "", f.actual ?? ""]
                .map(Self.cell).joined(separator: " | ") + " |\n"
        }
        md += "\n### What to do\n\n" + Self.advice(group.kind) + "\n\n"
        md += "This issue is kept up to date by trackbot: its body is rewritten when the finding changes, "
        md += "and it is closed when the finding is gone. Edits to the body are overwritten.\n"
        let visible = md + "\n" + IssueMarker.marker(group.key)
        hash = StreamingHasher.digest(Array(visible.utf8)).description
        body = visible + "\n" + IssueMarker.hashPrefix + hash + " -->\n"
    }

    /// A Markdown table cell: no pipes or newlines, values in code spans.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func advice(_ kind: FindingKind) -> String {
        switch kind {
        case .checksumMismatch, .checksumMissing, .layoutInvalid:
            return "The upstream artifact does not match its published checksums. Do not trust the image until the upstream maintainers confirm the artifact; re-run `trackbot verify` on the directory."
        case .expectedDigestMismatch, .provenanceMismatch, .contentMismatch, .historyMismatch, .pinMismatch:
            return "The published image does not match what the library file says it was built from. Compare with `trackbot check IMAGE:TAG --deep` and report it to the image maintainers if it persists."
        case .digestDrift, .rebuilt, .indexChanged:
            return "The registry digest changed without a library change. Check whether it was a rebuild (`trackbot history IMAGE`) and confirm it with the image maintainers."
        case .commitNotInRef, .upstreamRewritten:
            return "The upstream history no longer contains the commit the library references. Ask the upstream maintainers whether the branch was force-pushed."
        default:
            return "Review the findings above with `trackbot check` and update the configuration or the state when they are expected."
        }
    }
}
