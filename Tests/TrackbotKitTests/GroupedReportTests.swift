import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore
import Tracking

/// The text report grouped by library entry (issue 15): an entry's tags on one line, its
/// platforms once, findings repeated across its tags said once with a count, warnings repeated
/// across entries said once for the image; alerts never collapsed away; JSON unchanged.
@Suite struct GroupedReportTests {
    typealias S = ReportShapes
    static let alpineTags = ["22.11.0-alpine3.20", "22-alpine3.20", "22-alpine", "lts-alpine"]

    static func text(_ images: [ImageReport]) throws -> String {
        try CheckReportRenderer.render(CheckReport(images: images), format: .text)
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func grouped_entryTagsOnOneLine_platformsOnce() throws {
        let tags = S.entry(Self.alpineTags, arches: S.alpine, seed: 1, directory: "22/alpine3.20")
        let text = try Self.text([ImageReport(name: "node", tags: tags)])
        #expect(text.contains("\n  22.11.0-alpine3.20, 22-alpine3.20, 22-alpine, lts-alpine\n"), "\(text)")
        #expect(Self.count("    index \(S.digest(100))  (what `docker pull` shows)\n", in: text) == 1, "\(text)")
        #expect(Self.count("✓ amd64  ", in: text) == 1 && Self.count("✓ arm64v8  ", in: text) == 1, "\(text)")
        #expect(Self.count("verified registry: revision/source annotations", in: text) == 2, "\(text)")
        // The summary still counts every tag and platform.
        #expect(text.hasSuffix("1 image, 4 tags, 8 platforms: 0 alerts, 0 warnings, 0 info\n"), "\(text)")
    }

    @Test func grouped_checkedTagsOfAnEntryNamedWithTheEntry() throws {
        let tags = S.entry(Self.alpineTags, arches: S.alpine, seed: 1, directory: "22/alpine3.20")
        let text = try Self.text([ImageReport(name: "node", tags: [tags[2]])])
        #expect(text.contains("\n  22-alpine  [22.11.0-alpine3.20, 22-alpine3.20, 22-alpine, lts-alpine]\n"), "\(text)")
    }

    @Test func grouped_identicalFindingsAcrossTagsSaidOnceWithCount() throws {
        let tags = S.entry(
            Self.alpineTags, arches: S.alpine, seed: 1, directory: "22/alpine3.20", worst: ["amd64": .warn])
        let findings =
            Self.alpineTags.map { S.finding(.parentUnverified, .warn, tag: $0, arch: "amd64", "parent not checked") }
            + Self.alpineTags.prefix(2).map { S.finding(.upstreamAhead, .info, tag: $0, arch: nil, "v22.12.0 is out") }
        let text = try Self.text([ImageReport(name: "node", tags: tags, findings: findings)])
        #expect(Self.count("parent-unverified", in: text) == 1, "\(text)")
        #expect(text.contains("        ! parent-unverified: parent not checked (×4 tags)\n"), "\(text)")
        // Some of the tags only: the count names them.
        #expect(
            text.contains("    i upstream-ahead: v22.12.0 is out (×2 tags: 22.11.0-alpine3.20, 22-alpine3.20)\n"),
            "\(text)")
        // A warning on the platform: no ✓, though it verified.
        #expect(text.contains("    ! amd64  ") && !text.contains("✓ amd64"), "\(text)")
        #expect(text.contains("4 warnings, 2 info"))
    }

