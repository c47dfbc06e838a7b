import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `check --offline`: no network at all. After one run that fetched, every git URL and the
/// registry are rewritten (on the command line, which wins over the file) to a loopback port where
/// nothing listens: any connection would fail the run, so a run that succeeds made none.
@Suite("check --offline reads the mirrors as they are", .serialized)
struct OfflineCheckTests {
    static func world() async throws -> SyntheticWorld {
        let world = try await offPool { try SyntheticWorld() }
        let rootfs = try world.rootfs(["bin/sh": "#!fake shell\n"])
        let work = try world.upstream("distro")
        _ = try world.layout(rootfs: rootfs, single: true, into: work.appendingPathComponent("oci"))
        let commit = try world.commit("distro", message: "oci layout")
        try world.upstreamGit("distro", ["push", "--quiet", "origin", "main"])
        try world.library(
            "distro",
            SyntheticWorld.libraryFile(
                repo: "distro",
                entries: [
                    ("good", "refs/heads/main", commit, "Builder: oci-import\nFile: index.json\nDirectory: oci\n")
                ]))
        return world
    }

    /// Every URL the world's configuration rewrites, sent to `closed` instead.
    static func unreachable(_ options: GlobalOptions, _ closed: ClosedPort) -> GlobalOptions {
        var o = options
        o.rewrites = [
            .init(from: "https://github.com/", to: "git://127.0.0.1:\(closed.port)/"),
            .init(from: "docker.io", to: "http://127.0.0.1:\(closed.port)"),
        ]
        return o
    }

    @Test func offline_checkMakesNoConnection_andNotesEachMirrorsAge() async throws {
        let world = try await Self.world()
        let (fetched, _) = try await world.check(["distro:good"], noRegistry: true)
        #expect(fetched.exitCode == 0, "\(fetched.output)")

        let closed = try ClosedPort()
        var options = Self.unreachable(world.options(noRegistry: true), closed)
        // The control: fetching through these rewrites fails (exit 2: could not check).
        let control = try await CheckCommand.run(.init(references: ["distro:good"]), options: options)
        #expect(control.exitCode == 2, "\(control.output)")

        options.noRegistry = false
        options.offline = true
        let offline = try await CheckCommand.run(.init(references: ["distro:good"]), options: options)
        #expect(offline.exitCode == 0, "\(offline.output) \(offline.diagnostics)")
        #expect(offline.output.contains("the registry was not asked"), "\(offline.output)")
        let ages = offline.diagnostics.filter { $0.hasPrefix("offline: ") }
        #expect(ages.count == 2, "official-images and the upstream: \(offline.diagnostics)")
        #expect(ages.contains { $0.hasPrefix("offline: https://github.com/docker-library/official-images.git as of ") })
        #expect(ages.allSatisfy { $0.hasSuffix(" old)") })

        // The report says the same: JSON `mirrors`, only when offline (the fetching run has none).
        let mirrors = try #require(
            (try JSONSerialization.jsonObject(with: Data(offline.output.utf8)) as? [String: Any])?["mirrors"]
                as? [[String: Any]], "\(offline.output)")
        #expect(
            mirrors.compactMap { $0["url"] as? String }.sorted() == [
                "https://github.com/docker-library/official-images.git", "https://github.com/up/distro.git",
            ])
        #expect(mirrors.allSatisfy { ($0["fetchedAt"] as? String)?.hasSuffix("Z") == true && $0["age"] is Int })
        let fetchedJSON = try JSONSerialization.jsonObject(with: Data(fetched.output.utf8)) as? [String: Any]
        #expect(fetchedJSON?["mirrors"] == nil, "a run that fetched lists no mirrors")
        options.format = .text
        let text = try await CheckCommand.run(.init(references: ["distro:good"]), options: options)
        let heading = try #require(text.output.range(of: "\nmirrors (not fetched):\n"), "\(text.output)")
        let listed = text.output[heading.upperBound...].split(separator: "\n")
        #expect(
            listed.count == 2 && listed.allSatisfy { $0.hasPrefix("  https://github.com/") && $0.hasSuffix(" old)") })
        options.format = .json

        options.verbosity = -1
        let quiet = try await CheckCommand.run(.init(references: ["distro:good"]), options: options)
        #expect(quiet.diagnostics.filter { $0.hasPrefix("offline: ") }.isEmpty, "-q: no notes")
    }

    @Test func offline_aCommitNotInTheMirrorIsAnErrorSayingRunWithoutOffline() async throws {
        let world = try await Self.world()
        _ = try await world.check(["distro:good"], noRegistry: true)
        // A new upstream commit the mirror has never seen, named by a library folder (read locally).
        let work = try world.upstream("distro")
        try Data("x".utf8).write(to: work.appendingPathComponent("new"))
        let commit = try world.commit("distro", message: "new")
        let folder = world.dir.appending("folder")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("library"), withIntermediateDirectories: true)
        try SyntheticWorld.libraryFile(
            repo: "distro",
            entries: [("good", "refs/heads/main", commit, "Builder: oci-import\nFile: index.json\nDirectory: oci\n")]
        ).write(to: folder.appendingPathComponent("library/distro"), atomically: true, encoding: .utf8)
        let closed = try ClosedPort()
        var options = Self.unreachable(world.options(), closed)
        options.offline = true
        let result = try await CheckCommand.run(
            .init(references: ["distro:good"], library: folder.path), options: options)
        #expect(result.exitCode == 2, "\(result.output)")
        #expect(result.output.contains("commit \(commit)"), "\(result.output)")
        #expect(result.output.contains("not in the local mirror"), "\(result.output)")
        #expect(result.output.contains("without --offline"), "\(result.output)")
    }

    @Test func offline_refusesWhatNeedsTheNetworkBeforeStarting() async throws {
        let world = try await Self.world()
        var options = world.options(deep: true)
        options.offline = true
        await #expect(throws: UsageError.self) {
            _ = try await CheckCommand.run(.init(references: ["distro:good"]), options: options)
        }
        options.deep = false
        await #expect(throws: UsageError.self) {
            _ = try await CheckCommand.run(.init(references: [], openIssues: true), options: options)
        }
        await #expect(throws: UsageError.self) {
            _ = try await PullRequestsCommand.run(.init(images: ["distro"]), options: options)
        }
    }
}
