import Foundation
import TestSupport
import Testing
import Tracking

@testable import TrackbotKit

/// The workflow files themselves, their steps and the trackbot action's (action.yml,
/// scripts/action-entrypoint) run by Tests/Fixtures/workflows/run_workflow.py against a local world: two images served by a git daemon and a docker-registry, the user's
/// repository (a bare origin that gets the state branch), and the GitHub stand-in. A drift found
/// by one shard must reach exactly one issue and make the run red; the merge job never re-checks,
/// and the state is committed only when more than times changed.
@Suite("the workflows, run locally", .serialized)
struct ShardedWorkflowTests {
    static let repository = "acme/images"
    static let rootfsFiles = ["bin/sh": "#!fake shell\n", "etc/os-release": "ID=demo\n"]

    /// The world, the user's repository and the stand-in, and a way to run a workflow in it.
    final class WorkflowWorld: @unchecked Sendable {
        let world: SyntheticWorld
        let github: GitHubStandIn
        let token: String
        let origin: URL
        let rootfs: URL
        let python: String
        let binary: String

        /// "left" and "right", FROM scratch, tag 1, amd64, published; config/trackbot.toml on
        /// the user's main branch lists both, with the world's `[rewrite]` rules and
        /// `[github] repository = "acme/images"`.
        init() throws {
            python = try findTool("python3", package: "python3")
            do { try TestSupport.run(python, ["-c", "import yaml"]) } catch {
                throw TestSupportError.toolMissing(tool: "python3 module yaml (PyYAML)", package: "python3-yaml")
            }
            _ = try findTool("jq", package: "jq")
            _ = try findTool("bash", package: "bash")
            binary = try TestPaths.trackbotBinary()
            world = try SyntheticWorld()
            token = "ghp_wf" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            github = try GitHubStandIn(token: token, logDirectory: world.dir.url)

            rootfs = try world.rootfs(ShardedWorkflowTests.rootfsFiles)
            for name in ["left", "right"] {
                let commit = try world.commit(name, files: ["Dockerfile": "FROM scratch\nCMD [\"/bin/sh\"]\n"])
                try world.upstreamGit(name, ["push", "--quiet", "origin", "main"])
                try world.library(
                    name, SyntheticWorld.libraryFile(repo: name, entries: [("1", "refs/heads/main", commit, "")]))
                try world.publish(name, tag: "1", platforms: [("amd64", rootfs, nil, nil)])
            }

            let base = try String(contentsOfFile: world.configPath, encoding: .utf8)
            guard let library = base.range(of: "[library]") else {
                throw TestSupportError.missing("[library] in \(base)")
            }
            let config =
                String(base[library.lowerBound...]) + """

                    [github]
                    repository = "\(ShardedWorkflowTests.repository)"
                    labels = ["trackbot"]

                    [[images]]
                    name = "left"

                    [[images]]
                    name = "right"

                    """
            origin = world.dir.appending("user/origin.git")
            try TestSupport.git(["init", "--quiet", "--bare", "-b", "main", origin.path])
            let work = world.dir.appending("user/work")
            try GitRepositories.working(
                at: work, files: ["config/trackbot.toml": config, "README.md": "images we watch\n"])
            try TestSupport.git(["remote", "add", "origin", origin.path], in: work)
            try TestSupport.git(["push", "--quiet", "origin", "main"], in: work)
        }

        /// Re-pushes `name:1` with one more file: an unexplained drift.
        func drift(_ name: String) throws {
            try world.publish(name, tag: "1", platforms: [("amd64", rootfs, "etc/tampered", nil)])
        }

