import Foundation
import TestSupport
import Testing

/// The workflow files users copy parse as YAML and carry the parts docs/ci.md promises: trackbot
/// runs only through the trackbot action from an image pinned by digest, and only the job that
/// may write commits. (ShardedWorkflowTests runs them; TrackbotActionTests runs the action's steps.)
@Suite struct WorkflowFileTests {
    /// The workflow as JSON objects, read by PyYAML (YAML 1.1: the key `on` comes back as `true`).
    static func load(_ name: String) throws -> [String: Any] {
        try loadYAML(TestPaths.packageRoot.appendingPathComponent("workflows/\(name)").path)
    }

    /// Any YAML file (a workflow, action.yml) as JSON objects.
    static func loadYAML(_ path: String) throws -> [String: Any] {
        let python = try requireTool("python3", package: "python3")
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

    /// The trackbot action's steps (`uses: trackbot/trackbot@…`) of a job.
    static func actionSteps(_ steps: [[String: Any]]) -> [[String: Any]] {
        steps.filter { ($0["uses"] as? String)?.hasPrefix("trackbot/trackbot@") == true }
    }

    static func with(_ step: [String: Any]?) -> [String: String] {
        ((step?["with"] as? [String: Any]) ?? [:]).mapValues { value in
            if let b = value as? Bool { return b ? "true" : "false" }
            return "\(value)"
        }
    }

    /// A full image reference pinned by digest: NAME@sha256:<64 lowercase hex>.
    static func pinnedByDigest(_ reference: String) -> Bool {
        reference.wholeMatch(of: /(docker:\/\/)?[a-z0-9][a-z0-9._\/:-]*@sha256:[0-9a-f]{64}/) != nil
    }

    /// Every string of the document that names a container image: `image:` and `container:`
    /// values, TRACKBOT_IMAGE, and any `docker://` or registry-host reference.
    static func imageReferences(_ object: Any, key: String? = nil) -> [String] {
        if let d = object as? [String: Any] { return d.flatMap { imageReferences($1, key: $0) } }
        if let a = object as? [Any] { return a.flatMap { imageReferences($0, key: key) } }
        guard let text = object as? String else { return [] }
        if text.contains("${{") { return [] }  // an expression: its value is checked where it is set
        let named = ["image", "container", "TRACKBOT_IMAGE"].contains(key ?? "")
        let looksLikeImage = text.hasPrefix("docker://") || text.hasPrefix("ghcr.io/") || text.hasPrefix("docker.io/")
        return named || looksLikeImage ? [text] : []
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
        let image = try #require(
            (w["env"] as? [String: Any])?["TRACKBOT_IMAGE"] as? String, "\(file): no TRACKBOT_IMAGE")
        #expect(Self.pinnedByDigest(image), "\(file): TRACKBOT_IMAGE \(image) is not pinned by digest")
        let jobs = try #require(w["jobs"] as? [String: Any])
        for (name, job) in jobs {
            let perms = try #require(
                (job as? [String: Any])?["permissions"] as? [String: String], "\(file): job \(name) has no permissions")
            let steps = Self.steps(w, job: name)
            let actions = Self.actionSteps(steps)
            let script = Self.runText(steps)
            // trackbot runs from the pinned image only: nothing is built or installed, no other
            // repository is checked out, and no run: block calls trackbot itself.
            #expect(!actions.isEmpty, "\(file): job \(name) does not run the trackbot action")
            for step in actions {
                #expect(
                    Self.with(step)["image"] == "${{ env.TRACKBOT_IMAGE }}",
                    "\(file): job \(name): the action runs another image than TRACKBOT_IMAGE")
            }
            for line in script.split(separator: "\n") {
                let command = line.trimmingCharacters(in: .whitespaces)
                for tool in ["trackbot", "swift", "scripts/install-deps", "docker", "curl", "wget"] {
                    let calls =
                        command.hasPrefix(tool + " ") || command.contains("| \(tool) ")
                        || command.contains("&& \(tool) ") || command.contains("$(\(tool) ")
                    #expect(!calls, "\(file): job \(name) runs \(tool) outside the action: \(command)")
                }
            }
            #expect(
                !steps.contains { Self.with($0)["repository"] != nil },
                "\(file): job \(name) checks out another repository")
            // Least privilege: write access only for the job that needs it, and only that job commits.
            let commits = actions.contains { Self.with($0)["commit-state"] == "true" }
            #expect(
                (perms["contents"] == "write") == commits,
                "\(file): job \(name) contents: \(perms) but commits: \(commits)")
            let commands = actions.map { Self.with($0)["command"] ?? "" }.joined(separator: "\n") + script
            #expect(
                perms["issues"] != "write" || commands.contains("--open-issues") || commands.contains("issues sync"),
                "\(file): job \(name) can write issues but opens none")
            // Only the job that may write issues gets the token.
            let token = steps.contains { ($0["env"] as? [String: Any])?["GITHUB_TOKEN"] != nil }
            #expect(
                token == (perms["issues"] == "write"),
                "\(file): job \(name): GITHUB_TOKEN \(token), permissions \(perms)")
            #expect(
                perms.keys.allSatisfy { ["contents", "issues"].contains($0) }, "\(file): job \(name) asks for \(perms)")
            // Red only after the action committed the state: the failing step reads exit-status.
            let fail = try #require(Self.index(steps, "Fail"), "\(file): job \(name) has no Fail step")
            let last = try #require(
                steps.lastIndex { ($0["uses"] as? String)?.hasPrefix("trackbot/trackbot@") == true })
            #expect(last < fail, "\(file): job \(name) fails before the action ran")
            let status = (steps[fail]["env"] as? [String: Any])?["STATUS"] as? String ?? ""
            #expect(status.hasSuffix(".outputs.exit-status }}"), "\(file): job \(name): STATUS is \(status)")
        }

        let all = Self.uses(w)
        #expect(!all.isEmpty)
        for use in all {
            let parts = use.split(separator: "@")
            let pinned = parts.count == 2 && parts[1].count == 40 && parts[1].allSatisfy(\.isHexDigit)
            #expect(pinned, "\(file): \(use) is not pinned to a full commit SHA")
        }
        for reference in Self.imageReferences(w) {
            #expect(Self.pinnedByDigest(reference), "\(file): image \(reference) is not pinned by a sha256 digest")
        }
        // bash with -e and pipefail in every run: block.
        #expect(
            ((w["defaults"] as? [String: Any])?["run"] as? [String: Any])?["shell"] as? String == "bash",
            "\(file): no defaults.run.shell: bash")
        // The version comment beside each pin.
        let text = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("workflows/\(file)"), encoding: .utf8)
        for line in text.split(separator: "\n") where line.contains("uses:") {
            #expect(line.contains("# v"), "\(file): \(line) has no version comment")
        }
    }

    @Test func scheduledWorkflow() throws {
        let w = try Self.load("trackbot.yml")
        try checkCommon(w, file: "trackbot.yml")
        let steps = Self.steps(w, job: "watch")
        let perms = try #require(
            ((w["jobs"] as? [String: Any])?["watch"] as? [String: Any])?["permissions"] as? [String: String])
        #expect(perms == ["contents": "write", "issues": "write"])
        let cache = try #require(
            steps.first { ($0["uses"] as? String)?.hasPrefix("actions/cache@") == true }?["with"] as? [String: Any])
        #expect((cache["key"] as? String)?.contains("github.run_id") == true)
        #expect(cache["restore-keys"] != nil)

        // One pass: one action step runs watch --open-issues (or check IMAGE), writing the reports,
        // the state and the issues, and commits the state.
        let actions = Self.actionSteps(steps)
        #expect(actions.count == 1, "trackbot should check once per run")
        let watchStep: [String: Any] = try #require(Self.step(steps, "Watch"))
        let watch = Self.with(watchStep)
        #expect(watch["command"] == "${{ steps.command.outputs.args }}")
        let choose = try #require(Self.step(steps, "Choose the command")?["run"] as? String)
        #expect(choose.contains("args=watch --open-issues") && choose.contains("args=check $IMAGE"))
        #expect(watch["outputs"] == "json=report.json markdown=summary.md")
        #expect(watch["state-branch"] == "${{ env.STATE_BRANCH }}" && watch["commit-state"] == "true")
        #expect(watch["cache-dir"] == "${{ env.TRACKBOT_CACHE }}" && watch["config"] == "config/trackbot.toml")
        #expect((Self.step(steps, "Watch")?["env"] as? [String: Any])?["GITHUB_TOKEN"] != nil)
        let annotations = try #require(Self.step(steps, "Alerts as annotations"))
        #expect((annotations["run"] as? String)?.contains("::error title=") == true, "alerts do not become annotations")
        #expect((annotations["env"] as? [String: Any])?["REPORT"] as? String == "${{ steps.watch.outputs.report }}")
        let fail = try #require(Self.step(steps, "Fail the run"))
        #expect((fail["run"] as? String)?.contains("exit 1") == true)
        #expect((fail["env"] as? [String: Any])?["STATUS"] as? String == "${{ steps.watch.outputs.exit-status }}")
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
        let choose = try #require(Self.step(shardSteps, "Choose the command"))
        let chooseEnv = try #require(choose["env"] as? [String: Any])
        #expect(chooseEnv["SHARD"] as? String == "${{ matrix.shard }}")
        #expect(chooseEnv["SHARDS"] as? String == "${{ strategy.job-total }}")
        #expect((choose["run"] as? String)?.contains("args=watch --shard $SHARD/$SHARDS") == true)
        #expect((choose["run"] as? String)?.contains("--open-issues") == false)
        let watchStep = try #require(Self.step(shardSteps, "Watch shard"))
        let watch = Self.with(watchStep)
        #expect(watch["outputs"] == "json=report.json markdown=summary.md")
        #expect(watch["state-branch"] == "${{ env.STATE_BRANCH }}")
        #expect(watch["commit-state"] == "false", "a shard job must not commit")
        #expect(watchStep["env"] == nil, "a shard job gets no token")
        let failShard = try #require(Self.step(shardSteps, "Fail this shard")?["run"] as? String)
        #expect(
            failShard.contains("-gt 1 ]; then exit \"$STATUS\"; fi"),
            "a shard should fail only when something could not be checked")
        let upload = try #require(
            shardSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact@") == true })
        #expect(upload["if"] as? String == "always()", "a failed shard's report and state should still reach the merge")
        let uploaded = ((upload["with"] as? [String: Any])?["path"] as? String ?? "").split(separator: "\n").map(
            String.init)
        #expect(Set(uploaded) == ["report.json", "trackbot-state.json"])
        #expect((shard["permissions"] as? [String: String]) == ["contents": "read"])

        let merge = try #require(jobs["merge"] as? [String: Any])
        #expect(merge["needs"] as? String == "shard")
        #expect(merge["if"] as? String == "always()")
        let mergeSteps = Self.steps(w, job: "merge")
        #expect(mergeSteps.contains { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact@") == true })
        // Issues from the shards' reports and the merged state; never a second check.
        let actions = Self.actionSteps(mergeSteps)
        #expect(actions.count == 1)
        let sync = Self.with(actions.first)
        #expect(sync["command"] == "issues sync shards/*/report.json")
        #expect(sync["merge-states"] == "shards/*/trackbot-state.json")
        #expect(sync["state-branch"] == "${{ env.STATE_BRANCH }}" && sync["commit-state"] == "true")
        #expect(sync["cache-dir"] == nil && sync["outputs"] == nil, "the merge job checks nothing again")
        #expect((actions.first?["env"] as? [String: Any])?["GITHUB_TOKEN"] != nil)
        let mergeScript = Self.runText(mergeSteps)
        #expect(
            mergeScript.contains("jq -r") && mergeScript.contains("::error title="), "alerts do not become annotations")
        #expect((merge["permissions"] as? [String: String]) == ["contents": "write", "issues": "write"])
        let fail = try #require(Self.step(mergeSteps, "Fail the run"))
        #expect((fail["env"] as? [String: Any])?["STATUS"] as? String == "${{ steps.issues.outputs.exit-status }}")
        #expect((fail["run"] as? String)?.contains("exit 1") == true)
    }
}
