import Foundation
import TrackbotCore
import Tracking

/// The open alerts of one image and one finding kind: what one GitHub issue is about.
public struct AlertGroup: Sendable, Equatable {
    public var image: String
    public var kind: FindingKind
    public var alerts: [AlertRecord]

    /// The tags the group covers, sorted, without repeats.
    public var tags: [String] { Array(Set(alerts.compactMap(\.tag))).sorted() }

    /// Groups alert records by image and kind.
    public static func groups(_ alerts: [AlertRecord]) -> [AlertGroup] {
        var byKey: [IssueKey: [AlertRecord]] = [:]
        for a in alerts { byKey[IssueKey(image: a.image, kind: a.kind.rawValue), default: []].append(a) }
        return byKey.keys.sorted().map { key in
            AlertGroup(
                image: key.image, kind: FindingKind(rawValue: key.kind)!, alerts: byKey[key]!.sorted { $0.id < $1.id })
        }
    }

    public var key: IssueKey { IssueKey(image: image, kind: kind.rawValue) }

    /// Names this group's issue among earlier issues of the same key (closed ones are never
    /// reopened): the key and the earliest alert's first sighting.
    public var instance: String {
        let first = alerts.map(\.firstSeen).min() ?? ""
        return String(StreamingHasher.digest(Array("\(image)\n\(kind.rawValue)\n\(first)".utf8)).hex.prefix(16))
    }
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

/// The hidden markers in an issue body: `<!-- trackbot:v1 image=…; kind=…; instance=… -->` and
/// the hash of the visible content, `<!-- trackbot:hash sha256:… -->`.
public enum IssueMarker {
    static let prefix = "<!-- trackbot:v1 "
    static let hashPrefix = "<!-- trackbot:hash "

    public static func marker(_ key: IssueKey, instance: String? = nil) -> String {
        "\(prefix)image=\(sanitize(key.image)); kind=\(sanitize(key.kind))\(instance.map { "; instance=\(sanitize($0))" } ?? "") -->"
    }

    /// The instance named in a body's marker (issues of older versions have none).
    public static func instance(in body: String?) -> String? {
        guard let body, let start = body.range(of: prefix) else { return nil }
        guard let end = body[start.upperBound...].range(of: " -->") else { return nil }
        for part in body[start.upperBound..<end.lowerBound].split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2, kv[0] == "instance" { return kv[1] }
        }
        return nil
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
            let end = body[start.upperBound...].range(of: " -->")
        else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }

    /// Keeps the marker parseable whatever an image name contains.
    static func sanitize(_ s: String) -> String {
        String(Sanitize.terminal(s).map { $0 == ";" || $0 == "=" || $0 == ">" || $0 == " " ? "_" : $0 })
    }
}

/// Title and Markdown body of the issue for one alert group.
public struct IssueContent: Sendable, Equatable {
    public var title: String
    public var body: String
    public var hash: String

    /// Image names, tags, messages and values come from library files and registries: the title
    /// and body carry none of their control characters or escape sequences (GitHub shows them,
    /// mail notifications and `gh issue view` print them to a terminal).
    public init(_ group: AlertGroup) {
        let tags = group.tags
        let tagText =
            tags.isEmpty
            ? ""
            : " (\(tags.count <= 4 ? tags.joined(separator: ", ") : tags.prefix(4).joined(separator: ", ") + ", +\(tags.count - 4)"))"
        title = Sanitize.terminal("trackbot: \(group.image) \(group.kind.rawValue)\(tagText)")
        var md = "trackbot found **\(group.alerts.count)** open `\(group.kind.rawValue)` alert"
        md += group.alerts.count == 1 ? "" : "s"
        md +=
            " for \(MarkdownText.code(group.image))\(tags.isEmpty ? "" : " (tags " + tags.map { MarkdownText.code($0) }.joined(separator: ", ") + ")").\n\n"
        md += "| image | tag | arch | message | expected | actual | open since |\n|---|---|---|---|---|---|---|\n"
        for a in group.alerts {
            let values: [String] = [a.image, a.tag ?? "", a.arch ?? ""].map(Self.cell)
            let compared: [String] = [a.expected ?? "", a.actual ?? "", a.firstSeen].map(Self.cell)
            let cells: [String] = values + [MarkdownText.escaped(a.message)] + compared
            md += "| " + cells.joined(separator: " | ") + " |\n"
        }
        md += "\n### What to do\n\n" + Self.advice(group.kind) + "\n\n"
        md += "An alert stays open until it is explained (a library or parent change, or the trusted digest is back), "
        md +=
            "acknowledged (\(MarkdownText.code("trackbot ack \(group.image)\(tags.count == 1 ? ":" + tags[0] : "") --kind \(group.kind.rawValue) --reason \"…\"")), "
        md +=
            "or muted (`[[mute]]` in the configuration). Closing this issue acknowledges its alerts: trackbot records who closed it "
        md += "and does not reopen it. The body is rewritten when the alerts change; edits to it are overwritten.\n"
        let visible =
            Sanitize.terminal(md, multiline: true) + "\n" + IssueMarker.marker(group.key, instance: group.instance)
        hash = StreamingHasher.digest(Array(visible.utf8)).description
        body = visible + "\n" + IssueMarker.hashPrefix + hash + " -->\n"
    }

    /// A value in a table cell, as written: a code span (one line, its `|` escaped), so
    /// nothing in it is markup, HTML, an @-mention or an issue reference.
    static func cell(_ s: String) -> String { MarkdownText.code(s, inTable: true) }

    static func advice(_ kind: FindingKind) -> String {
        switch kind {
        case .checksumMismatch, .checksumMissing, .layoutInvalid:
            return
                "The upstream artifact does not match its published checksums. Do not trust the image until the upstream maintainers confirm the artifact; re-run `trackbot verify` on the directory."
        case .expectedDigestMismatch, .provenanceMismatch, .contentMismatch, .historyMismatch, .pinMismatch:
            return
                "The published image does not match what the library file says it was built from. Compare with `trackbot check IMAGE:TAG --deep` and report it to the image maintainers if it persists."
        case .attestationMismatch, .attestationMissing:
            return
                "The build's own provenance (its attestation manifest) names another source than the library file. Compare with `trackbot digests IMAGE:TAG` and report it to the official-images maintainers if it persists."
        case .digestDrift, .rebuilt, .indexChanged:
            return
                "The registry digest changed without a library change. Check whether it was a rebuild (`trackbot history IMAGE`) and confirm it with the image maintainers."
        case .manifestInvalid:
            return
                "The registry publishes a document that the OCI image spec, go-containerregistry's validate or bashbrew refuses (the message names the document, the field and the rule). Report it to the image maintainers; clients may refuse or misread it."
        case .unsafeEntry:
            return
                "An upstream archive holds entries that escape the root, device nodes or setuid/setgid files when extracted. List it (`tar -tvf`) at the commit and ask the upstream maintainers about the named entries before trusting the image."
        case .commitNotInRef, .upstreamRewritten:
            return
                "The upstream history no longer contains the commit the library references. Ask the upstream maintainers whether the branch was force-pushed."
        default:
            return
                "Review the findings above with `trackbot check` and update the configuration or the state when they are expected."
        }
    }
}
