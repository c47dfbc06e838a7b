import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import TrackbotKit

/// `--output sarif=FILE`: SARIF 2.1.0 that the official schema (vendored under
/// Tests/Fixtures/sarif) accepts, one result per finding, located in `library/IMAGE`.
@Suite struct SARIFReportTests {
    static let schema = TestPaths.fixture("sarif/sarif-schema-2.1.0.json")

    static func report() -> CheckReport {
        var tag = TagReport(
            tag: "3.20", entryTags: ["3.20.3", "3.20", "latest"], indexDigest: nil, previousIndexDigest: nil,
            platforms: [], notes: [])
        tag.libraryLine = 7
        let drift = Finding(
            kind: .digestDrift, severity: .alert, image: "alpine", tag: "latest", arch: "amd64",
            message: "amd64 digest changed without a library change",
            expected: "sha256:" + String(repeating: "a", count: 64),
            actual: "sha256:" + String(repeating: "b", count: 64),
            openSince: "2026-12-01T00:00:00Z", alertStatus: .open)
        let warn = Finding(
            kind: .parentUnverified, severity: .warn, image: "alpine", tag: "3.20", arch: "arm64v8",
            message: "parent could not be verified")
        let moved = Finding(kind: .tagMoved, severity: .info, image: "alpine", message: "3.19 moved to another entry")
        let unknownLine = Finding(kind: .rebuilt, severity: .info, image: "busybox", tag: "1.36", message: "rebuilt")
        return CheckReport(images: [
            ImageReport(name: "alpine", libraryCommit: "0123456789ab", tags: [tag], findings: [drift, warn, moved]),
            ImageReport(name: "busybox", findings: [unknownLine]),
        ])
    }

    static func validate(_ text: String, in dir: TemporaryDirectory, name: String = "report.sarif") throws -> String? {
        let file = dir.appending(name)
        try Data(text.utf8).write(to: file)
        return try SchemaValidator.problems(document: file, schema: schema)
    }

    @Test func sarif_validatesAgainstTheOfficialSchema_oneResultPerFinding() throws {
        let dir = try TemporaryDirectory("sarif")
        let text = try SARIFReport.render(Self.report())
        let problems = try Self.validate(text, in: dir)
        #expect(problems == nil, "\(problems ?? "")")

        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 4)
        #expect(
            results.map { $0["ruleId"] as? String } == ["digest-drift", "parent-unverified", "tag-moved", "rebuilt"])
        #expect(results.map { $0["level"] as? String } == ["error", "warning", "note", "note"])
        let rules = try #require(
            ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        // Each result's ruleIndex points at its rule.
        for r in results {
            #expect(rules[r["ruleIndex"] as! Int]["id"] as? String == r["ruleId"] as? String)
        }

        // The tag's entry line, found by any of the entry's tags; the image's file without a line
        // when the tag is not known, or for a finding about the whole image.
        func location(_ r: [String: Any]) -> String {
            let physical = ((r["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any]
            let uri = (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String ?? "-"
            let line = (physical?["region"] as? [String: Any])?["startLine"] as? Int
            return uri + (line.map { ":\($0)" } ?? "")
        }
        #expect(results.map(location) == ["library/alpine:7", "library/alpine:7", "library/alpine", "library/busybox"])

        let properties = try #require(results[0]["properties"] as? [String: String])
        #expect(properties["image"] == "alpine")
        #expect(properties["tag"] == "latest")
        #expect(properties["arch"] == "amd64")
        #expect(properties["expected"] == "sha256:" + String(repeating: "a", count: 64))
        #expect(properties["actual"] == "sha256:" + String(repeating: "b", count: 64))
        #expect(properties["alertStatus"] == "open")
        #expect(
            (results[0]["partialFingerprints"] as? [String: String])?["trackbotAlert/v1"]
                == "digest-drift alpine latest amd64")
    }

    /// The validator is not a rubber stamp: a level SARIF does not know, or a result without its
    /// message, is refused.
    @Test func sarif_schemaRefusesWhatIsNotSARIF() throws {
        let dir = try TemporaryDirectory("sarif-bad")
        let text = try SARIFReport.render(Self.report())
        let badLevel = text.replacingOccurrences(of: "\"level\" : \"error\"", with: "\"level\" : \"fatal\"")
        #expect(badLevel != text)
        #expect(try Self.validate(badLevel, in: dir, name: "level.sarif")?.contains("fatal") == true)
        let noVersion = text.replacingOccurrences(of: "\"version\" : \"2.1.0\"", with: "\"version\" : \"2.0.0\"")
        #expect(noVersion != text)
        #expect(try Self.validate(noVersion, in: dir, name: "version.sarif") != nil)
    }

    /// An empty report is still a valid log: one run, no results.
    @Test func sarif_noFindingsIsAValidEmptyRun() throws {
        let dir = try TemporaryDirectory("sarif-empty")
        let text = try SARIFReport.render(CheckReport(images: [ImageReport(name: "alpine")]))
        #expect(try Self.validate(text, in: dir) == nil)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        #expect((runs.first?["results"] as? [Any])?.isEmpty == true)
    }
}