        /// Runs `workflows/FILE` as run `n`; its exit status (0 green, 1 red) and its log. It blocks
        /// until the run ends: call it through `offPool`.
        func run(_ file: String, _ n: Int, matrix: [String] = []) throws -> (status: Int32, log: String) {
            let runs = world.dir.appending("runs")
            try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
            let log = runs.appendingPathComponent("run-\(n).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            defer { try? handle.close() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments =
                [
                    TestPaths.fixture("workflows/run_workflow.py").path,
                    TestPaths.packageRoot.appendingPathComponent("workflows/\(file)").path,
                    "--repo", origin.path, "--work", runs.appendingPathComponent("run-\(n)").path,
                    "--run-id", "\(1000 + n)", "--github-repository", ShardedWorkflowTests.repository,
                    "--env", "GITHUB_API_URL=\(github.url)", "--secret", "GITHUB_TOKEN=\(token)",
                    // The trackbot action (action.yml of this package) runs the binary under test
                    // instead of its pinned image, as its entrypoint does with TRACKBOT_BIN.
                    "--action", "trackbot/trackbot=\(TestPaths.packageRoot.path)",
                    "--trackbot-bin", URL(fileURLWithPath: binary).deletingLastPathComponent().path,
                ] + matrix.flatMap { ["--matrix", $0] }
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try spawn { try process.run() }
            process.waitUntilExit()
            return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
        }

        /// The commits of the state branch in origin, newest first (none before the first push).
        func stateCommits() throws -> [String] {
            let ref = try TestSupport.git([
                "--git-dir", origin.path, "for-each-ref", "--format=%(refname)", "refs/heads/trackbot-state",
            ])
            guard !ref.isEmpty else { return [] }
            return try TestSupport.git(["--git-dir", origin.path, "rev-list", "refs/heads/trackbot-state"])
                .split(separator: "\n").map(String.init)
        }

        /// The state file on the state branch.
        func branchState() throws -> State {
            let text = try TestSupport.git([
                "--git-dir", origin.path, "show", "refs/heads/trackbot-state:trackbot-state.json",
            ])
            let file = world.dir.appending("branch-state-\(UUID().uuidString.prefix(6)).json")
            try Data(text.utf8).write(to: file)
            return try StateStore(path: file.path).load()
        }

        /// The images of the JSON report shard `shard` uploaded in run `n`.
        func shardReport(_ n: Int, _ shard: Int) throws -> [String] {
            let url = world.dir.appending("runs/run-\(n)/artifacts/trackbot-shard\(shard)/report.json")
            return try JSONDecoder().decode(SyntheticWorld.Report.self, from: Data(contentsOf: url)).images.map(\.name)
        }
    }

    @Test func theTwoImagesLandInDifferentShards() {
        #expect(Shard.assignment(of: "left", count: 2) == 1)
        #expect(Shard.assignment(of: "right", count: 2) == 2)
    }

