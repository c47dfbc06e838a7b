import Foundation
import OfficialImages
import Reporting
import Testing
import TrackbotCore
import Tracking

/// A tag's notes are data (`TagNote`); Reporting words them. The words are the JSON report's
/// `notes` strings, which users' scripts read: these pin them.
@Suite struct NoteWordingTests {
    static func digest(_ c: Character) throws -> Digest {
        try Digest(algorithm: .sha256, hex: String(repeating: c, count: 64))
    }

    @Test func eachNoteIsWorded() throws {
        let cases: [(TagNote, String)] = [
            (.registryNotAsked, "offline: the registry was not asked"),
            (.indexUnchanged, "index digest unchanged since the last run (one HEAD request)"),
            (
                .noAttestations,
                "the index carries no attestation manifests: no build provenance to compare with the library"
            ),
            (
                .noProvenanceAnnotations(arch: "amd64"),
                "amd64: no revision/source annotations to compare with the library (not an alert: older builds lack them)"
            ),
            (
                .baseDigestDiffers(
                    arch: "arm64v8", annotated: "sha256:old", parent: "alpine:3.20", lookedUp: try Self.digest("d")),
                "arm64v8: the base.digest annotation says sha256:old, the parent alpine:3.20 publishes sha256:\(String(repeating: "d", count: 64)) now (a rebuild is due, or the annotation is wrong)"
            ),
            (
                .baseDigestDiffers(arch: "amd64", annotated: "x", parent: nil, lookedUp: try Self.digest("d")),
                "amd64: the base.digest annotation says x, the parent image publishes sha256:\(String(repeating: "d", count: 64)) now (a rebuild is due, or the annotation is wrong)"
            ),
            (
                .deepNothingPublished(arch: "s390x", tarball: "s390x/rootfs.tar.gz"),
                "s390x: --deep: nothing published to compare s390x/rootfs.tar.gz with"
            ),
            (
                .deepNotSingleLayer(arch: "amd64", layers: 3),
                "amd64: --deep: the published manifest has 3 layers; only a single-layer FROM scratch image is compared with its rootfs tarball"
            ),
            (
                .deepSameContent(
                    arch: "arm64v8", layer: try Self.digest("e"), entries: 81, tarball: "aarch64/rootfs.tar.gz"),
                "arm64v8: --deep: layer eeeeeeeeeeee holds the same 81 entries as aarch64/rootfs.tar.gz"
            ),
        ]
        for (note, words) in cases { #expect(NoteWording.line(note) == words) }
    }

    static func report(_ notes: [TagNote]) -> CheckReport {
        let tag = TagReport(
            tag: "1", entryTags: ["1"], indexDigest: nil, previousIndexDigest: nil, platforms: [], notes: notes)
        return CheckReport(images: [ImageReport(name: "img", tags: [tag])])
    }

    @Test func reportsGiveTheWords() throws {
        let notes: [TagNote] = [.indexUnchanged, .noProvenanceAnnotations(arch: "amd64")]
        let words = notes.map(NoteWording.line)
        let json = try CheckReportRenderer.render(Self.report(notes), format: .json)
        struct R: Decodable {
            struct I: Decodable { var tags: [T] }
            struct T: Decodable { var notes: [String] }
            var images: [I]
        }
        #expect(try JSONDecoder().decode(R.self, from: Data(json.utf8)).images.first?.tags.first?.notes == words)
        let text = try CheckReportRenderer.render(Self.report(notes), format: .text)
        for w in words { #expect(text.contains("    note: \(w)\n"), "\(text)") }
    }

    @Test func aPlainEncoderCannotEncodeANote() {
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(Self.report([.registryNotAsked])) }
    }
}

/// `trackbot history`'s notes are data too (`HistoryNote`); JSON gives their words.
@Suite struct HistoryNoteWordingTests {
    @Test func theWordsAreTheJSON() throws {
        let note = HistoryNote.ociImportHasNoDockerfile
        let words =
            "Builder: oci-import has no Dockerfile to compare with; `trackbot check` compares the manifest digest instead"
        #expect(note.words == words)
        let platform = HistoryPlatform(
            arch: "amd64", platform: "linux/amd64", digest: nil, dockerfile: "r#c:d/Dockerfile",
            rows: [], notes: [note])
        let report = HistoryReport(image: "img", tag: "1", libraryCommit: nil, platforms: [platform])
        let json = try HistoryReportRenderer.render(report, format: .json)
        struct R: Decodable {
            struct P: Decodable { var notes: [String] }
            var platforms: [P]
        }
        #expect(try JSONDecoder().decode(R.self, from: Data(json.utf8)).platforms.first?.notes == [words])
        #expect(try JSONDecoder().decode(HistoryReport.self, from: Data(json.utf8)).platforms.first?.notes == [note])
        #expect(try HistoryReportRenderer.render(report, format: .text).contains("  note: \(words)\n"))
    }
}
