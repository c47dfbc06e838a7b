import Lint
import OfficialImages
import Testing
import TrackbotCore

/// naughty-from.sh, case by case (facts in, problems out).
@Suite struct NaughtyFromTests {
    typealias F = LintFixtures

    func image(_ arches: String, constraints: String = "") throws -> LibraryFile {
        try F.library(
            "demo",
            """
            Tags: 1.0, 1
            SharedTags: shared
            Architectures: \(arches)
            GitCommit: \(F.commitB)
            Directory: 1.0
            \(constraints)
            """)
    }

    func lint(
        _ file: LibraryFile, froms: [String], pins: [String: String] = [:], extra: [LibraryFile] = [],
        arches: [String: ArchitecturesFact] = [:]
    ) -> LintResult {
        var facts = F.facts([file], froms: froms, extra: extra)
        facts.externalPins = pins
        facts.externalArchitectures = arches
        return Lint.check([file.name], facts: facts, rules: [.naughtyFrom])
    }

    @Test func naughtyFrom_scratchIsFineOffWindows() throws {
        let r = lint(try image("amd64, arm32v6, s390x"), froms: ["scratch"])
        #expect(r.problems.isEmpty && r.notChecked.isEmpty)
    }

    @Test func naughtyFrom_scratchOnWindowsIsNaughty() throws {
        let r = lint(
            try image("windows-amd64", constraints: "Constraints: windowsservercore-ltsc2022"), froms: ["scratch"])
        #expect(r.problems.count == 1)
        let p = try #require(r.problems.first)
        #expect(p.rule == .naughtyFrom && p.architectures == ["windows-amd64"] && p.from == "scratch")
        #expect(p.location == "library/demo:4")
        #expect(p.message.contains("Windows images cannot start from scratch"))
    }

