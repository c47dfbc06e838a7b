import TrackbotCore
import Tracking

/// `--output sarif=FILE`: a check report as SARIF 2.1.0 (the format code-scanning tools read,
/// e.g. github/codeql-action/upload-sarif). One result per finding: the rule is the finding
/// kind, the level comes from the severity, and the location is the tag's entry in
/// `library/IMAGE` when its line is known (see docs/notifications.md).
public enum SARIFReport {
    static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    public static func render(_ report: CheckReport) throws -> String {
        let kinds = Set(report.findings.map(\.kind))
        let rules = FindingKind.allCases.filter { kinds.contains($0) }
        let log = Log(
            schema: schema, version: "2.1.0",
            runs: [
                Run(
                    tool: Tool(
                        driver: Driver(
                            name: "trackbot", informationUri: "https://github.com/docker-library/official-images",
                            rules: rules.map { Rule(id: $0.rawValue, shortDescription: Text(text: $0.rawValue)) })),
                    results: report.findings.map {
                        result($0, report: report, ruleIndex: rules.firstIndex(of: $0.kind)!)
                    }
                )
            ])
        return try JSONOutput.encode(log)
    }

    /// alert → error, warn → warning, info → note.
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .alert: return "error"
        case .warn: return "warning"
        case .info: return "note"
        }
    }

    static func result(_ f: Finding, report: CheckReport, ruleIndex: Int) -> Result {
        var location: Location?
        if let image = f.image {
            let tag = f.tag.flatMap { tag in
                report.images.first { $0.name == image }?.tags.first { $0.tag == tag || $0.entryTags.contains(tag) }
            }
            location = Location(
                physicalLocation: PhysicalLocation(
                    artifactLocation: ArtifactLocation(uri: "library/\(image)"),
                    region: tag?.libraryLine.map { Region(startLine: $0) }))
        }
        let message = f.message.isEmpty ? f.kind.rawValue : f.message
        return Result(
            ruleId: f.kind.rawValue, ruleIndex: ruleIndex, level: level(f.severity), message: Text(text: message),
            locations: location.map { [$0] },
            // What makes two findings the same alert, so a code-scanning service follows it across runs.
            partialFingerprints: ["trackbotAlert/v1": AlertRecord.id(of: f, image: f.image ?? "-")],
            properties: Properties(
                image: f.image, tag: f.tag, arch: f.arch, expected: f.expected, actual: f.actual,
                severity: f.severity.rawValue, alertStatus: f.alertStatus?.rawValue, openSince: f.openSince))
    }

    // The subset of the SARIF object model trackbot writes (names as the schema spells them).
    struct Log: Encodable {
        var schema: String
        var version: String
        var runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }
    struct Run: Encodable {
        var tool: Tool
        var results: [Result]
    }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name: String
        var informationUri: String
        var rules: [Rule]
    }
    struct Rule: Encodable {
        var id: String
        var shortDescription: Text
    }
    struct Text: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Text
        var locations: [Location]?
        var partialFingerprints: [String: String]
        var properties: Properties
    }
    struct Location: Encodable { var physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region?
    }
    struct ArtifactLocation: Encodable { var uri: String }
    struct Region: Encodable { var startLine: Int }
    struct Properties: Encodable {
        var image: String?
        var tag: String?
        var arch: String?
        var expected: String?
        var actual: String?
        var severity: String
        var alertStatus: String?
        var openSince: String?
    }
}