    @Test func grouped_alertsNeverCollapsedAway_theyNameTheirTags() throws {
        let a = S.entry(
            Self.alpineTags, arches: S.alpine, seed: 1, directory: "22/alpine3.20", worst: ["amd64": .alert])
        let b = S.entry(
            ["20-alpine", "iron-alpine"], arches: S.alpine, seed: 2, directory: "20/alpine", worst: ["amd64": .alert])
        let message = "the published amd64 digest changed with no change in the library entry"
        let findings = (Self.alpineTags + ["20-alpine", "iron-alpine"]).map {
            S.finding(.digestDrift, .alert, tag: $0, arch: "amd64", message)
        }
        let text = try Self.text([ImageReport(name: "node", tags: a + b, findings: findings)])
        // Said once under each entry (never lifted to the image), each naming the tags it covers.
        #expect(
            text.contains(
                "        ✗ digest-drift: \(message) (open since 2026-12-01T00:00:00Z) (×4 tags: 22.11.0-alpine3.20, 22-alpine3.20, 22-alpine, lts-alpine)\n"
            ), "\(text)")
        #expect(text.contains("(×2 tags: 20-alpine, iron-alpine)\n"), "\(text)")
        #expect(Self.count("✗ digest-drift", in: text) == 2, "\(text)")
        #expect(Self.count("✗ amd64", in: text) == 2, "\(text)")
        #expect(text.contains(": 6 alerts, 0 warnings"), "\(text)")
    }

    @Test func grouped_warningsRepeatedAcrossEntriesSaidOnceForTheImage() throws {
        let a = S.entry(Self.alpineTags, arches: S.alpine, seed: 1, directory: "22/alpine3.20", worst: ["amd64": .warn])
        let b = S.entry(
            ["20-alpine", "iron-alpine"], arches: S.alpine, seed: 2, directory: "20/alpine", worst: ["amd64": .warn])
        let findings =
            (Self.alpineTags + ["20-alpine", "iron-alpine"]).map {
                S.finding(.parentUnverified, .warn, tag: $0, arch: "amd64", "parent not checked")
            } + [S.finding(.parentUnverified, .warn, tag: "iron-alpine", arch: "arm64v8", "parent not checked")]
        let text = try Self.text([ImageReport(name: "node", tags: a + b, findings: findings)])
        #expect(text.contains("\n  ! parent-unverified amd64: parent not checked (×6 tags in 2 entries)\n"), "\(text)")
        // Said by one entry only: stays under it.
        #expect(text.contains("        ! parent-unverified: parent not checked\n"), "\(text)")
        #expect(Self.count("parent-unverified", in: text) == 2, "\(text)")
    }

    @Test func grouped_aliasMismatch_eachTagsPlatformsShownApart() throws {
        var tags = S.entry(Self.alpineTags, arches: S.alpine, seed: 1, directory: "22/alpine3.20")
        tags[3].indexDigest = S.digest(900)
        tags[3].platforms[0].digest = S.digest(901)
        let text = try Self.text([ImageReport(name: "node", tags: tags)])
        #expect(
            text.contains(
                "    index \(S.digest(100))  (what `docker pull` shows) for 22.11.0-alpine3.20, 22-alpine3.20, 22-alpine\n"
            ),
            "\(text)")
        #expect(text.contains("    index \(S.digest(900))  (what `docker pull` shows) for lts-alpine\n"), "\(text)")
        #expect(text.contains("    platforms of 22.11.0-alpine3.20, 22-alpine3.20, 22-alpine:\n"), "\(text)")
        #expect(text.contains("    platforms of lts-alpine:\n      ✓ amd64    \(S.digest(901))"), "\(text)")
        #expect(text.contains("      ✓ amd64    \(S.digest(101))"), "\(text)")
    }

    @Test func grouped_changesSinceTheLastRunNameEachEntrysTagsOnce() throws {
        let tags = S.entry(["1.0", "1", "latest"], arches: ["amd64"], seed: 3, directory: "x86_64", changed: true)
        let text = try Self.text([ImageReport(name: "demo", tags: tags)])
        #expect(
            text.contains("\n  demo:1.0, 1, latest index digest (docker pull): \(S.digest(350)) → \(S.digest(300))\n"),
            "\(text)")
        #expect(
            text.contains("\n  demo:1.0, 1, latest amd64 platform digest: \(S.digest(351)) → \(S.digest(301))\n"),
            "\(text)")
    }

    /// JSON is the stable machine format: one object per tag, every finding, as before grouping.
    @Test func json_staysOneObjectPerTag() throws {
        let image = S.nodeShaped()
        let json = try CheckReportRenderer.render(CheckReport(images: [image]), format: .json)
        struct R: Decodable {
            struct I: Decodable {
                struct T: Decodable { var tag: String, entryTags: [String], platforms: [P] }
                struct P: Decodable { var arch: String }
                var tags: [T]
                var findings: [Finding]
            }
            var images: [I]
            var findings: [Finding]
        }
        let r = try JSONDecoder().decode(R.self, from: Data(json.utf8))
        #expect(r.images[0].tags.map(\.tag) == image.tags.map(\.tag))
        #expect(r.images[0].tags.map(\.platforms.count) == image.tags.map(\.platforms.count))
        #expect(r.images[0].findings == image.findings && r.findings == image.findings)
    }

    /// The measure of issue 15: `check node` as 18 entries of up to ten tags.
    @Test func grouped_nodeShapedReportLineCount() throws {
        let report = CheckReport(images: [S.nodeShaped()])
        let text = try CheckReportRenderer.render(report, format: .text)
        let grouped = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        let ungrouped = S.ungroupedLineCount(report)
        print(
            "node-shaped report: \(report.summary.tags) tags in 18 entries, \(report.summary.warnings) warnings, "
                + "\(report.summary.alerts) alerts: \(ungrouped) lines ungrouped, \(grouped) grouped")
        #expect(report.summary.tags == 80 && report.summary.warnings == 135 && report.summary.alerts == 6)
        #expect(grouped * 4 < ungrouped, "\(grouped) lines grouped, \(ungrouped) ungrouped:\n\(text)")
        // Every alert is still there, naming its tags; each shared warning is one line.
        #expect(Self.count("✗ digest-drift", in: text) == 1 && text.contains("(×6 tags: "), "\(text)")
        #expect(Self.count("parent-unverified", in: text) == 1, "\(text)")
        #expect(
            text.contains(
                "parent-unverified amd64: the parent buildpack-deps is not checked: its library entry could not be read (×80 tags in 18 entries)"
            ), "\(text)")
    }
}

/// docs/reports.md shows the text and Markdown of one report: they are what the renderer gives.
@Suite struct ReportsDocTests {
    static func example(_ name: String, in doc: String) throws -> String {
        let start = try #require(
            doc.range(of: "<!-- example: \(name) -->\n"), "docs/reports.md lacks its \(name) example")
        let end = try #require(doc.range(of: "<!-- /example -->", range: start.upperBound..<doc.endIndex))
        return String(doc[start.upperBound..<end.lowerBound])
    }

    @Test func docs_reportsExamplesAreTheRenderersOutput() throws {
        let doc = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/reports.md"), encoding: .utf8)
        let report = ReportShapes.docsExample()
        let text = try CheckReportRenderer.render(report, format: .text)
        let indented =
            text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.isEmpty ? "" : "    \($0)" }.joined(separator: "\n") + "\n"
        #expect(try Self.example("text", in: doc) == "\n" + indented + "\n", "\(indented)")
        let markdown = try CheckReportRenderer.render(report, format: .markdown)
        #expect(try Self.example("markdown", in: doc) == "\n" + markdown + "\n\n", "\(markdown)")
    }
}
