import Foundation
import GitHub
import HTTPTransport
import Reporting
import TestSupport
import Testing
import TrackbotCore
import Tracking

/// Issue syncing against the GitHub API stand-in: one issue per alert group, never duplicated.
@Suite struct GitHubIssuesTests {
    static let repo = "acme/images"

    /// A stand-in, a client for it with a fresh token, and the sync settings most tests use.
    struct Setup {
        let dir: TemporaryDirectory
        let github: GitHubStandIn
        let token: String
        let client: GitHubClient
        var sync = IssueSync(repository: GitHubIssuesTests.repo, labels: ["trackbot", "alert"])

        init(requestTimeout: Double = 10) throws {
            dir = try TemporaryDirectory("github-issues")
            token = "ghp_test" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            github = try GitHubStandIn(token: token, logDirectory: dir.url)
            var settings = GitHubSettings(apiURL: github.url, token: Secret(token))
            settings.mutationSpacing = 0.01
            settings.requestTimeout = requestTimeout
            client = GitHubClient(settings: settings)
        }

        func run(_ findings: [Finding], checked: Set<String> = ["alpine", "node"]) async throws -> IssueSync.Result {
            try await sync.run(findings: findings, checkedImages: checked, client: client)
        }

        func issues() throws -> [GitHubStandIn.Issue] { try github.issues(repo: GitHubIssuesTests.repo) }

        func requests(_ method: String, _ pathPrefix: String) throws -> [GitHubStandIn.Request] {
            try github.requests().filter { $0.method == method && $0.path.hasPrefix(pathPrefix) }
        }

        /// The token appears in no recorded request path or body and in none of `texts`.
        func expectTokenAbsent(_ texts: [String] = []) throws {
            for r in try github.requests() {
                #expect(!r.path.contains(token) && !r.body.contains(token))
                #expect(r.authorized)
            }
            for t in texts { #expect(!t.contains(token)) }
            #expect(!github.server.log().contains(token))
        }
    }

    static func drift(_ tag: String = "3.20", actual: String = "sha256:bbbb", image: String = "alpine") -> Finding {
        Finding(
            kind: .digestDrift, severity: .alert, image: image, tag: tag, arch: "amd64",
            message: "published digest changed without a library change", expected: "sha256:aaaa", actual: actual)
    }

    @Test func threeRunsWithTheSameAlertMakeOneIssue() async throws {
        let s = try await offPool { try Setup() }
        let findings = [
            Self.drift(), Self.drift("3.21"),
            Finding(kind: .tagAdded, severity: .info, image: "alpine", tag: "3.22", message: "new tag"),
        ]
        let first = try await s.run(findings)
        let second = try await s.run(findings)
        let third = try await s.run(findings)

        #expect(first.actions.map(\.kind) == [.create])
        #expect(second.actions.map(\.kind) == [.unchanged])
        #expect(third.actions.map(\.kind) == [.unchanged])
        let issues = try s.issues()
        #expect(issues.count == 1)
        #expect(issues.first?.title == "trackbot: alpine digest-drift (3.20, 3.21)")
        #expect(issues.first?.body.contains("<!-- trackbot:v1 image=alpine; kind=digest-drift; instance=") == true)
        #expect(issues.first?.body.contains("| `alpine` | `3.21` | `amd64` |") == true)
        #expect(issues.first?.body.contains("tag-added") == false)
        let posts = try s.requests("POST", "/repos/\(Self.repo)/issues")
        #expect(posts.count == 1)
        #expect(posts.first?.body.contains("\"labels\":[\"trackbot\",\"alert\"]") == true)
        #expect(try s.requests("PATCH", "/").isEmpty)
        #expect(
            try s.requests("GET", "/").allSatisfy {
                $0.path.contains("state=all") && $0.path.contains("labels=trackbot,alert")
            })
        try s.expectTokenAbsent(first.lines + second.lines)
    }

