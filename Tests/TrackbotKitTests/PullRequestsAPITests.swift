import Foundation
import GitHub
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// With the GitHub API (the local stand-in), the open pull requests are exactly the API's, not approximate.
@Suite struct PullRequestsAPITests {
    @Test func theAPIListIsTheTruth() async throws {
        let world = try await offPool { try PullRequestsTests.World() }
        let token = "ghp_standin_\(UUID().uuidString.prefix(8))"
        let standIn = try await GitHubStandIn.start(token: token, logDirectory: world.dir.url)
        // 40 pulls (two pages of 30): 21254 and 20400 open and touching alpine, the rest closed or elsewhere.
        var pulls: [(number: Int, state: String)] = (1...38).map { (100_000 + $0, "closed") }
        pulls += [(21254, "open"), (20400, "open")]
        try standIn.setPulls(repo: "docker-library/official-images", pulls)
        let source = GitHubPullRequests(
            settings: GitHubSettings(apiURL: standIn.url, token: Secret(token)),
            repository: "docker-library/official-images")
        #expect(try await source.openPullRequests() == [20400, 21254])
        var options = world.options
        options.format = .json
        let result = try await PullRequestsCommand.run(
            .init(images: ["alpine"], upstreamLogs: false), options: options, source: source)
        let report = try JSONDecoder().decode(PullRequestsReport.self, from: Data(result.output.utf8))
        #expect(!report.approximate)
        #expect(report.source == "GitHub API")
        #expect(report.examined == 2)
        #expect(report.pullRequests.map(\.number) == [20400, 21254])
        #expect(!result.output.contains(token))
        #expect(
            GitHubPullRequests.repository(of: "https://github.com/docker-library/official-images.git")
                == "docker-library/official-images")
    }
}
