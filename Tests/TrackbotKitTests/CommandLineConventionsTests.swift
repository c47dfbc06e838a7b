import Foundation
import TestSupport
import Testing
import TrackbotKit

/// The command-line conventions of issue 15, through the built binary: `--version`, completion
/// scripts, the man page, `--arch` aliases and `--platform`, rewrites that match nothing, and
/// "did you mean" for image and tag names.
@Suite struct CommandLineConventionsTests {
    static let subcommands = [
        "check", "watch", "library", "verify", "digests", "history", "state", "prs", "lint", "upstream", "ack",
        "alerts", "issues",
    ]

    /// The binary's exit status and what it wrote to stdout and stderr together.
    func trackbot(_ arguments: [String], cwd: URL? = nil) throws -> (status: Int32, output: String) {
        do {
            let output = try run(
                "/bin/sh", ["-c", "\"$0\" \"$@\" 2>&1", try TestPaths.trackbotBinary()] + arguments, cwd: cwd)
            return (0, output)
        } catch TestSupportError.commandFailed(_, let status, let output) {
            return (status, output)
        }
    }

    /// A folder of library files (alpine, busybox) as `--library` takes it; no network.
    func libraryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)/library")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["alpine", "busybox"] {
            try FileManager.default.copyItem(
                at: TestPaths.fixture("library/\(name)@87b6256"), to: dir.appendingPathComponent(name))
        }
        return dir.deletingLastPathComponent()
    }

    @Test func version_namesTheVersionFileAndHeadCommit() throws {
        let head = try run("git", ["-C", TestPaths.packageRoot.path, "rev-parse", "HEAD"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let version = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, output) = try trackbot(["--version"])
        #expect(status == 0)
        #expect(output == "trackbot \(version) (commit \(head))\n", "built from another commit? \(output)")
    }

    /// Outside a git checkout (a tarball) the commit is "unknown", not some enclosing repository's.
    @Test func version_outsideACheckoutIsUnknownCommit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "1.2.3\n".write(to: dir.appendingPathComponent("VERSION"), atomically: true, encoding: .utf8)
        _ = try run(TestPaths.packageRoot.appendingPathComponent("scripts/build-info").path, [dir.path, out.path])
        let generated = try String(contentsOf: out.appendingPathComponent("BuildInfo.swift"), encoding: .utf8)
        #expect(generated.contains("static let version = \"1.2.3\""), "\(generated)")
        #expect(generated.contains("static let commit = \"unknown\""), "\(generated)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completion_scriptNamesEverySubcommand(shell: String) throws {
        let (status, script) = try trackbot(["--generate-completion-script", shell])
        #expect(status == 0)
        for name in Self.subcommands { #expect(script.contains(name), "\(shell) completion lacks \(name)") }
        // fish lists options without their dashes (`'platform='`).
        #expect(script.contains("platform"), "\(shell) completion lacks --platform")
    }

    /// docs/man/trackbot.1 (scripts/man) documents every subcommand and this options.
    @Test func man_committedPageNamesEverySubcommand() throws {
        let page = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/man/trackbot.1"), encoding: .utf8)
        for name in Self.subcommands { #expect(page.contains(name), "the man page lacks \(name): run scripts/man") }
        for option in ["platform", "arch", "rewrite", "version", "which", "max-tags", "registry-tags"] {
            #expect(page.contains("Fl -\(option)"), "the man page lacks --\(option): run scripts/man")
        }
    }

    @Test func arch_aliasIsTakenWithANoteNamingBashbrewsName() throws {
        let library = try libraryFolder()
        let (status, output) = try trackbot(["library", "alpine:3.20", "--library", library.path, "--arch", "aarch64"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("note: --arch aarch64 is the bashbrew architecture arm64v8"), "\(output)")
        #expect(output.contains("arm64v8"))
        #expect(!output.contains("amd64"), "only arm64v8 was asked for: \(output)")
    }

    @Test func platform_isAcceptedWhereverArchIs() throws {
        let library = try libraryFolder()
        let (status, output) = try trackbot([
            "library", "alpine:3.20", "--library", library.path, "--platform", "linux/arm/v7",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("note: --platform linux/arm/v7 is the bashbrew architecture arm32v7"), "\(output)")
        let (bad, refused) = try trackbot([
            "library", "alpine", "--library", library.path, "--platform", "linux/arm64/v9",
        ])
        #expect(bad == 2)
        #expect(refused.contains("--platform: \"linux/arm64/v9\" is not a platform bashbrew builds for"), "\(refused)")
        let (_, ackHelp) = try trackbot(["ack", "--help"])
        #expect(ackHelp.contains("--platform"))
        let (armhf, ambiguous) = try trackbot(["library", "alpine", "--library", library.path, "--arch", "armhf"])
        #expect(armhf == 2)
        #expect(ambiguous.contains("armhf is arm32v7 on Debian but arm32v6 on Alpine and Raspbian"), "\(ambiguous)")
    }

    /// official-images as a git repository (alpine only) that `https://example.invalid/` is
    /// rewritten to: the arguments for a run that reads it.
    func gitLibrary() throws -> [String] {
        let folder = try libraryFolder()
        let repo = folder.appendingPathComponent("official-images")
        try FileManager.default.copyItem(
            at: folder.appendingPathComponent("library"), to: repo.appendingPathComponent("library"))
        for arguments in [
            ["init", "-q", "-b", "master"], ["add", "."],
            ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "library"],
        ] {
            _ = try run("git", ["-C", repo.path] + arguments)
        }
        return [
            "--library", "https://example.invalid/official-images",
            "--cache-dir", folder.appendingPathComponent("cache").path,
            "--rewrite", "https://example.invalid/=file://\(folder.path)/",
        ]
    }

    /// One run, two rules: the one official-images is read through is used; the typo is named.
    @Test func rewrite_thatMatchedNothingIsAWarningNamingTheRule() throws {
        let folder = try libraryFolder()
        let (status, output) = try trackbot(
            ["library", "alpine:3.20"] + (try gitLibrary()) + ["--rewrite", "https://githb.com/=http://127.0.0.1:1/"])
        #expect(status == 0, "\(output)")
        #expect(
            output.contains("warning: rewrite https://githb.com/=http://127.0.0.1:1/ matched no URL in this run"),
            "\(output)")
        #expect(!output.contains("rewrite https://example.invalid/"), "the rule used is not warned about: \(output)")
        let (spaced, refused) = try trackbot([
            "library", "alpine", "--library", folder.path, "--rewrite", "https://github.com/ = http://127.0.0.1:1/",
        ])
        #expect(spaced == 2)
        #expect(refused.contains("white space around FROM or TO"), "\(refused)")
    }

    @Test func didYouMean_imageAndTagNames() throws {
        let library = try libraryFolder()
        let (status, output) = try trackbot(["library", "alpne", "--library", library.path])
        #expect(status == 2)
        #expect(output.contains("did you mean alpine?"), "\(output)")
        let (tagStatus, tagOutput) = try trackbot(["library", "alpine:3.2O", "--library", library.path])
        #expect(tagStatus == 2)
        #expect(tagOutput.contains("has no tag \"3.2O\" at \(library.path) (did you mean 3.20?)"), "\(tagOutput)")
    }

    /// `check` reads official-images from git: the image and tag it lacks are named with the nearest.
    @Test func didYouMean_checkOfAnImageOrTagOfficialImagesLacks() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).json").path
        let run = ["--no-registry", "--dry-run", "--state", state] + (try gitLibrary())
        let (status, output) = try trackbot(["check", "alpne"] + run)
        #expect(status == 2)
        #expect(output.contains("has no library/alpne (no such official image); did you mean alpine?"), "\(output)")
        let (tagStatus, tagOutput) = try trackbot(["check", "alpine:lates"] + run)
        #expect(tagStatus == 2)
        #expect(tagOutput.contains("library/alpine has no tag \"lates\" (did you mean latest?)"), "\(tagOutput)")
    }

    /// `digests --which` options only with `--which`; `--offline` refused with the reason, before
    /// any request; a digest prefix shorter than 12 hex digits is bad input. All exit status 2.
    @Test func digests_whichOnlyOptions_offlineAndShortPrefixAreUsageErrors() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).toml")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        let config = ["--config", empty.path]
        let cases: [([String], String)] = [
            (["digests", "node:22", "--max-tags", "3"], "--max-tags applies to --which only"),
            (["digests", "node:22", "node:20"], "digests takes one REF (several only with --which)"),
            (
                ["digests", "node", "--which", "sha256:0123456789ab", "--offline"],
                "digests --which reads the registry: drop --offline"
            ),
            (["digests", "node:22", "--offline"], "digests reads the registry: drop --offline"),
            (["digests", "node", "--which", "0123abc"], "at least its first 12 hex digits"),
        ]
        for (arguments, message) in cases {
            let (status, output) = try trackbot(arguments + config)
            #expect(status == 2, "\(arguments): \(output)")
            #expect(output.contains(message), "\(arguments): \(output)")
        }
    }
}
