import Foundation
import TestSupport
import Testing

/// The workflows in workflows/ and .github/workflows/ and action.yml, as GitHub reads them:
/// `scripts/check-workflows` validates them against the GitHub workflow and action schemas that
/// check-jsonschema vendors, and runs shellcheck over every `run:` block and the action's
/// entrypoint. A broken fixture proves the check can fail.
@Suite struct WorkflowSchemaTests {
    /// check-workflows' exit status and everything it printed.
    static func checkWorkflows(_ files: [String] = [], environment: [String: String]? = nil) throws -> (
        status: Int32, output: String
    ) {
        // The interpreter itself, not a wrapper on PATH (pyenv's shims are bash scripts), so that
        // a PATH without tools still runs it.
        let python = try run(
            try requireTool("python3", package: "python3"), ["-c", "import sys; print(sys.executable)"]
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        do { try run(python, ["-c", "import yaml"]) } catch {
            throw TestSupportError.toolMissing(tool: "python3 module yaml (PyYAML)", package: "python3-yaml")
        }
        let script = TestPaths.packageRoot.appendingPathComponent("scripts/check-workflows").path
        do {
            let output = try run(python, [script] + files, cwd: TestPaths.packageRoot, environment: environment)
            return (0, output)
        } catch TestSupportError.commandFailed(_, let status, let output) {
            return (status, output)
        }
    }

    /// The files the default run must cover: every workflow, and the action.
    static func expectedFiles() throws -> [String] {
        let root = TestPaths.packageRoot
        var files = ["action.yml"]
        for dir in ["workflows", ".github/workflows"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(dir).path)
            files += names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.map { "\(dir)/\($0)" }
        }
        return files
    }

    @Test func githubSchemas_workflowsAndTheActionValidateAndTheirShellPassesShellcheck() throws {
        let (status, output) = try Self.checkWorkflows()
        // 3: a tool is missing; the output says what to install.
        #expect(status == 0, "scripts/check-workflows found problems (exit \(status)):\n\(output)")
        let files = try Self.expectedFiles()
        #expect(files.count >= 4, "\(files)")
        #expect(output.contains("check-workflows: \(files.count) files, 0 problems"), "\(files)\n\(output)")
    }

    /// A workflow with `continue-on-eror:` (a typo'd key) and `for f in $(ls $REPORT)` (a shell
    /// mistake): both are reported, each naming the file, the job and the step.
    @Test func githubSchemas_aTypoedKeyAndAShellMistakeAreReported() throws {
        let fixture = "Tests/Fixtures/workflows/broken/workflow.yml"
        let (status, output) = try Self.checkWorkflows([fixture])
        #expect(status == 1, "exit \(status):\n\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasPrefix("\(fixture): job watch step 1 (A key with a typo)")
                    && $0.contains("'continue-on-eror' was unexpected") && $0.contains("vendor.github-workflows")
            }, "\(output)")
        #expect(
            lines.contains {
                $0.hasPrefix("\(fixture): job watch step 2 (A shell mistake)") && $0.contains("SC2045")
            }, "\(output)")
        #expect(
            lines.contains {
                $0.hasPrefix("\(fixture): job watch step 2 (A shell mistake)") && $0.contains("SC2086")
            }, "the unquoted ${{ }} placeholder should be seen as a variable:\n\(output)")
        #expect(!output.contains("step 1 (A key with a typo): line"), "step 1's shell is fine:\n\(output)")
    }

    /// Without shellcheck the check stops (exit 3) and says what to install, rather than pass.
    @Test func githubSchemas_aMissingToolStopsTheCheckWithWhatToInstall() throws {
        let empty = try TemporaryDirectory("no-tools")
        let (status, output) = try Self.checkWorkflows(environment: ["PATH": empty.url.path])
        #expect(status == 3, "exit \(status):\n\(output)")
        // check-jsonschema from .build/venv is found without PATH; shellcheck is not.
        let venv = TestPaths.packageRoot.appendingPathComponent(".build/venv/bin/check-jsonschema").path
        if FileManager.default.isExecutableFile(atPath: venv) {
            #expect(output.contains("shellcheck is not installed: apt-get install shellcheck"), "\(output)")
        } else {
            #expect(output.contains("check-jsonschema is not installed: run scripts/install-deps"), "\(output)")
        }
    }
}
