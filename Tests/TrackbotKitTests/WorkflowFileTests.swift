import Foundation
import Testing
import TestSupport

/// The workflow files users copy parse as YAML and carry the parts docs/ci.md promises.
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

    static func runText(_ steps: [[String: Any]]) -> String { steps.compactMap { $0["run"] as? String }.joined(separator: "\n") }

    func checkCommon(_ w: [String: Any], file: String) throws {
        // "on" is read as the boolean true by YAML 1.1; the loader turned it back into "true".
        let on = try #require((w["on"] ?? w["true"]) as? [String: Any], "\(file): no `on:` triggers")
        let schedule = try #require(on["schedule"] as? [[String: Any]], "\(file): no schedule")
        for entry in schedule {
            let cron = try #require(entry["cron"] as? String)
            let minute = cron.split(separator: " ").first.map(String.init)
            #expect(minute != "0" && minute != "00" && minute != "*", "\(file): cron \(cron) runs at minute 0, when GitHub's scheduler is busiest")
            #expect(Int(minute ?? "") != nil, "\(file): cron minute should be one fixed minute, got \(cron)")
        }
        let dispatch = try #require(on["workflow_dispatch"] as? [String: Any], "\(file): no workflow_dispatch")
        #expect((dispatch["inputs"] as? [String: Any])?["image"] != nil, "\(file): workflow_dispatch has no image input")

        let concurrency = try #require(w["concurrency"] as? [String: Any], "\(file): no concurrency")
        #expect(concurrency["group"] is String)
        #expect(concurrency["cancel-in-progress"] as? Bool == false, "\(file): cancel-in-progress must be false")

        #expect(w["permissions"] != nil, "\(file): no top-level permissions")
        let jobs = try #require(w["jobs"] as? [String: Any])
        for (name, job) in jobs {
            let perms = try #require((job as? [String: Any])?["permissions"] as? [String: String], "\(file): job \(name) has no permissions")
            // Least privilege: write access only for the job that needs it.
            let script = Self.runText(Self.steps(w, job: name))
            #expect(perms["contents"] != "write" || script.contains("git push"), "\(file): job \(name) can write contents but pushes nothing")
            #expect(perms["issues"] != "write" || script.contains("--open-issues"), "\(file): job \(name) can write issues but opens none")
            #expect(perms.keys.allSatisfy { ["contents", "issues"].contains($0) }, "\(file): job \(name) asks for \(perms)")
        }

        let all = Self.uses(w)
        #expect(!all.isEmpty)
        for use in all {
            let parts = use.split(separator: "@")
            let pinned = parts.count == 2 && parts[1].count == 40 && parts[1].allSatisfy(\.isHexDigit)
            #expect(pinned, "\(file): \(use) is not pinned to a full commit SHA")
        }
        // The version comment beside each pin.
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("workflows/\(file)"), encoding: .utf8)
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
        let perms = try #require(((w["jobs"] as? [String: Any])?["watch"] as? [String: Any])?["permissions"] as? [String: String])
        #expect(perms["contents"] == "write")
        #expect(Set(perms.values).isSubset(of: ["read", "write", "none"]))
        #expect(steps.contains { ($0["uses"] as? String)?.hasPrefix("actions/cache@") == true }, "no cache step")
        let cache = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("actions/cache@") == true }?["with"] as? [String: Any])
        #expect((cache["key"] as? String)?.contains("github.run_id") == true)
        #expect(cache["restore-keys"] != nil)
        let script = Self.runText(steps)
        #expect(script.contains("trackbot watch"))
        #expect(script.contains(">> \"$GITHUB_STEP_SUMMARY\""))
        #expect(script.contains("--format markdown"))
        #expect(script.contains("::error title="), "alerts do not become annotations")
        #expect(Self.pushRetry(script), "no fetch/rebase/push retry loop")
        #expect(steps.contains { ($0["env"] as? [String: Any])?["GITHUB_TOKEN"] != nil })
    }

    @Test func shardedWorkflow() throws {
        let w = try Self.load("trackbot-sharded.yml")
        try checkCommon(w, file: "trackbot-sharded.yml")
        let jobs = try #require(w["jobs"] as? [String: Any])
        let shard = try #require(jobs["shard"] as? [String: Any])
        let matrix = try #require((shard["strategy"] as? [String: Any])?["matrix"] as? [String: Any])
        #expect((matrix["shard"] as? [Int]) == [1, 2, 3, 4])
        let shardScript = Self.runText(Self.steps(w, job: "shard"))
        #expect(shardScript.contains("--shard ${{ matrix.shard }}/4"))
        #expect(Self.steps(w, job: "shard").contains { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact@") == true })
        #expect((shard["permissions"] as? [String: String])?["contents"] == "read")
        #expect((shard["permissions"] as? [String: String])?["issues"] == nil)

        let merge = try #require(jobs["merge"] as? [String: Any])
        #expect(merge["needs"] as? String == "shard")
        let mergeSteps = Self.steps(w, job: "merge")
        #expect(mergeSteps.contains { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact@") == true })
        let mergeScript = Self.runText(mergeSteps)
        #expect(mergeScript.contains("trackbot state merge"))
        #expect(mergeScript.contains("--open-issues"))
        #expect(Self.pushRetry(mergeScript))
        #expect((merge["permissions"] as? [String: String]) == ["contents": "write", "issues": "write"])
    }
}
