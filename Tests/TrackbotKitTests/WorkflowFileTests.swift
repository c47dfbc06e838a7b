import Foundation
import TestSupport
import Testing

/// The workflow files users copy parse as YAML and carry the parts docs/ci.md promises.
/// (ShardedWorkflowTests runs them.)
@Suite struct WorkflowFileTests {
    /// The workflow as JSON objects, read by PyYAML (YAML 1.1: the key `on` comes back as `true`).
    static func load(_ name: String) throws -> [String: Any] {
        let python = try requireTool("python3", package: "python3")
        let path = TestPaths.packageRoot.appendingPathComponent("workflows/\(name)").path
        do { try run(python, ["-c", "import yaml"]) } catch {
            throw TestSupportError.toolMissing(tool: "python3 module yaml (PyYAML)", package: "python3-yaml")
        }
        let script = """
            import yaml, json, sys
            def keys(o):
                if isinstance(o, dict): return {str(k).lower() if isinstance(k, bool) else str(k): keys(v) for k, v in o.items()}
                if isinstance(o, list): return [keys(v) for v in o]
                return o
            print(json.dumps(keys(yaml.safe_load(open(sys.argv[1])))))
            """
        let json = try run(python, ["-c", script, path])
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// Every `uses:` value in the document.
    static func uses(_ object: Any) -> [String] {
        if let d = object as? [String: Any] {
            return d.flatMap { key, value in key == "uses" ? [value as? String ?? ""] : uses(value) }
        }
        if let a = object as? [Any] { return a.flatMap(uses) }
        return []
    }

    static func steps(_ workflow: [String: Any], job: String) -> [[String: Any]] {
        ((workflow["jobs"] as? [String: Any])?[job] as? [String: Any])?["steps"] as? [[String: Any]] ?? []
    }

    static func runText(_ steps: [[String: Any]]) -> String {
        steps.compactMap { $0["run"] as? String }.joined(separator: "\n")
    }

    /// The index of the first step whose name contains `name`.
    static func index(_ steps: [[String: Any]], _ name: String) -> Int? {
        steps.firstIndex { ($0["name"] as? String)?.contains(name) == true }
    }

    static func step(_ steps: [[String: Any]], _ name: String) -> [String: Any]? {
        index(steps, name).map { steps[$0] }
    }

    /// The state file is written by a restore only when `git show` succeeded: `git show` goes to a
    /// temporary file under `if git show …; then`, and only then is it moved into place.
    static func checkRestore(_ script: String, into file: String, where label: String) {
        let lines = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.hasPrefix("#")
        }
        let shows = lines.filter { $0.contains("git show") }
        #expect(!shows.isEmpty, "\(label): the restore runs no git show")
        for line in shows {
            #expect(line.hasPrefix("if git show "), "\(label): `\(line)` does not test git show's status")
            #expect(
                line.contains("> \"$RUNNER_TEMP/"), "\(label): `\(line)` writes somewhere else than a temporary file")
            #expect(
                !line.contains("|| true") && !line.contains("> \(file)") && !line.contains("> \"\(file)"),
                "\(label): `\(line)`")
        }
        #expect(
            lines.contains { $0.hasPrefix("mv \"$RUNNER_TEMP/") && $0.hasSuffix(" \(file)") },
            "\(label): nothing moves the restored file to \(file)")
        #expect(!lines.contains { $0.hasPrefix("git show") }, "\(label): a git show whose status is not tested")
        // A git failure is not taken for "no state yet": only ls-remote's "no such branch" (exit 2) is.
        #expect(script.contains("git ls-remote --exit-code --heads origin \"$STATE_BRANCH\""), "\(label)")
    }

    /// The state is committed only when `trackbot state compare` says it changed, before `git commit`.
    static func checkCompareBeforeCommit(_ script: String, where label: String) {
        let compare = script.range(of: "trackbot state compare ")
        let commit = script.range(of: "git commit")
        #expect(
            compare != nil && commit != nil && compare!.lowerBound < commit!.lowerBound,
            "\(label): no `trackbot state compare` before `git commit`")
        #expect(
            script.contains("if [ \"$changed\" -eq 0 ]; then") && script.contains("exit 0; fi"),
            "\(label): an unchanged state is committed")
    }

    func checkCommon(_ w: [String: Any], file: String) throws {
        // "on" is read as the boolean true by YAML 1.1; the loader turned it back into "true".
        let on = try #require((w["on"] ?? w["true"]) as? [String: Any], "\(file): no `on:` triggers")
        let schedule = try #require(on["schedule"] as? [[String: Any]], "\(file): no schedule")
        for entry in schedule {
            let cron = try #require(entry["cron"] as? String)
            let minute = cron.split(separator: " ").first.map(String.init)
            #expect(
                minute != "0" && minute != "00" && minute != "*",
                "\(file): cron \(cron) runs at minute 0, when GitHub's scheduler is busiest")
            #expect(Int(minute ?? "") != nil, "\(file): cron minute should be one fixed minute, got \(cron)")
        }
        let dispatch = try #require(on["workflow_dispatch"] as? [String: Any], "\(file): no workflow_dispatch")
        #expect(
            (dispatch["inputs"] as? [String: Any])?["image"] != nil, "\(file): workflow_dispatch has no image input")

        let concurrency = try #require(w["concurrency"] as? [String: Any], "\(file): no concurrency")
        #expect(concurrency["group"] is String)
        #expect(concurrency["cancel-in-progress"] as? Bool == false, "\(file): cancel-in-progress must be false")

        #expect(w["permissions"] != nil, "\(file): no top-level permissions")
        let jobs = try #require(w["jobs"] as? [String: Any])
        for (name, job) in jobs {
            let perms = try #require(
                (job as? [String: Any])?["permissions"] as? [String: String], "\(file): job \(name) has no permissions")
            // Least privilege: write access only for the job that needs it.
            let script = Self.runText(Self.steps(w, job: name))
            #expect(
                perms["contents"] != "write" || script.contains("git push"),
                "\(file): job \(name) can write contents but pushes nothing")
            #expect(
                perms["issues"] != "write" || script.contains("--open-issues")
                    || script.contains("trackbot issues sync"),
                "\(file): job \(name) can write issues but opens none")
            // Only the job that may write issues gets the token.
            let token = Self.steps(w, job: name).contains { ($0["env"] as? [String: Any])?["GITHUB_TOKEN"] != nil }
            #expect(
                !token || perms["issues"] == "write", "\(file): job \(name) gets GITHUB_TOKEN but cannot write issues")
            #expect(
                perms.keys.allSatisfy { ["contents", "issues"].contains($0) }, "\(file): job \(name) asks for \(perms)")
        }

        let all = Self.uses(w)
        #expect(!all.isEmpty)
        for use in all {
            let parts = use.split(separator: "@")
            let pinned = parts.count == 2 && parts[1].count == 40 && parts[1].allSatisfy(\.isHexDigit)
            #expect(pinned, "\(file): \(use) is not pinned to a full commit SHA")
        }
        // bash with -e and pipefail in every run: block.
        #expect(
            ((w["defaults"] as? [String: Any])?["run"] as? [String: Any])?["shell"] as? String == "bash",
            "\(file): no defaults.run.shell: bash")
        // Kept for the step another change replaces.
        for (name, _) in jobs {
            #expect(
                Self.step(Self.steps(w, job: name), "Install trackbot (built from source with Swift)") != nil,
                "\(file): job \(name)")
        }
        // The version comment beside each pin.
        let text = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("workflows/\(file)"), encoding: .utf8)
        for line in text.split(separator: "\n") where line.contains("uses:") {
            #expect(line.contains("# v"), "\(file): \(line) has no version comment")
        }
    }

    static func pushRetry(_ script: String) -> Bool {
        script.contains("git push") && script.contains("git fetch") && script.contains("git rebase")
            && script.contains("for attempt in") && script.contains("sleep")
    }

    @Test func scheduledWorkflow() throws {
        let w = try Self.load("trackbot.yml")
        try checkCommon(w, file: "trackbot.yml")
        let steps = Self.steps(w, job: "watch")
        #expect(!steps.isEmpty)
        let perms = try #require(
            ((w["jobs"] as? [String: Any])?["watch"] as? [String: Any])?["permissions"] as? [String: String])
        #expect(perms["contents"] == "write")
        #expect(Set(perms.values).isSubset(of: ["read", "write", "none"]))
        #expect(steps.contains { ($0["uses"] as? String)?.hasPrefix("actions/cache@") == true }, "no cache step")
        let cache = try #require(
            steps.first { ($0["uses"] as? String)?.hasPrefix("actions/cache@") == true }?["with"] as? [String: Any])
        #expect((cache["key"] as? String)?.contains("github.run_id") == true)
        #expect(cache["restore-keys"] != nil)
        let script = Self.runText(steps)

        // One pass: watch --open-issues writes the reports, the state and the issues.
        let watch = try #require(Self.step(steps, "Watch")?["run"] as? String)
        #expect(watch.contains("watch --open-issues"))
        #expect(watch.contains("--output json=report.json") && watch.contains("--output markdown=summary.md"))
        #expect(watch.contains("cat summary.md >> \"$GITHUB_STEP_SUMMARY\""))
        #expect(script.components(separatedBy: "trackbot \"$@\"").count == 2, "trackbot should check once per run")
        #expect(!script.contains("--dry-run"), "a second (dry-run) pass is back")
        #expect(script.contains("::error title="), "alerts do not become annotations")
        #expect(script.contains("report.json"))
        #expect(steps.contains { ($0["env"] as? [String: Any])?["GITHUB_TOKEN"] != nil })

        let restore = try #require(Self.step(steps, "Restore the recorded state")?["run"] as? String)
        Self.checkRestore(restore, into: "trackbot-state.json", where: "trackbot.yml")
        let commit = try #require(Self.step(steps, "Commit the state")?["run"] as? String)
        Self.checkCompareBeforeCommit(commit, where: "trackbot.yml")
        #expect(Self.pushRetry(commit), "no fetch/rebase/push retry loop")
        // Red after the state was committed.
        let fail = try #require(Self.index(steps, "Fail the run"))
        #expect(try #require(Self.index(steps, "Commit the state")) < fail)
        #expect((steps[fail]["run"] as? String)?.contains("exit 1") == true)
        #expect((steps[fail]["env"] as? [String: Any])?["STATUS"] as? String == "${{ steps.watch.outputs.status }}")
    }

    @Test func shardedWorkflow() throws {
        let w = try Self.load("trackbot-sharded.yml")
        try checkCommon(w, file: "trackbot-sharded.yml")
        let jobs = try #require(w["jobs"] as? [String: Any])
        let shard = try #require(jobs["shard"] as? [String: Any])
        let matrix = try #require((shard["strategy"] as? [String: Any])?["matrix"] as? [String: Any])
        #expect((matrix["shard"] as? [Int]) == [1, 2, 3, 4])
        let shardSteps = Self.steps(w, job: "shard")
        // The shard count is the matrix's length, so a longer or shorter list stays correct.
        let watch = try #require(Self.step(shardSteps, "Watch shard"))
        let watchEnv = try #require(watch["env"] as? [String: Any])
        #expect(watchEnv["SHARD"] as? String == "${{ matrix.shard }}")
        #expect(watchEnv["SHARDS"] as? String == "${{ strategy.job-total }}")
        let watchScript = try #require(watch["run"] as? String)
        #expect(watchScript.contains("watch --shard \"$SHARD/$SHARDS\""))
        #expect(
            watchScript.contains("--output json=report.json") && watchScript.contains("--output markdown=summary.md"))
        #expect(watchScript.contains("cat summary.md >> \"$GITHUB_STEP_SUMMARY\""))
        #expect(
            watchScript.contains("if [ \"$status\" -gt 1 ]; then exit \"$status\"; fi"),
            "a shard should fail only when something could not be checked")
        #expect(!watchScript.contains("--open-issues"))
        let upload = try #require(
            shardSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact@") == true })
        #expect(upload["if"] as? String == "always()", "a failed shard's report and state should still reach the merge")
        let uploaded = ((upload["with"] as? [String: Any])?["path"] as? String ?? "").split(separator: "\n").map(
            String.init)
        #expect(Set(uploaded) == ["report.json", "trackbot-state.json"])
        #expect((shard["permissions"] as? [String: String])?["contents"] == "read")
        #expect((shard["permissions"] as? [String: String])?["issues"] == nil)
        let shardRestore = try #require(Self.step(shardSteps, "Restore the recorded state")?["run"] as? String)
        Self.checkRestore(shardRestore, into: "trackbot-state.json", where: "shard")
        #expect(!Self.runText(shardSteps).contains("git push"))

        let merge = try #require(jobs["merge"] as? [String: Any])
        #expect(merge["needs"] as? String == "shard")
        #expect(merge["if"] as? String == "always()")
        let mergeSteps = Self.steps(w, job: "merge")
        #expect(mergeSteps.contains { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact@") == true })
        let mergeScript = Self.runText(mergeSteps)
        #expect(mergeScript.contains("trackbot state merge merged.json"))
        // Issues from the shards' reports and the merged state; never an offline re-run.
        #expect(!mergeScript.contains("--offline"), "the merge job re-runs trackbot offline")
        #expect(
            !mergeScript.contains("trackbot watch") && !mergeScript.contains("trackbot check")
                && !mergeScript.contains("trackbot \"$@\""),
            "the merge job checks again")
        #expect(!mergeScript.contains("--open-issues"))
        let sync = try #require(Self.step(mergeSteps, "issues"))
        let syncScript = try #require(sync["run"] as? String)
        #expect(syncScript.contains("reports=(shards/*/report.json)"))
        #expect(
            syncScript.contains(
                "trackbot issues sync \"${reports[@]}\" --state merged.json --config config/trackbot.toml"))
        #expect((sync["env"] as? [String: Any])?["GITHUB_TOKEN"] != nil)
        #expect(
            mergeScript.contains("jq -r") && mergeScript.contains("::error title="), "alerts do not become annotations")
        let restore = try #require(Self.step(mergeSteps, "Restore the recorded state")?["run"] as? String)
        Self.checkRestore(restore, into: "previous-state.json", where: "merge")
        let commit = try #require(Self.step(mergeSteps, "Commit the merged state")?["run"] as? String)
        Self.checkCompareBeforeCommit(commit, where: "merge")
        #expect(Self.pushRetry(commit))
        #expect((merge["permissions"] as? [String: String]) == ["contents": "write", "issues": "write"])
        // Merged, synced, committed, then red while alerts are open.
        let order = ["Merge the states", "issues", "Commit the merged state", "Fail the run"].compactMap {
            Self.index(mergeSteps, $0)
        }
        #expect(order.count == 4 && order == order.sorted(), "\(order)")
        let fail = try #require(Self.step(mergeSteps, "Fail the run"))
        #expect((fail["env"] as? [String: Any])?["STATUS"] as? String == "${{ steps.issues.outputs.status }}")
        #expect((fail["run"] as? String)?.contains("exit 1") == true)
    }

    /// Every restore step, run in a clone: no state branch, a state branch without the file, and
    /// one with it. Only the last writes the file, byte for byte.
    @Test func restoreWritesTheStateOnlyWhenGitShowSucceeded() throws {
        let bash = try findTool("bash", package: "bash")
        let dir = try TemporaryDirectory("workflow-restore")
        let origin = dir.appending("origin.git")
        try git(["init", "--quiet", "--bare", "-b", "main", origin.path])
        let work = dir.appending("work")
        try GitRepositories.working(at: work, files: ["config/trackbot.toml": "\n"])
        try git(["remote", "add", "origin", origin.path], in: work)
        try git(["push", "--quiet", "origin", "main"], in: work)

        var restores: [(String, String, String)] = []  // (label, script, file)
        for (file, job) in [
            ("trackbot.yml", "watch"), ("trackbot-sharded.yml", "shard"), ("trackbot-sharded.yml", "merge"),
        ] {
            let steps = Self.steps(try Self.load(file), job: job)
            let script = try #require(
                Self.step(steps, "Restore the recorded state")?["run"] as? String, "\(file) \(job)")
            restores.append(("\(file) \(job)", script, job == "merge" ? "previous-state.json" : "trackbot-state.json"))
        }
        func restore(_ label: String, _ script: String, case name: String) throws -> URL {
            let clone = dir.appending("\(name)-\(UUID().uuidString.prefix(6))")
            try git(["clone", "--quiet", origin.path, clone.path])
            let temp = dir.appending("temp-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
            let scriptFile = temp.appendingPathComponent("restore.sh")
            try Data(script.utf8).write(to: scriptFile)
            try run(
                bash, ["--noprofile", "--norc", "-eo", "pipefail", scriptFile.path], cwd: clone,
                environment: [
                    "STATE_BRANCH": "trackbot-state", "RUNNER_TEMP": temp.path,
                    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                ])
            return clone
        }

        // No state branch: the first run.
        for (label, script, file) in restores {
            let clone = try restore(label, script, case: "none")
            #expect(
                !FileManager.default.fileExists(atPath: clone.appendingPathComponent(file).path),
                "\(label): no branch gave a state file")
        }
        // A state branch without the file.
        try git(["switch", "--quiet", "--orphan", "trackbot-state"], in: work)
        try GitRepositories.commit(in: work, files: ["README.md": "no state here\n"], message: "empty state branch")
        try git(["push", "--quiet", "origin", "trackbot-state"], in: work)
        for (label, script, file) in restores {
            let clone = try restore(label, script, case: "nofile")
            #expect(
                !FileManager.default.fileExists(atPath: clone.appendingPathComponent(file).path),
                "\(label): a branch without the file gave one")
        }
        // The state is there.
        let state = "{\n  \"images\" : {\n\n  },\n  \"schemaVersion\" : 2\n}\n"
        try GitRepositories.commit(in: work, files: ["trackbot-state.json": state], message: "state")
        try git(["push", "--quiet", "origin", "trackbot-state"], in: work)
        for (label, script, file) in restores {
            let clone = try restore(label, script, case: "state")
            let restored = try? String(contentsOf: clone.appendingPathComponent(file), encoding: .utf8)
            #expect(restored == state, "\(label)")
        }
    }
}
