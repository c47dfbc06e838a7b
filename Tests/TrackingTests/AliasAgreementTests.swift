import OfficialImages
import Testing
import TrackbotCore
import Tracking

/// Issue 14's "aliases agree": the tags of one entry are one build.
@Suite struct AliasAgreementTests {
    static let text = """
        Maintainers: Test <test@example.invalid> (@test)
        GitRepo: https://github.com/example/demo.git

        Tags: 22.11.0, 22.11, 22
        SharedTags: lts
        Architectures: amd64, arm64v8
        GitCommit: 1111111111111111111111111111111111111111

        Tags: 22.11.0-windows
        SharedTags: lts-any, 22-any
        Architectures: windows-amd64
        GitCommit: 1111111111111111111111111111111111111111

        Tags: 23.1.0-slim
        SharedTags: lts-any, 22-any
        Architectures: amd64
        GitCommit: 2222222222222222222222222222222222222222
        """

    func file() throws -> LibraryFile { try LibraryFileReader.read(Self.text, name: "demo") }
    func d(_ c: Character) -> Digest { try! Digest(algorithm: .sha256, hex: String(repeating: c, count: 64)) }

    @Test func aliasesPublishingOneDigestAgree() throws {
        let published = ["22.11.0": ["amd64": d("a"), "arm64v8": d("b")], "22": ["amd64": d("a"), "arm64v8": d("b")]]
        #expect(AliasAgreement.findings(image: "demo", file: try file(), published: published).isEmpty)
    }

    @Test func aPartialRePushIsAnAliasMismatchOnTheOddTag() throws {
        let published = [
            "22.11.0": ["amd64": d("a"), "arm64v8": d("b")],
            "22.11": ["amd64": d("a"), "arm64v8": d("b")],
            "22": ["amd64": d("c"), "arm64v8": d("b")],
            "lts": ["amd64": d("a")],
        ]
        let findings = AliasAgreement.findings(image: "demo", file: try file(), published: published)
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(f.kind == .aliasMismatch && f.severity == .warn)
        #expect(f.tag == "22" && f.arch == "amd64")
        #expect(f.expected == d("a").description && f.actual == d("c").description)
        #expect(f.message.contains("library/demo:4") && f.message.contains("demo:22 → \(d("c"))"))
    }

    @Test func tagsNotReadThisRunAreNotCompared() throws {
        // A partial run that read one alias has nothing to compare it with.
        let published = ["22": ["amd64": d("c")]]
        #expect(AliasAgreement.findings(image: "demo", file: try file(), published: published).isEmpty)
    }

    @Test func aSharedTagSpanningEntriesIsNotAnAlias() throws {
        // "lts-any" combines two entries; its amd64 is the 23.1.0-slim one, not a disagreement.
        let published = ["23.1.0-slim": ["amd64": d("e")], "lts-any": ["amd64": d("f"), "windows-amd64": d("9")]]
        #expect(AliasAgreement.findings(image: "demo", file: try file(), published: published).isEmpty)
    }
}
