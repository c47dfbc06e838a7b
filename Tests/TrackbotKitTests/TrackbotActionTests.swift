import Foundation
import TestSupport
import Testing

/// The trackbot action: action.yml's inputs and outputs, and each step of
/// scripts/action-entrypoint run as the action runs it, in a clone of a local origin. The docker
/// side is a stand-in `docker` on PATH that records its arguments (no Docker engine here); the
/// whole action against a real world runs in ShardedWorkflowTests.
@Suite struct TrackbotActionTests {
    static let zeroDigest = "sha256:" + String(repeating: "0", count: 64)
    static let digest = "sha256:" + String(repeating: "ab", count: 32)
    static let state = "{\n  \"images\" : {\n\n  },\n  \"schemaVersion\" : 2\n}\n"

    /// A job's world: origin (bare), a clone as the workspace, RUNNER_TEMP and the step files.
    final class Job {
        let dir: TemporaryDirectory
        let origin: URL
        let workspace: URL
        let temp: URL
        let bin: URL
        var output: URL { temp.appendingPathComponent("github-output") }
        var summary: URL { temp.appendingPathComponent("step-summary") }

        init() throws {
            dir = try TemporaryDirectory("trackbot-action")
            origin = dir.appending("origin.git")
            try git(["init", "--quiet", "--bare", "-b", "main", origin.path])
            let work = dir.appending("work")
            try GitRepositories.working(at: work, files: ["config/trackbot.toml": "\n"])
            try git(["remote", "add", "origin", origin.path], in: work)
            try git(["push", "--quiet", "origin", "main"], in: work)
            workspace = dir.appending("workspace")
            try git(["clone", "--quiet", origin.path, workspace.path])
            temp = dir.appending("runner-temp")
            bin = dir.appending("bin")
            for d in [temp, bin] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
            for f in [output, summary] { _ = FileManager.default.createFile(atPath: f.path, contents: nil) }
        }

        /// Pushes a state branch to origin: with `file` as trackbot-state.json, or without it.
        func pushStateBranch(file: String?) throws {
            let work = dir.appending("state-\(UUID().uuidString.prefix(6))")
            try git(["clone", "--quiet", origin.path, work.path])
            let exists = !(try git(["ls-remote", "--heads", "origin", "trackbot-state"], in: work)).isEmpty
            try git(
                exists
                    ? ["switch", "--quiet", "trackbot-state"] : ["switch", "--quiet", "--orphan", "trackbot-state"],
                in: work)
            let files = file.map { ["trackbot-state.json": $0] } ?? ["README.md": "no state here\n"]
            try GitRepositories.commit(in: work, files: files, message: "state branch")
            try git(["push", "--quiet", "origin", "trackbot-state"], in: work)
        }

        /// A `docker` on PATH that writes its arguments, one a line, to docker-args and exits `status`.
        func standInDocker(status: Int32) throws {
            let script =
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"\(dir.path)/docker-args\"\necho stand-in report\nexit \(status)\n"
            let docker = bin.appendingPathComponent("docker")
            try Data(script.utf8).write(to: docker)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: docker.path)
        }

        var dockerArguments: [String] {
            ((try? String(contentsOf: dir.appending("docker-args"), encoding: .utf8)) ?? "")
                .split(separator: "\n").map(String.init)
        }

        /// Runs `action-entrypoint STEP` in the workspace as action.yml does; its status and output.
        func step(_ name: String, _ inputs: [String: String], extra: [String: String] = [:]) throws -> (
            status: Int32, output: String
        ) {
            let bash = try findTool("bash", package: "bash")
            let entrypoint = TestPaths.packageRoot.appendingPathComponent("scripts/action-entrypoint").path
            var environment = [
                "RUNNER_TEMP": temp.path, "GITHUB_OUTPUT": output.path, "GITHUB_STEP_SUMMARY": summary.path,
                "GITHUB_WORKSPACE": workspace.path, "GITHUB_RUN_ID": "41",
                "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "TRACKBOT_BIN": "",
            ]
            for (key, value) in inputs { environment["INPUT_" + key] = value }
            environment.merge(extra) { $1 }
            do {
                return (0, try run(bash, [entrypoint, name], cwd: workspace, environment: environment))
            } catch TestSupportError.commandFailed(_, let status, let output) {
                return (status, output)
            }
        }