    @Test func aChangedFindingUpdatesTheSameIssue() async throws {
        let s = try await offPool { try Setup() }
        _ = try await s.run([Self.drift()])
        let changed = try await s.run([Self.drift(actual: "sha256:cccc"), Self.drift("3.21", actual: "sha256:cccc")])

        #expect(changed.actions.map(\.kind) == [.update])
        #expect(changed.actions.first?.number == 1)
        let issues = try s.issues()
        #expect(issues.count == 1)
        #expect(issues.first?.body.contains("sha256:cccc") == true)
        #expect(issues.first?.body.contains("sha256:bbbb") == false)
        #expect(issues.first?.title == "trackbot: alpine digest-drift (3.20, 3.21)")
        #expect(try s.requests("PATCH", "/repos/\(Self.repo)/issues/1").count == 1)
        #expect(changed.lines == ["updated issue #1: trackbot: alpine digest-drift (3.20, 3.21)"])
    }

    @Test func aResolvedFindingIsCommentedAndClosedOnlyWhenItsImageWasChecked() async throws {
        let s = try await offPool { try Setup() }
        _ = try await s.run([Self.drift(), Self.drift(image: "node")])
        // node was not checked this run (failed or not asked for): its issue stays open.
        let resolved = try await s.run([], checked: ["alpine"])

        #expect(resolved.actions.map(\.kind) == [.close])
        #expect(resolved.actions.first?.image == "alpine")
        let issues = try s.issues().sorted { $0.number < $1.number }
        #expect(issues.map(\.state) == ["closed", "open"])
        #expect(issues.first?.comments.count == 1)
        #expect(issues.first?.comments.first?.contains("no open `digest-drift` alert") == true)

        // Closed stays closed, and nothing more is said, while the finding stays away.
        let again = try await s.run([], checked: ["alpine"])
        #expect(again.actions.isEmpty)
        #expect(try s.issues().first { $0.number == 1 }?.comments.count == 1)
    }

    @Test func closeResolvedFalseLeavesTheIssueOpen() async throws {
        var s = try await offPool { try Setup() }
        s.sync.closeResolved = false
        _ = try await s.run([Self.drift()])
        let resolved = try await s.run([])
        #expect(resolved.actions.isEmpty)
        #expect(try s.issues().map(\.state) == ["open"])
        #expect(try s.requests("POST", "/repos/\(Self.repo)/issues/1/comments").isEmpty)
    }

    /// Alert records as the state holds them (no issue yet).
    static func records(_ findings: [Finding]) -> [AlertRecord] {
        findings.map { AlertRecord($0, image: $0.image ?? "-", now: "") }
    }

