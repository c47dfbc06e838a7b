import Lint
import OfficialImages
import Testing
import TrackbotCore

/// naughty-constraints.sh, case by case.
@Suite struct NaughtyConstraintsTests {
    typealias F = LintFixtures

    func entry(_ arches: String, _ constraints: String?) throws -> LibraryFile {
        try F.library(
            "demo",
            """
            Tags: 1.0
            Architectures: \(arches)
            GitCommit: \(F.commitB)
            \(constraints.map { "Constraints: \($0)" } ?? "")

            """)
    }

    func lint(_ file: LibraryFile, froms: [String], extra: [LibraryFile] = []) -> LintResult {
        Lint.check([file.name], facts: F.facts([file], froms: froms, extra: extra), rules: [.naughtyConstraints])
    }

    @Test func naughtyConstraints_windowsEntryWithoutItsConstraint() throws {
        let r = lint(try entry("windows-amd64", nil), froms: ["mcr.microsoft.com/windows/servercore:ltsc2022"])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1 && p.rule == .naughtyConstraints)
        #expect(p.message.hasPrefix("missing constraint windowsservercore-ltsc2022"))
        #expect(p.fix == "add windowsservercore-ltsc2022 to the entry's Constraints")
        #expect(
            lint(
                try entry("windows-amd64", "windowsservercore-ltsc2022"),
                froms: [
                    "mcr.microsoft.com/windows/servercore:ltsc2022"
                ]
            ).problems.isEmpty)
    }

    @Test func naughtyConstraints_microsoftMapping() {
        #expect(
            NaughtyConstraints.windowsConstraint("mcr.microsoft.com/windows/nanoserver:ltsc2025")
                == "nanoserver-ltsc2025")
        #expect(NaughtyConstraints.windowsConstraint("microsoft/windowsservercore:latest") == "windowsservercore")
        #expect(NaughtyConstraints.windowsConstraint("mcr.microsoft.com/windows/server:ltsc2022") == nil)
    }

    @Test func naughtyConstraints_fromImageEntryGivesTheConstraints() throws {
        let golang = try F.library(
            "golang",
            """
            Tags: 1.22-windowsservercore-ltsc2022
            Architectures: windows-amd64
            GitCommit: \(F.commitA)
            Constraints: windowsservercore-ltsc2022

            """)
        // A build FROM golang's Windows image and a servercore stage: both want the same constraint.
        let froms = ["golang:1.22-windowsservercore-ltsc2022", "mcr.microsoft.com/windows/servercore:ltsc2022"]
        #expect(
            lint(try entry("windows-amd64", "windowsservercore-ltsc2022"), froms: froms, extra: [golang]).problems
                .isEmpty)
        let wrong = lint(try entry("windows-amd64", "windowsservercore-ltsc2025"), froms: froms, extra: [golang])
        #expect(
            wrong.problems.map(\.message).map { $0.prefix(31) }
                == [
                    "missing constraint windowsserve", "extra constraint windowsservercore-ltsc2025",
                ].map { $0.prefix(31) })
    }

    @Test func naughtyConstraints_linuxEntryWithAConstraintIsExtra() throws {
        let r = lint(try entry("amd64, arm64v8", "nanoserver"), froms: ["debian:bookworm"], extra: [try F.debian()])
        let p = try #require(r.problems.first)
        #expect(r.problems.count == 1 && p.message.hasPrefix("extra constraint nanoserver"))
        #expect(p.fix == "remove nanoserver from the entry's Constraints")
    }

    @Test func naughtyConstraints_unknownWindowsImageStopsTheScript() throws {
        let r = lint(try entry("windows-amd64", nil), froms: ["mcr.microsoft.com/windows/server:ltsc2022"])
        #expect(r.problems.first?.message.contains("unknown Windows image") == true)
    }
}
