import Foundation
import TrackbotCore
import Tracking

/// `trackbot history IMAGE:TAG`: the published image config's history beside the Dockerfile's
/// instructions at the library's commit, per platform.
public struct HistoryReport: Codable, Sendable {
    public var image: String
    public var tag: String
    /// The official-images commit the library file was read at (nil for a folder).
    public var libraryCommit: String?
    public var platforms: [HistoryPlatform]
    public var findings: [Finding]
    /// Why something could not be compared (exit status 2).
    public var errors: [String]

    public init(
        image: String, tag: String, libraryCommit: String?, platforms: [HistoryPlatform] = [],
        findings: [Finding] = [], errors: [String] = []
    ) {
        self.image = image
        self.tag = tag
        self.libraryCommit = libraryCommit
        self.platforms = platforms
        self.findings = findings
        self.errors = errors
    }

    /// 2 when something could not be compared, 1 for an alert, else 0 (as for `check`).
    public var exitCode: Int32 {
        if !errors.isEmpty { return 2 }
        return findings.contains { $0.severity == .alert } ? 1 : 0
    }
}

/// One platform: its manifest digest, where its Dockerfile is, and the aligned rows.
public struct HistoryPlatform: Codable, Sendable {
    public var arch: String
    public var platform: String
    /// The per-platform manifest digest (not the index digest).
    public var digest: String?
    /// `<repo>#<commit>:<dir>/<file>`.
    public var dockerfile: String
    public var rows: [HistoryRow]
    public var notes: [HistoryNote]

    public init(
        arch: String, platform: String, digest: String?, dockerfile: String, rows: [HistoryRow],
        notes: [HistoryNote] = []
    ) {
        self.arch = arch
        self.platform = platform
        self.digest = digest
        self.dockerfile = dockerfile
        self.rows = rows
        self.notes = notes
    }
}

/// Something worth saying about a platform's history that is not a finding, as data; JSON gives
/// its words (`words`), as text and Markdown do.
public enum HistoryNote: Hashable, Sendable, CaseIterable, Codable {
    /// `Builder: oci-import`: no Dockerfile to align the history with.
    case ociImportHasNoDockerfile

    public var words: String {
        switch self {
        case .ociImportHasNoDockerfile:
            return
                "Builder: oci-import has no Dockerfile to compare with; `trackbot check` compares the manifest digest instead"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(words)
    }

    public init(from decoder: any Decoder) throws {
        let words = try decoder.singleValueContainer().decode(String.self)
        guard let note = Self.allCases.first(where: { $0.words == words }) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a history note: \(words)"))
        }
        self = note
    }
}

/// Renders a `HistoryReport` as text, JSON or Markdown.
public enum HistoryReportRenderer {
    public static func render(_ report: HistoryReport, format: OutputFormat) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(report)
        // History lines and Dockerfile text come from the registry and the upstream repository:
        // no control characters, and no credentials from a URL in a RUN line.
        case .markdown:
            return Sanitize.terminal(Redaction.stripURLCredentials(inText: markdown(report)), multiline: true)
        case .text: return Sanitize.terminal(Redaction.stripURLCredentials(inText: text(report)), multiline: true)
        }
    }

    static func mark(_ status: HistoryRow.Status) -> String {
        switch status {
        case .match: return "="
        case .differs: return "≠"
        case .inherited: return "^"
        case .onlyInImage: return "+"
        case .onlyInDockerfile: return "-"
        case .notRecorded: return "·"
        }
    }

    static func text(_ report: HistoryReport) -> String {
        var out =
            "\(report.image):\(report.tag)" + (report.libraryCommit.map { " (official-images \($0.prefix(12)))" } ?? "")
            + "\n"
        for p in report.platforms {
            out += "\n\(p.arch) (\(p.platform)) manifest \(p.digest ?? "not published")\n"
            out += "  Dockerfile: \(p.dockerfile)\n"
            for r in p.rows {
                let left = r.line.map { "line \($0): \(r.instruction ?? "")" } ?? (r.instruction ?? "")
                let right = r.history ?? ""
                switch r.status {
                case .match: out += "  = \(left)\n"
                case .inherited: out += "  ^ (parent) \(right)\n"
                case .notRecorded: out += "  · \(left) (not recorded in history)\n"
                case .onlyInImage: out += "  + (history only) \(right)\n"
                case .onlyInDockerfile: out += "  - \(left) (missing from history)\n"
                case .differs: out += "  ≠ \(left)\n      history: \(right)\n"
                }
            }
            for n in p.notes { out += "  note: \(n.words)\n" }
        }
        if !report.findings.isEmpty {
            out += "\nfindings:\n"
            for f in report.findings {
                out += "  [\(f.severity.rawValue)] \(f.kind.rawValue) \(f.arch ?? ""): \(f.message)\n"
            }
        }
        for e in report.errors { out += "error: \(e)\n" }
        out +=
            "\n= same  ≠ differs  + only in the image's history  - only in the Dockerfile  ^ from the parent  · not recorded\n"
        return out
    }

    /// Instructions, history lines, digests and messages come from upstream and the registry:
    /// each shown as written and unable to open a tag (`MarkdownText`).
    static func markdown(_ report: HistoryReport) -> String {
        typealias M = MarkdownText
        func cell(_ s: String?) -> String { s.map { M.code($0, inTable: true) } ?? "" }
        var out = "## \(M.escaped("\(report.image):\(report.tag)")) history\n"
        if let c = report.libraryCommit { out += "\nofficial-images commit \(M.code(c))\n" }
        for p in report.platforms {
            out +=
                "\n### \(M.escaped("\(p.arch) (\(p.platform))"))\n\nmanifest \(M.code(p.digest ?? "not published")), Dockerfile \(M.code(p.dockerfile))\n\n"
            out += "| | line | Dockerfile | history |\n| --- | --- | --- | --- |\n"
            for r in p.rows {
                out +=
                    "| \(mark(r.status)) | \(r.line.map(String.init) ?? "") | \(cell(r.instruction)) | \(cell(r.history)) |\n"
            }
            for n in p.notes { out += "\n> \(M.escaped(n.words))\n" }
        }
        if !report.findings.isEmpty {
            out += "\n### Findings\n\n"
            for f in report.findings {
                out +=
                    "- **\(f.severity.rawValue)** `\(f.kind.rawValue)` \(M.escaped(f.arch ?? "")): \(M.escaped(f.message))\n"
            }
        }
        for e in report.errors { out += "\n**error:** \(M.escaped(e))\n" }
        return out
    }
}