    @Test func naughtyFrom_variableInFromFailsAsInBashbrew() throws {
        // Even when the library has the image the ARG's default names, CI looks up "$BASE:latest".
        let debian = try F.library("debian", "Tags: bookworm\nArchitectures: amd64\nGitCommit: \(F.commitB)")
        let r = lint(try image("amd64"), froms: ["$BASE:latest"], extra: [debian])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1 && p.rule == .naughtyFrom && p.from == "$BASE:latest")
        #expect(p.message.contains("without ARG substitution") && p.fix.contains("write the image name"))
    }

    @Test func naughtyFrom_externalNotPinned() throws {
        let r = lint(try image("amd64, arm64v8"), froms: ["redhat/ubi9:latest"])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1)
        #expect(p.architectures == ["amd64", "arm64v8"] && p.from == "redhat/ubi9:latest")
        #expect(p.fix.contains("pin it: add .external-pins/redhat/ubi9___latest"))
        // A digest in the Dockerfile is not a pin: the script looks only at .external-pins/.
        let digested = lint(try image("amd64"), froms: ["redhat/ubi9@sha256:" + String(repeating: "1", count: 64)])
        #expect(digested.problems.map(\.rule) == [.naughtyFrom])
        // Even a library/ name with a slash counts as external for the script.
        #expect(lint(try image("amd64"), froms: ["library/debian:bookworm"]).problems.count == 1)
    }

    @Test func naughtyFrom_externalPinnedAndPublished() throws {
        let digest = "sha256:" + String(repeating: "2", count: 64)
        let pinned = "redhat/ubi9:latest@" + digest
        let r = lint(
            try image("amd64, arm64v8"), froms: ["redhat/ubi9:latest"], pins: ["redhat/ubi9___latest": digest],
            arches: [pinned: .published(["amd64", "arm64v8", "s390x"])])
        #expect(r.problems.isEmpty && r.notChecked.isEmpty)
        #expect(NaughtyFrom.pinnedReference("redhat/ubi9:latest", pins: ["redhat/ubi9___latest": digest]) == pinned)
    }

    @Test func naughtyFrom_externalPinnedLacksArchitecture() throws {
        let digest = "sha256:" + String(repeating: "2", count: 64)
        let r = lint(
            try image("amd64, arm32v6"), froms: ["redhat/ubi9:latest"], pins: ["redhat/ubi9___latest": digest],
            arches: ["redhat/ubi9:latest@" + digest: .published(["amd64"])])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1 && p.architectures == ["arm32v6"])
        #expect(p.fix == "drop arm32v6 from Architectures or use a base that has it")
    }

    @Test func naughtyFrom_externalPinnedWithoutRegistryIsNotChecked() throws {
        let digest = "sha256:" + String(repeating: "2", count: 64)
        let r = lint(
            try image("amd64"), froms: ["redhat/ubi9:latest"], pins: ["redhat/ubi9___latest": digest],
            arches: ["redhat/ubi9:latest@" + digest: .notChecked("--offline")])
        #expect(r.problems.isEmpty)
        let n = try #require(r.notChecked.first)
        #expect(n.rule == .naughtyFrom && n.from == "redhat/ubi9:latest" && n.reason.contains("--offline"))
        // Not asked at all: still said, never passed.
        let unasked = lint(try image("amd64"), froms: ["redhat/ubi9:latest"], pins: ["redhat/ubi9___latest": digest])
        #expect(unasked.notChecked.count == 1 && !unasked.failed)
    }

    @Test func naughtyFrom_pinPathReplacesTheFirstColonOnly() {
        #expect(
            NaughtyFrom.pinPath("mcr.microsoft.com/windows/servercore:ltsc2022")
                == "mcr.microsoft.com/windows/servercore___ltsc2022")
        #expect(NaughtyFrom.pinPath("a/b:c:d") == "a/b___c:d")
        // A pin file that is not a digest does not pin.
        let r = lint(try! image("amd64"), froms: ["a/b:1"], pins: ["a/b___1": "latest"])
        #expect(r.problems.first?.message.contains("not a sha256: digest") == true)
        // An empty pin file pins nothing (the script's `-s`).
        let empty = lint(try! image("amd64"), froms: ["a/b:1"], pins: ["a/b___1": ""])
        #expect(empty.problems.first?.fix.hasPrefix("pin it: add .external-pins/a/b___1") == true)
    }

    @Test func naughtyFrom_officialLacksArchitecture() throws {
        let r = lint(try image("amd64, arm64v8, s390x, ppc64le"), froms: ["debian:bookworm"], extra: [try F.debian()])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1)
        #expect(p.architectures == ["ppc64le", "s390x"])
        #expect(p.message.contains("library/debian:4 does not build ppc64le, s390x"))
        #expect(p.fix == "drop ppc64le, s390x from Architectures or use a base that has them")
    }

    @Test func naughtyFrom_officialTagOrFileMissing() throws {
        let debian = try F.debian()
        let tag = lint(try image("amd64"), froms: ["debian:trixie"], extra: [debian])
        #expect(tag.problems.first?.message.contains("library/debian has no tag trixie") == true)
        let file = lint(try image("amd64"), froms: ["nosuchimage:1"], extra: [debian])
        #expect(file.problems.first?.message.contains("no official image library/nosuchimage") == true)
        // The problem says every architecture of the entry fails.
        #expect(file.problems.first?.message.contains("no architecture of this entry has a supported base") == true)
    }

    @Test func naughtyFrom_officialSharedTagTakesItsFirstEntry() throws {
        let base = try F.library(
            "base",
            """
            Tags: 1-linux
            SharedTags: 1
            Architectures: amd64
            GitCommit: \(F.commitA)

            Tags: 1-windows
            SharedTags: 1
            Architectures: windows-amd64, arm64v8
            GitCommit: \(F.commitA)
            Constraints: windowsservercore-ltsc2022

            """)
        // bashbrew's TagEntry for a shared tag is the first entry holding it: no arm64v8 there.
        let r = lint(try image("amd64, arm64v8"), froms: ["base:1"], extra: [base])
        #expect(r.problems.map(\.architectures) == [["arm64v8"]])
    }

    @Test func naughtyFrom_riscv64RefusesUbuntuAfter2504() throws {
        let ubuntu = try F.library(
            "ubuntu",
            """
            Tags: 24.04, noble, latest
            Architectures: amd64, riscv64
            GitCommit: \(F.commitA)

            Tags: 25.10, questing, rolling
            Architectures: amd64, riscv64
            GitCommit: \(F.commitB)

            """)
        // (Paragraphs with the same build inputs merge into one entry, as bashbrew merges them:
        // the second entry has its own commit.)
        #expect(lint(try image("amd64, riscv64"), froms: ["ubuntu:latest"], extra: [ubuntu]).problems.isEmpty)
        let r = lint(try image("amd64, riscv64"), froms: ["ubuntu:rolling"], extra: [ubuntu])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1 && p.architectures == ["riscv64"])
        #expect(p.message.contains("(ubuntu:25.10)") && p.message.contains("RVA23"))
    }

    @Test func naughtyFrom_unreadableDockerfileFailsLikeBashbrewFrom() throws {
        let file = try image("amd64")
        var facts = F.facts([file], froms: [])
        facts.froms[file.entries[0].source(for: .amd64)] = .unreadable("1.0/Dockerfile is not in \(F.commitB)")
        let r = Lint.check(["demo"], facts: facts, rules: [.naughtyFrom])
        #expect(r.problems.first?.message.contains("cannot be read") == true)
        facts.froms[file.entries[0].source(for: .amd64)] = .notChecked("the upstream could not be fetched")
        let skipped = Lint.check(["demo"], facts: facts, rules: [.naughtyFrom])
        #expect(skipped.problems.isEmpty && skipped.notChecked.count == 1)
    }
}