    @Test func flappingUpdatesOneIssueAndAReturningAlertGetsANewIssueNeverAReopen() async throws {
        let s = try await offPool { try Setup() }
        let a = [Self.drift()]
        let b = [Self.drift("3.21", actual: "sha256:dddd")]
        let r1 = try await s.run(a)
        let r2 = try await s.run(b)
        let r3 = try await s.run(a)
        #expect([r1, r2, r3].map { $0.actions.map(\.kind) } == [[.create], [.update], [.update]])
        let gone = try await s.run([])
        let back = try await s.run(a)
        #expect(gone.actions.map(\.kind) == [.close])
        // A closed issue is never reopened: an alert that comes back is a new alert, with a new issue.
        #expect(back.actions.map(\.kind) == [.create])

        let issues = try s.issues().sorted { $0.number < $1.number }
        #expect(issues.map(\.state) == ["closed", "open"])
        #expect(issues.last?.title == "trackbot: alpine digest-drift (3.20)")
        #expect(issues.last?.body == IssueContent(AlertGroup.groups(Self.records(a))[0]).body)
        #expect(
            try s.requests("POST", "/repos/\(Self.repo)/issues").filter { !$0.path.contains("comments") }.count == 2)
    }

    @Test func everyPageOf150IssuesIsSearchedAndTheMatchOnPageFiveIsUpdated() async throws {
        let s = try await offPool { try Setup() }
        let old = IssueContent(AlertGroup.groups(Self.records([Self.drift(actual: "sha256:0000")]))[0])
        var seed: [(title: String, body: String, state: String, labels: [String])] = []
        for n in 1...150 {
            // Lists come newest first, 30 a page: issue 7 is on page 5.
            if n == 7 {
                seed.append((old.title, old.body, "open", ["trackbot", "alert"]))
            } else {
                seed.append(
                    (
                        "other \(n)", "<!-- trackbot:v1 image=other\(n); kind=rebuilt -->",
                        n % 3 == 0 ? "closed" : "open",
                        ["trackbot", "alert"]
                    ))
            }
        }
        try s.github.seed(repo: Self.repo, seed)
        let result = try await s.run([Self.drift()], checked: ["alpine"])

        #expect(result.actions.map(\.kind) == [.update])
        #expect(result.actions.first?.number == 7)
        let gets = try s.requests("GET", "/repos/\(Self.repo)/issues")
        #expect(gets.count == 5)
        #expect(gets.last?.path.contains("page=5") == true)
        #expect(try s.requests("POST", "/repos/\(Self.repo)/issues").isEmpty)
        let issues = try s.issues()
        #expect(issues.count == 150)
        #expect(issues.first { $0.number == 7 }?.state == "open")
        // Images not checked this run keep their open issues.
        #expect(issues.filter { $0.state == "open" }.count == 100)
    }

    @Test func aCreateThatTimesOutIsLookedUpAndNotDuplicated() async throws {
        let s = try await offPool { try Setup(requestTimeout: 1) }
        try s.github.fail("create-then-stall", method: "POST", stall: 3)
        let result = try await s.run([Self.drift()])

        #expect(result.actions.map(\.kind) == [.create])
        #expect(result.actions.first?.number == 1)
        #expect(try s.issues().count == 1)
        let record = try s.github.requests().map { "\($0.method) \($0.path.split(separator: "?")[0])" }
        // list, POST (timed out), list again (found it), and no second POST.
        #expect(
            record == [
                "GET /repos/\(Self.repo)/issues", "POST /repos/\(Self.repo)/issues", "GET /repos/\(Self.repo)/issues",
            ])
        let again = try await s.run([Self.drift()])
        #expect(again.actions.map(\.kind) == [.unchanged])
    }

    @Test func aCreateAnswered502AfterCreatingIsNotDuplicated() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("create-then-502", method: "POST")
        let result = try await s.run([Self.drift()])
        #expect(result.actions.map(\.kind) == [.create])
        #expect(try s.issues().count == 1)
        #expect(try s.requests("POST", "/repos/\(Self.repo)/issues").count == 1)
    }

    @Test func aCreateWhoseAnswerIsDroppedOnAKeptAliveConnectionIsNotDuplicated() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("create-then-drop", method: "POST")
        let result = try await s.run([Self.drift()])

        #expect(result.actions.map(\.kind) == [.create])
        #expect(result.actions.first?.number == 1)
        #expect(try s.issues().count == 1)
        let record = try s.github.requests()
        // list, POST (created, answer dropped), list again (found it), and no second POST: libcurl
        // did not resend the POST behind our back.
        #expect(
            record.map { "\($0.method) \($0.path.split(separator: "?")[0])" }
                == [
                    "GET /repos/\(Self.repo)/issues", "POST /repos/\(Self.repo)/issues",
                    "GET /repos/\(Self.repo)/issues",
                ])
        if record.count == 3 {
            // The POST went out on a connection of its own, not the list's kept-alive one (which
            // libcurl would have reused, and resent on). Whether the second list reuses the first
            // one's connection is libcurl's choice, so it is not asserted.
            #expect(record[1].connection != record[0].connection)
        }
    }

    @Test func aDroppedPOSTAnswerReachesTheCallerAsAnEmptyReply() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("create-then-drop", method: "POST")
        let http = HTTPClient()
        let url = s.github.url + "/repos/\(Self.repo)/issues"
        var list = HTTPRequest(.get, url)
        list.authorize("Bearer", Secret(s.token))
        #expect(try await http.send(list).newConnections == 1)
        var create = HTTPRequest(.post, url, body: Array(#"{"title": "t"}"#.utf8))
        create.authorize("Bearer", Secret(s.token))
        do {
            _ = try await http.send(create)
            Issue.record("the POST succeeded: libcurl resent it after the drop")
        } catch let error as HTTPError {
            guard case .transport(_, _, let code, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(code == 52)  // CURLE_GOT_NOTHING
        }
        #expect(try s.issues().count == 1)
    }

    @Test func onlyPOSTGoesOutOnAFreshConnectionByDefault() {
        #expect(HTTPRequest(.post, "http://h/").freshConnection)
        #expect(!HTTPRequest(.get, "http://h/").freshConnection)
        #expect(!HTTPRequest(.patch, "http://h/").freshConnection)
        #expect(!HTTPRequest(.post, "http://h/", freshConnection: false).freshConnection)
    }

    @Test func a502BeforeCreatingIsRetriedAfterALookUp() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("502", method: "POST")
        let result = try await s.run([Self.drift()])
        #expect(result.actions.map(\.kind) == [.create])
        #expect(try s.issues().count == 1)
        let record = try s.github.requests().map { "\($0.method) \($0.path.split(separator: "?")[0])" }
        #expect(
            record == [
                "GET /repos/\(Self.repo)/issues", "POST /repos/\(Self.repo)/issues",
                "GET /repos/\(Self.repo)/issues", "POST /repos/\(Self.repo)/issues",
            ])
    }

    @Test func aSecondaryRateLimitIsWaitedOutThenRetried() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("rate-limit", method: "POST")
        let started = Date()
        let result = try await s.run([Self.drift()])
        #expect(result.actions.map(\.kind) == [.create])
        #expect(try s.issues().count == 1)
        #expect(try s.requests("POST", "/repos/\(Self.repo)/issues").count == 2)
        // retry-after: 1 was honoured (a lower bound only).
        #expect(Date().timeIntervalSince(started) >= 0.95)
    }

    @Test func anExhaustedRateLimitWaitsForItsResetTime() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("primary-rate-limit", method: "GET", retry: 1)
        let result = try await s.run([Self.drift()])
        #expect(result.actions.map(\.kind) == [.create])
        let gets = try s.requests("GET", "/repos/\(Self.repo)/issues")
        #expect(gets.count == 2)
        // Waited until x-ratelimit-reset had passed (a lower bound only).
        if gets.count == 2 { #expect(gets[1].time - gets[0].time >= 0.95) }
    }

    @Test func aRateLimitLongerThanTheBoundStopsTheRun() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("rate-limit", method: "POST", retry: 3600)
        await #expect(
            throws: GitHubError.rateLimited(method: "POST", path: "/repos/\(Self.repo)/issues", waitSeconds: 3600)
        ) {
            _ = try await s.run([Self.drift()])
        }
        #expect(try s.issues().isEmpty)
    }

    @Test func aNextPageOffTheAPIHostIsRefused() async throws {
        let s = try await offPool { try Setup() }
        try s.github.seed(repo: Self.repo, (1...40).map { ("other \($0)", "", "open", ["trackbot", "alert"]) })
        try s.github.fail("foreign-link", method: "GET")
        await #expect(throws: GitHubError.self) { _ = try await s.run([Self.drift()]) }
        do { _ = try await s.run([]) } catch { Issue.record("a second, ordinary run failed: \(error)") }
        let gets = try s.requests("GET", "/repos/\(Self.repo)/issues")
        // The first run stopped after page 1; the second read both pages.
        #expect(gets.count == 3)
        #expect(try s.requests("POST", "/").isEmpty)
    }

    @Test func mutationsAreSpaced() async throws {
        let s = try await offPool { try Setup() }
        var settings = GitHubSettings(apiURL: s.github.url, token: Secret(s.token))
        settings.mutationSpacing = 0.3
        let spaced = GitHubClient(settings: settings)
        let findings = [Self.drift(), Self.drift(image: "node"), Self.drift(image: "busybox")]
        _ = try await s.sync.run(findings: findings, checkedImages: [], client: spaced)
        _ = try await s.sync.run(findings: [], checkedImages: ["alpine", "node", "busybox"], client: spaced)
        let mutations = try s.github.requests().filter { $0.method != "GET" }
        // 3 creates, then a comment and a close for each.
        #expect(mutations.count == 9)
        for (a, b) in zip(mutations, mutations.dropFirst()) { #expect(b.time - a.time >= 0.28) }
        #expect(try s.issues().allSatisfy { $0.state == "closed" })
    }

    @Test func aListAnswered502IsRetried() async throws {
        let s = try await offPool { try Setup() }
        try s.github.fail("502", method: "GET")
        let result = try await s.run([Self.drift()])
        #expect(result.actions.map(\.kind) == [.create])
        #expect(try s.requests("GET", "/repos/\(Self.repo)/issues").count == 2)
    }

    @Test func dryRunListsButChangesNothing() async throws {
        var s = try await offPool { try Setup() }
        _ = try await s.run([Self.drift(image: "node")])
        s.sync.dryRun = true
        let result = try await s.run([Self.drift()])
        #expect(
            Set(result.lines) == [
                "would create issue: trackbot: alpine digest-drift (3.20)",
                "would close issue #1: trackbot: node digest-drift (3.20)",
            ])
        #expect(try s.issues().map(\.state) == ["open"])
        #expect(try s.github.requests().filter { $0.method != "GET" }.count == 1)
    }

    @Test func aWrongTokenFailsWithoutShowingIt() async throws {
        let s = try await offPool { try Setup() }
        let wrong = "ghp_wrong" + UUID().uuidString
        var settings = GitHubSettings(apiURL: s.github.url, token: Secret(wrong))
        settings.mutationSpacing = 0
        await #expect(throws: GitHubError.self) {
            _ = try await s.sync.run(
                findings: [Self.drift()], checkedImages: [], client: GitHubClient(settings: settings))
        }
        do {
            _ = try await s.sync.run(
                findings: [Self.drift()], checkedImages: [], client: GitHubClient(settings: settings))
        } catch {
            let text = "\(error)"
            #expect(text.contains("401"))
            #expect(text.contains("GITHUB_TOKEN"))
            #expect(!text.contains(wrong))
        }
        #expect(try s.github.requests().allSatisfy { !$0.authorized })
        #expect(!s.github.server.log().contains(wrong))
    }

    @Test func noTokenIsRefusedBeforeAnyRequestUnlessDryRun() async throws {
        var s = try await offPool { try Setup() }
        let anonymous = GitHubClient(settings: GitHubSettings(apiURL: s.github.url, token: nil))
        await #expect(throws: GitHubError.missingToken) {
            _ = try await s.sync.run(findings: [Self.drift()], checkedImages: [], client: anonymous)
        }
        #expect(try s.github.requests().isEmpty)
        s.sync.repository = "not-a-repo"
        await #expect(throws: GitHubError.invalidRepository("not-a-repo")) {
            _ = try await s.run([Self.drift()])
        }
    }

    @Test func settingsComeFromTheEnvironment() {
        let s = GitHubSettings.fromEnvironment([
            "GITHUB_TOKEN": "ghp_x", "GITHUB_API_URL": "https://ghe.example/api/v3/",
        ])
        #expect(s.apiURL == "https://ghe.example/api/v3")
        #expect(s.token?.value == "ghp_x")
        #expect("\(String(describing: s.token))".contains("ghp_x") == false)
        let d = GitHubSettings.fromEnvironment([:])
        #expect(d.apiURL == "https://api.github.com")
        #expect(d.token == nil)
    }

    @Test func theMarkerRoundTripsAndIgnoresOtherIssues() {
        let key = IssueKey(image: "alpine", kind: "digest-drift")
        #expect(IssueMarker.key(in: "text\n" + IssueMarker.marker(key) + "\n") == key)
        #expect(IssueMarker.key(in: "an issue a person wrote") == nil)
        #expect(IssueMarker.key(in: nil) == nil)
        let content = IssueContent(AlertGroup.groups(Self.records([Self.drift()]))[0])
        #expect(IssueMarker.hash(in: content.body) == content.hash)
        #expect(
            content.hash != IssueContent(AlertGroup.groups(Self.records([Self.drift(actual: "sha256:eeee")]))[0]).hash)
        #expect(IssueMarker.instance(in: content.body) == AlertGroup.groups(Self.records([Self.drift()]))[0].instance)
    }
}
