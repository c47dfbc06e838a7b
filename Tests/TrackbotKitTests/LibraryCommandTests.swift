import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `trackbot library` against official-images (the corpus subset) served by a real git daemon,
/// reached through a rewrite of `https://github.com/`, as a user with a mirror would.
@Suite("library command against a git daemon")
struct LibraryCommandTests {
    static let commit87 = "87b625632e9fb982915b295d83e299e1b87bde98"
    static let commit6317 = "6317ead8764268405ecb82e40da14948cb071d99"
    /// The two versions of library/node that bashbrew rejects (the tag "alpine" in two entries).
    static let badNode = ["cf5cd9ca641c3640a9fd38f58347ebe9bbcd2602", "0f322eb940f776a683e1f02d37fe5922d13488e7"]

    /// A git daemon serving official-images, and a config pointing the default source at it.
    final class World: @unchecked Sendable {
        let dir: TemporaryDirectory
        let daemon: GitDaemon
        let served: URL
        let configPath: String

        init(ref: String? = nil) throws {
            dir = try TemporaryDirectory("library-command")
            let git = dir.appending("git")
            try FileManager.default.createDirectory(
                at: git.appendingPathComponent("docker-library"), withIntermediateDirectories: true)
            served = try GitRepositories.fromBundle(
                "official-images-subset.bundle", into: git,
                name: "docker-library/official-images.git")
            daemon = try GitDaemon(base: git, logDirectory: dir.url)
            configPath = dir.appending("trackbot.toml").path
            // No [library] source: the default (github.com) is what the rewrite points at the daemon.
            let config = """
                cache-dir = "\(dir.appending("cache").path)"
                \(ref.map { "[library]\nref = \"\($0)\"\n" } ?? "")
                [rewrite]
                "https://github.com/" = "git://127.0.0.1:\(daemon.server.port)/"
                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        }

        func options(_ format: OutputFormat = .json, libraryRef: String? = nil) -> GlobalOptions {
            var o = GlobalOptions()
            o.configPath = configPath
            o.format = format
            o.libraryRef = libraryRef
            return o
        }

        func run(
            _ reference: String, format: OutputFormat = .json, libraryRef: String? = nil,
            library: String? = nil, diffRef: String? = nil, diff: String? = nil
        ) async throws -> String {
            try await LibraryCommand.run(
                .init(reference: reference, library: library, diffAgainst: diff, diffRef: diffRef),
                options: options(format, libraryRef: libraryRef)
            ).output
        }

        func json(_ reference: String, libraryRef: String? = nil) async throws -> FileJSON {
            try JSONDecoder().decode(FileJSON.self, from: Data(try await run(reference, libraryRef: libraryRef).utf8))
        }

        /// `git rev-parse` in the served repository.
        func revParse(_ revision: String) throws -> String {
            try git(["--git-dir", served.path, "rev-parse", revision]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    struct Source: Decodable {
        var url: String?
        var ref: String?
        var commit: String?
        var path: String?
    }
    struct Arch: Decodable {
        var gitRepo: String
        var gitFetch: String
        var gitCommit: String
        var directory: String
        var file: String
        var builder: String
    }
    struct EntryJSON: Decodable {
        var tags: [String]
        var sharedTags: [String]
        var architectures: [String]
        var gitFetch: String
        var gitCommit: String
        var arches: [String: Arch]
    }
    struct FileJSON: Decodable {
        var name: String
        var entries: [EntryJSON]
        var warnings: [String]
        var source: Source
    }
    struct Move: Decodable {
        struct Change: Decodable {
            var arch: String?
            var field: String
            var old: String?
            var new: String?
        }
        var tag: String
        var changes: [Change]
    }
    struct DiffJSON: Decodable {
        var image: String
        var tagsAdded: [String]
        var tagsRemoved: [String]
        var tagsMoved: [Move]
        var from: Source
        var to: Source
    }

    static let alpineDirectories = [
        "amd64": "x86_64", "arm32v6": "armhf", "arm32v7": "armv7", "arm64v8": "aarch64",
        "i386": "x86", "ppc64le": "ppc64le", "riscv64": "riscv64", "s390x": "s390x",
    ]

    @Test func alpineAtAFullCommitThroughARewrite() async throws {
        let world = try await offPool { try World() }
        let file = try await world.json("alpine:3.20", libraryRef: Self.commit87)
        #expect(file.source.commit == Self.commit87)
        #expect(file.source.ref == Self.commit87)
        // The URL as configured, not the rewritten one.
        #expect(file.source.url == "https://github.com/docker-library/official-images.git")
        let entry = try #require(file.entries.count == 1 ? file.entries.first : nil)
        #expect(entry.tags == ["3.20.3", "3.20", "3", "latest"])
        #expect(entry.gitFetch == "refs/heads/v3.20")
        #expect(entry.gitCommit == "7d63673353bd39d92ba42f6effcc199aeebd45ee")
        #expect(
            entry.architectures == ["amd64", "arm32v6", "arm32v7", "arm64v8", "i386", "ppc64le", "riscv64", "s390x"])
        #expect(entry.arches.mapValues(\.directory) == Self.alpineDirectories)
        for (_, arch) in entry.arches {
            #expect(arch.gitCommit == "7d63673353bd39d92ba42f6effcc199aeebd45ee")
            #expect(arch.gitRepo == "https://github.com/alpinelinux/docker-alpine.git")
            #expect(arch.file == "Dockerfile" && arch.builder == "")
        }

        // Text output names the commit in a comment line, then the bashbrew-style entry.
        let text = try await world.run("alpine:3.20", format: .text, libraryRef: Self.commit87)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "# library/alpine at official-images \(Self.commit87) (\(Self.commit87), https://github.com/docker-library/official-images.git)"
        )
        #expect(lines.contains("Tags: 3.20.3, 3.20, 3, latest"))
        #expect(lines.contains("arm64v8-Directory: aarch64"))

        // --arch keeps those architectures and their per-arch values only.
        var options = world.options(.text, libraryRef: Self.commit87)
        options.architectures = [.amd64, .arm64v8]
        let some = try await LibraryCommand.run(.init(reference: "alpine:3.20"), options: options).output
        let someLines = some.split(separator: "\n").map(String.init)
        #expect(someLines.contains("Architectures: amd64, arm64v8"))
        #expect(
            someLines.filter { $0.contains("-Directory: ") } == [
                "amd64-Directory: x86_64", "arm64v8-Directory: aarch64",
            ])
    }

    @Test func defaultRefIsMaster() async throws {
        let world = try await offPool { try World() }
        let master = try world.revParse("refs/heads/master")
        let file = try await world.json("alpine")
        #expect(file.source.ref == "refs/heads/master")
        #expect(file.source.commit == master)
        // What master's file says, read by git itself.
        let tagLines = try git(["--git-dir", world.served.path, "show", "\(master):library/alpine"])
            .split(separator: "\n").filter { $0.hasPrefix("Tags: ") }
            .map { $0.dropFirst(6).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(!tagLines.isEmpty)
        #expect(file.entries.map(\.tags) == tagLines)
    }

    @Test func configuredRefIsUsedAndOptionOverridesIt() async throws {
        let world = try await offPool { try World(ref: Self.commit87) }
        #expect(try await world.json("alpine:3.20").entries.first?.tags == ["3.20.3", "3.20", "3", "latest"])
        // An abbreviated commit on the command line wins over the configured ref.
        let file = try await world.json("alpine:3.20", libraryRef: "6317ead")
        #expect(file.source.commit == Self.commit6317)
        #expect(file.entries.map(\.tags) == [["3.20.4", "3.20"]])
        #expect(file.entries.first?.gitCommit == "570fbc0dbd327c078102c96f6556fa49ed496e98")
        #expect(file.entries.first?.arches["arm32v6"]?.directory == "armhf")
    }

    @Test func diffBetweenTwoAbbreviatedCommits() async throws {
        let world = try await offPool { try World() }
        let json = try await world.run("alpine", libraryRef: "6317ead", diffRef: "87b6256")
        let diff = try JSONDecoder().decode(DiffJSON.self, from: Data(json.utf8))
        #expect(diff.image == "alpine")
        #expect(diff.from.commit == Self.commit87 && diff.from.ref == "87b6256")
        #expect(diff.to.commit == Self.commit6317 && diff.to.ref == "6317ead")
        #expect(diff.tagsAdded == ["20240923", "3.21.0", "3.21", "3.20.4", "3.19.5", "3.18.10"])
        #expect(diff.tagsRemoved == ["20240807", "3.20.3", "3.19.4", "3.18.9", "3.17.10", "3.17"])
        // 3.20 stays, built from the 3.20.4 commit now.
        let move = try #require(diff.tagsMoved.first { $0.tag == "3.20" })
        let commits = move.changes.filter { $0.field == "GitCommit" }
        #expect(commits.count == 8)
        #expect(
            commits.allSatisfy {
                $0.old == "7d63673353bd39d92ba42f6effcc199aeebd45ee"
                    && $0.new == "570fbc0dbd327c078102c96f6556fa49ed496e98"
            })

        let text = try await world.run("alpine", format: .text, libraryRef: "6317ead", diffRef: "87b6256")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.first == "library/alpine: 87b6256 → 6317ead (https://github.com/docker-library/official-images.git)")
        #expect(lines.contains("  + tag 3.21.0"))
        #expect(lines.contains("  - tag 3.17"))
        #expect(lines.contains("  ~ tag 3.20 moved from entry 3.20.3 to 3.20.4 (7d63673 → 570fbc0)"))

        // With a tag, only the entries holding it.
        let one = try JSONDecoder().decode(
            DiffJSON.self,
            from: Data(try await world.run("alpine:3.20", libraryRef: "6317ead", diffRef: "87b6256").utf8))
        #expect(one.tagsAdded == ["3.20.4"])
        #expect(one.tagsRemoved == ["3.20.3", "3", "latest"])
    }

    @Test func unknownTagListsTheTags() async throws {
        let world = try await offPool { try World() }
        let error = await #expect(throws: UsageError.self) {
            try await world.run("alpine:9.99", libraryRef: Self.commit87)
        }
        let message = error?.description ?? ""
        #expect(message.contains("library/alpine has no tag \"9.99\" at 87b6256"))
        #expect(
            message.contains(
                "its tags are: 20240807, edge, 3.20.3, 3.20, 3, latest, 3.19.4, 3.19, 3.18.9, 3.18, 3.17.10, 3.17"))
    }

    @Test func unknownImageNamesWhatThereIs() async throws {
        let world = try await offPool { try World() }
        let error = await #expect(throws: UsageError.self) {
            try await world.run("nosuchimage", libraryRef: Self.commit87)
        }
        let message = error?.description ?? ""
        #expect(message.contains("official-images at 87b6256 has no library/nosuchimage"))
        #expect(message.contains("(alpine, busybox, debian, node, ubuntu)"))
    }

    @Test func aFileBashbrewRejectsGivesFileAndLine() async throws {
        let world = try await offPool { try World() }
        for commit in Self.badNode {
            var message = ""
            do {
                _ = try await world.run("node", libraryRef: commit)
                Issue.record("library/node at \(commit) was accepted")
            } catch {
                message = "\(error)"
            }
            #expect(message.contains("library/node@\(commit.prefix(7)):76: "), "\(message)")
            #expect(message.contains("includes duplicate tag: \"alpine\""), "\(message)")
        }
        // The commit before the first bad one reads fine.
        let before = try world.revParse("\(Self.badNode[1])^")
        #expect(try await world.json("node", libraryRef: before).entries.count > 1)
    }

    /// library/debian at 29fb3e5 (2014, line-based) lists "8.0" and "8" on a jessie line and
    /// again on a sid line. The later line wins, as the tools of the time did, and `library` says
    /// so in each format, naming file and line, and shows the tag where it went.
    @Test func legacyRepeatedTag_laterLineWinsAndLibraryOutputWarns() async throws {
        let world = try await offPool { try World() }
        let commit = "29fb3e5efa6e6c81b8e4d2ecf4a8a19f0f552d60"
        let warnings = [
            #"library/debian@29fb3e5:12: tag "8.0" repeated; the later line wins, as the tools of the time did"#,
            #"library/debian@29fb3e5:13: tag "8" repeated; the later line wins, as the tools of the time did"#,
        ]
        let file = try await world.json("debian:8.0", libraryRef: commit)
        #expect(file.warnings == warnings)
        #expect(file.entries.map(\.tags) == [["8.0", "8", "sid"]])
        #expect(file.entries.first?.arches["amd64"]?.directory == "sid")

        let text = try await world.run("debian", format: .text, libraryRef: commit)
        for w in warnings { #expect(text.contains("\n# warning: \(w)\n"), "\(text)") }
        let markdown = try await world.run("debian", format: .markdown, libraryRef: commit)
        for w in warnings { #expect(markdown.contains("\n- \(w)\n"), "\(markdown)") }

        // A file with nothing to warn about says so with an empty list.
        #expect(try await world.json("alpine", libraryRef: Self.commit87).warnings.isEmpty)
    }

    @Test func unknownRefIsAClearError() async throws {
        let world = try await offPool { try World() }
        var message = ""
        do { _ = try await world.run("alpine", libraryRef: "no-such-branch") } catch { message = "\(error)" }
        #expect(message.contains("no-such-branch"), "\(message)")
    }

    @Test func folderSourceAndDiffAgainstAFile() async throws {
        let world = try await offPool { try World() }
        let folder = world.dir.appending("checkout/library")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let old = try git(["--git-dir", world.served.path, "show", "\(Self.commit87):library/alpine"])
        try Data(old.utf8).write(to: folder.appendingPathComponent("alpine"))
        let root = world.dir.appending("checkout").path

        let file = try JSONDecoder().decode(
            FileJSON.self, from: Data(try await world.run("alpine:3.20", library: root).utf8))
        #expect(file.source.path == root && file.source.commit == nil)
        #expect(file.entries.first?.gitCommit == "7d63673353bd39d92ba42f6effcc199aeebd45ee")

        // --diff-ref needs history.
        await #expect(throws: UsageError.self) { try await world.run("alpine", library: root, diffRef: "87b6256") }

        // --diff OLD_FILE against the git source at 6317ead.
        let oldFile = folder.appendingPathComponent("alpine").path
        let diff = try JSONDecoder().decode(
            DiffJSON.self, from: Data(try await world.run("alpine", libraryRef: "6317ead", diff: oldFile).utf8))
        #expect(diff.from.path == oldFile && diff.to.commit == Self.commit6317)
        #expect(diff.tagsAdded == ["20240923", "3.21.0", "3.21", "3.20.4", "3.19.5", "3.18.10"])
    }
}