    @Test func aDriftInOneShardOpensOneIssueAndTheRunStaysRed() async throws {
        let w = try await offPool { try WorkflowWorld() }
        let start = Date()
        func run(_ n: Int) async throws -> (status: Int32, log: String) {
            try await offPool { try w.run("trackbot-sharded.yml", n, matrix: ["shard=1,2"]) }
        }

        // Run 1, nothing drifted: green, no issue, the merged state committed to the state branch.
        let (s1, log1) = try await run(1)
        #expect(s1 == 0, "run 1 should be green:\n\(log1)")
        #expect(log1.contains("Watch shard 1 of 2") && log1.contains("Watch shard 2 of 2"), "\(log1)")
        #expect((try? w.shardReport(1, 1)) == ["left"], "\(log1)")
        #expect((try? w.shardReport(1, 2)) == ["right"], "\(log1)")
        #expect(try w.github.issues(repo: Self.repository).isEmpty)
        let commits1 = try w.stateCommits()
        #expect(commits1.count == 1, "\(log1)")
        let state1 = try w.branchState()
        #expect(Set(state1.images.keys) == ["left", "right"])
        #expect(state1.images.values.allSatisfy { $0.alerts.isEmpty })

        // Run 2: "right" (shard 2) was re-pushed with one more file.
        try w.drift("right")
        let (s2, log2) = try await run(2)
        #expect(s2 == 1, "run 2 should be red:\n\(log2)")
        #expect(log2.contains("job shard: success") && log2.contains("job merge: failure"), "\(log2)")
        #expect(log2.contains("::error title=digest-drift right:1::"), "\(log2)")
        let issues2 = try w.github.issues(repo: Self.repository)
        #expect(issues2.count == 1, "\(issues2.map(\.title))")
        let issue = try #require(issues2.first)
        #expect(issue.state == "open")
        #expect(issue.title.contains("right") && issue.title.contains("digest-drift"), "\(issue.title)")
        #expect(issue.body.contains("image=right; kind=digest-drift"), "\(issue.body)")
        let commits2 = try w.stateCommits()
        #expect(commits2.count == 2, "\(log2)")
        let state2 = try w.branchState()
        let alerts = state2.images["right"]?.alerts ?? []
        #expect(alerts.count == 1, "\(alerts)")
        #expect(alerts.first?.kind.rawValue == "digest-drift")
        #expect(alerts.first?.issue == issue.number, "the committed state should record the issue number")
        #expect(state2.images["left"]?.alerts.isEmpty == true)

        // Run 3, nothing changed: still red, the same single issue, open and untouched (only GETs),
        // and no new commit on the state branch (only times changed).
        let before = try w.github.requests().count
        let (s3, log3) = try await run(3)
        #expect(s3 == 1, "run 3 should still be red:\n\(log3)")
        let issues3 = try w.github.issues(repo: Self.repository)
        #expect(issues3.count == 1)
        #expect(issues3.first?.state == "open")
        #expect(issues3.first?.title == issue.title && issues3.first?.body == issue.body)
        let during3 = try w.github.requests().dropFirst(before)
        #expect(!during3.isEmpty, "run 3 should have read the issues")
        #expect(during3.allSatisfy { $0.method == "GET" }, "\(during3.map { "\($0.method) \($0.path)" })")
        #expect(try w.stateCommits() == commits2, "only times changed: no new commit\n\(log3)")
        #expect(log3.contains("state unchanged apart from times"), "\(log3)")
        #expect(try w.branchState().images["right"]?.alerts.first?.issue == issue.number)
        let seconds = Date().timeIntervalSince(start)

        // Run 4: shard 2 cannot reach right's upstream. That shard fails, the run is red, and
        // right's issue is left exactly as it was; the state keeps the open alert.
        try FileManager.default.moveItem(
            at: w.world.gitBase.appendingPathComponent("up/right.git"),
            to: w.world.dir.appending("right-gone.git"))
        let before4 = try w.github.requests().count
        let (s4, log4) = try await run(4)
        #expect(s4 == 1, "run 4 should be red:\n\(log4)")
        #expect(log4.contains("job shard: failure"), "\(log4)")
        #expect(try w.github.issues(repo: Self.repository).map(\.state) == ["open"])
        #expect(try w.github.requests().dropFirst(before4).allSatisfy { $0.method == "GET" })
        #expect(try w.branchState().images["right"]?.alerts.map(\.issue) == [issue.number])
        print(
            "ShardedWorkflowTests: the first three runs of the sharded workflow took \(String(format: "%.1f", seconds)) s"
        )
    }

    /// trackbot.yml: one job, one pass of `watch --open-issues`, the same restore and
    /// compare-before-commit.
    @Test func theSingleJobWorkflowOpensTheIssueInItsOnePass() async throws {
        let w = try await offPool { try WorkflowWorld() }
        let (s1, log1) = try await offPool { try w.run("trackbot.yml", 1) }
        #expect(s1 == 0, "run 1 should be green:\n\(log1)")
        #expect(try w.stateCommits().count == 1, "\(log1)")

        try w.drift("left")
        let (s2, log2) = try await offPool { try w.run("trackbot.yml", 2) }
        #expect(s2 == 1, "run 2 should be red:\n\(log2)")
        #expect(log2.contains("::error title=digest-drift left:1::"), "\(log2)")
        let issues = try w.github.issues(repo: Self.repository)
        #expect(issues.count == 1 && issues.first?.state == "open", "\(issues.map(\.title))")
        let commits2 = try w.stateCommits()
        #expect(commits2.count == 2, "\(log2)")
        #expect(try w.branchState().images["left"]?.alerts.map(\.issue) == [issues.first?.number])

        let before = try w.github.requests().count
        let (s3, log3) = try await offPool { try w.run("trackbot.yml", 3) }
        #expect(s3 == 1, "run 3 should still be red:\n\(log3)")
        #expect(try w.github.issues(repo: Self.repository).map(\.body) == issues.map(\.body))
        #expect(try w.github.requests().dropFirst(before).allSatisfy { $0.method == "GET" })
        #expect(try w.stateCommits() == commits2, "only times changed: no new commit\n\(log3)")
    }
}