        func outputs() throws -> [String: String] {
            let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
            return Dictionary(
                lines.map { line in
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    return (parts[0], parts.count > 1 ? parts[1] : "")
                }, uniquingKeysWith: { $1 })
        }
    }

    @Test func action_declaresTheInputsAndOutputsOfTheIssue() throws {
        let action = try WorkflowFileTests.loadYAML(TestPaths.packageRoot.appendingPathComponent("action.yml").path)
        let inputs = try #require(action["inputs"] as? [String: Any])
        for name in ["image", "command", "config", "state-branch", "outputs"] {
            #expect(inputs[name] != nil, "action.yml has no input \(name)")
        }
        let outputs = try #require(action["outputs"] as? [String: Any])
        #expect(Set(outputs.keys).isSuperset(of: ["exit-status", "report"]))
        let runs = try #require(action["runs"] as? [String: Any])
        #expect(runs["using"] as? String == "composite")
        let steps = try #require(runs["steps"] as? [[String: Any]])
        #expect(!steps.isEmpty)
        for step in steps {
            let script = try #require(step["run"] as? String)
            // Inputs reach the script through env:, never spliced into it (no script injection).
            #expect(!script.contains("${{"), "\(script)")
            #expect(script.contains("$GITHUB_ACTION_PATH/scripts/action-entrypoint"), "\(script)")
        }
        // Committing is a separate step that runs only when asked for (the job that can write).
        let commit = try #require(steps.first { ($0["run"] as? String)?.hasSuffix(" commit") == true })
        #expect((commit["if"] as? String)?.contains("inputs.commit-state == 'true'") == true)
    }

    /// The restore writes the state only when `git show` succeeded: no state branch (the first
    /// run), a branch without the file, and one with it; only the last writes, byte for byte.
    @Test func restore_writesTheStateOnlyWhenGitShowSucceeded() throws {
        let job = try Job()
        let target = job.workspace.appendingPathComponent("merged.json")
        let inputs = ["STATE_BRANCH": "trackbot-state", "STATE": "merged.json"]

        let (s1, out1) = try job.step("restore", inputs)
        #expect(s1 == 0 && out1.contains("no branch trackbot-state yet"), "\(out1)")
        #expect(!FileManager.default.fileExists(atPath: target.path), "no branch gave a state file")

        try job.pushStateBranch(file: nil)
        let (s2, out2) = try job.step("restore", inputs)
        #expect(s2 == 0 && out2.contains("::warning title=no state::"), "\(out2)")
        #expect(!FileManager.default.fileExists(atPath: target.path), "a branch without the file gave one")

        try job.pushStateBranch(file: Self.state)
        let (s3, out3) = try job.step("restore", inputs)
        #expect(s3 == 0, "\(out3)")
        #expect((try? String(contentsOf: target, encoding: .utf8)) == Self.state)

        // origin unreadable: a git failure is not taken for "no state yet".
        try FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: job.origin, to: job.dir.appending("gone.git"))
        let (s4, out4) = try job.step("restore", inputs)
        #expect(s4 != 0 && out4.contains("cannot read origin's branches"), "\(out4)")
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }

    @Test(arguments: [
        "ghcr.io/trackbot/trackbot:latest", "ghcr.io/trackbot/trackbot", "ghcr.io/trackbot/trackbot@sha256:abc",
        "ghcr.io/trackbot/trackbot:1@" + TrackbotActionTests.digest + " --privileged", "",
    ])
    func image_notPinnedByDigestIsRefused(image: String) throws {
        let job = try Job()
        try job.standInDocker(status: 0)
        let (status, output) = try job.step("run", ["IMAGE": image, "COMMAND": "watch"])
        #expect(status == 2, "\(output)")
        #expect(output.contains("is not pinned by digest"), "\(output)")
        #expect(job.dockerArguments.isEmpty, "docker ran: \(job.dockerArguments)")
        #expect(try job.outputs()["exit-status"] == nil)
    }

    @Test func image_theExampleDigestIsRefusedWithWhatToSet() throws {
        let job = try Job()
        try job.standInDocker(status: 0)
        let (status, output) = try job.step(
            "run", ["IMAGE": "ghcr.io/trackbot/trackbot@" + Self.zeroDigest, "COMMAND": "watch"])
        #expect(status == 2 && output.contains("still holds the example digest"), "\(output)")
        #expect(job.dockerArguments.isEmpty)
    }

    /// docker runs the pinned image as the runner's user with the workspace at its own path; the
    /// token reaches it by name only, so its value is on no command line and in no log.
    @Test func run_dockerGetsThePinnedImageAndTheTokenByNameOnly() throws {
        let job = try Job()
        try job.standInDocker(status: 1)
        let token = "ghp_secret" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let image = "ghcr.io/acme/trackbot@" + Self.digest
        let (status, output) = try job.step(
            "run",
            [
                "IMAGE": image, "COMMAND": "watch --open-issues", "CONFIG": "config/trackbot.toml",
                "STATE": "trackbot-state.json", "OUTPUTS": "json=report.json markdown=summary.md",
                "PASS_ENV": "REGISTRY_PASSWORD",
            ], extra: ["GITHUB_TOKEN": token, "REGISTRY_PASSWORD": token])
        #expect(status == 0, "exit 1 is trackbot's (an alert), not the step's:\n\(output)")
        let args = job.dockerArguments
        let imageIndex = try #require(args.firstIndex(of: image), "\(args)")
        #expect(
            Array(args[(imageIndex + 1)...]) == [
                "watch", "--open-issues", "--config", "config/trackbot.toml", "--state", "trackbot-state.json",
                "--output", "json=report.json", "--output", "markdown=summary.md",
            ])
        #expect(args.first == "run" && args.contains("--rm"))
        let user = try #require(args.firstIndex(of: "--user"))
        #expect(args[user + 1] == "\(getuid()):\(getgid())")
        #expect(args.contains("\(job.workspace.path):\(job.workspace.path)"), "\(args)")
        #expect(args.contains("GITHUB_TOKEN") && args.contains("REGISTRY_PASSWORD"), "\(args)")
        #expect(!args.joined(separator: " ").contains(token), "a secret on docker's command line")
        #expect(!output.contains(token), "a secret in the log")
        let outputs = try job.outputs()
        #expect(outputs["exit-status"] == "1")
        #expect(outputs["report"] == "report.json")
    }

    /// A status that is not trackbot's (docker's 125: the image could not be pulled) fails the
    /// step; the status is still an output. A glob in the command is expanded in the workspace,
    /// sorted, and kept as written when nothing matches, so trackbot names what is missing.
    @Test func run_aStatusThatIsNotTrackbotsFailsTheStepAndGlobsExpand() throws {
        let job = try Job()
        try job.standInDocker(status: 125)
        for shard in ["2", "1"] {
            let dir = job.workspace.appendingPathComponent("shards/trackbot-shard\(shard)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: dir.appendingPathComponent("report.json"))
        }
        let image = "ghcr.io/acme/trackbot@" + Self.digest
        let (status, output) = try job.step(
            "run", ["IMAGE": image, "COMMAND": "issues sync shards/*/report.json missing/*.json", "STATE": "s.json"])
        #expect(status == 2 && output.contains("trackbot exited 125: it did not run"), "\(output)")
        #expect(try job.outputs()["exit-status"] == "125")
        let args = job.dockerArguments
        let imageIndex = try #require(args.firstIndex(of: image))
        #expect(
            Array(args[(imageIndex + 1)...]) == [
                "issues", "sync", "shards/trackbot-shard1/report.json", "shards/trackbot-shard2/report.json",
                "missing/*.json", "--state", "s.json",
            ])
        // Without a Markdown output the text report goes to the job summary.
        let summary = try String(contentsOf: job.summary, encoding: .utf8)
        #expect(summary.contains("## trackbot issues sync") && summary.contains("stand-in report"), "\(summary)")
    }
}
