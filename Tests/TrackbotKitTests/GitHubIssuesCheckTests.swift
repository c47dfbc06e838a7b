import Foundation
import GitHub
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `watch --open-issues` through `CheckCommand.run`: a moved upstream tag opens one issue, which
/// stays open (and unchanged) on the next runs until a person answers the alert, then closes; a
/// GitHub failure exits 2 with the report still printed.
@Suite struct GitHubIssuesCheckTests {
    @Test func checkWithOpenIssuesOpensOneIssueAndAGitHubFailureExitsTwo() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let token = "ghp_check" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let github = try await GitHubStandIn.start(token: token, logDirectory: world.dir.url)
        try Data("\n[github]\nrepository = \"acme/images\"\nlabels = [\"trackbot\"]\n".utf8)
            .append(to: world.configPath)

        let t1 = try world.commit("tagged", files: ["Dockerfile": "FROM scratch\n"])
        let t2 = try world.commit("tagged", files: ["NEWS": "later\n"])
        try world.upstreamGit("tagged", ["tag", "v1", t1])
        try world.upstreamGit("tagged", ["push", "--quiet", "origin", "main", "v1"])
        try world.library(
            "tagged", SyntheticWorld.libraryFile(repo: "tagged", entries: [("1", "refs/tags/v1", t1, "")]))

        var settings = GitHubSettings(apiURL: github.url, token: Secret(token))
        settings.mutationSpacing = 0
        let request = CheckCommand.Request(references: ["tagged"], openIssues: true, github: settings)
        let quiet = try await CheckCommand.run(request, options: world.options(noRegistry: true))
        #expect(quiet.exitCode == 0, "\(quiet.diagnostics)")
        #expect(try github.issues(repo: "acme/images").isEmpty)

        try world.upstreamGit("tagged", ["tag", "-f", "v1", t2])
        try world.upstreamGit("tagged", ["push", "--quiet", "--force", "origin", "v1"])
        let moved = try await CheckCommand.run(request, options: world.options(noRegistry: true))
        #expect(moved.exitCode == 1, "\(moved.diagnostics)")
        #expect(
            moved.diagnostics.contains("GitHub: created issue #1: trackbot: tagged upstream-rewritten"),
            "\(moved.diagnostics)")
        var issues = try github.issues(repo: "acme/images")
        #expect(issues.count == 1)
        #expect(
            issues.first?.body.contains("<!-- trackbot:v1 image=tagged; kind=upstream-rewritten; instance=") == true)
        #expect(issues.first?.body.contains(t2) == true)
        let body = issues.first?.body

        // The mirror has the new tip now, so the move is not seen again; the alert is kept all the
        // same, and its issue stays open and unchanged, on the second and third run.
        for _ in 0..<2 {
            let again = try await CheckCommand.run(request, options: world.options(noRegistry: true))
            #expect(again.exitCode == 1, "\(again.diagnostics)")
            #expect(
                !again.diagnostics.contains {
                    $0.contains("created") || $0.contains("closed") || $0.contains("updated")
                }, "\(again.diagnostics)")
        }
        issues = try github.issues(repo: "acme/images")
        #expect(issues.map(\.state) == ["open"])
        #expect(issues.first?.body == body)
        #expect(try github.requests().filter { $0.method == "PATCH" }.isEmpty)

        // A person answers it: the next run closes the issue with a comment.
        var ackOptions = world.options()
        ackOptions.format = .text
        _ = try await AckCommand.run(
            .init(
                reference: "tagged", kind: "upstream-rewritten", reason: "upstream retagged v1 on purpose", by: "ana"),
            options: ackOptions)
        let after = try await CheckCommand.run(request, options: world.options(noRegistry: true))
        #expect(after.exitCode == 0, "\(after.diagnostics)")
        #expect(
            after.diagnostics.contains("GitHub: closed issue #1: trackbot: tagged upstream-rewritten"),
            "\(after.diagnostics)")
        #expect(after.output.contains("upstream retagged v1 on purpose"))
        issues = try github.issues(repo: "acme/images")
        #expect(issues.map(\.state) == ["closed"])
        #expect(issues.first?.comments.count == 1)

        // A bad token: the report is still there, the exit status is 2, the token is not shown.
        var bad = request
        bad.github?.token = Secret("ghp_wrong" + token)
        let failed = try await CheckCommand.run(bad, options: world.options(noRegistry: true))
        #expect(failed.exitCode == 2)
        #expect(failed.output.contains("\"tagged\""))
        #expect(
            failed.diagnostics.contains { $0.contains("GitHub issues:") && $0.contains("401") }, "\(failed.diagnostics)"
        )
        #expect(
            !(failed.diagnostics + [failed.output, moved.output] + moved.diagnostics + after.diagnostics).joined()
                .contains(token))
        #expect(try github.requests().allSatisfy { !$0.body.contains(token) && !$0.path.contains(token) })
    }
}

extension Data {
    /// Appends to an existing file.
    func append(to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: self)
    }
}
