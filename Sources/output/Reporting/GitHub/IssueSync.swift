import Foundation
import GitHub
import TrackbotCore
import Tracking

/// Keeps one GitHub issue per alert group in step with the open alerts: creates, updates,
/// comments and closes, never creates a second issue for the same alerts, never reopens.
public struct IssueSync: Sendable {
    /// `OWNER/NAME`.
    public var repository: String
    public var labels: [String]
    /// Comment on and close an issue whose finding is gone.
    public var closeResolved: Bool
    /// Plan only: list issues, change nothing.
    public var dryRun: Bool
    /// Create attempts after an uncertain POST (each preceded by a look-up).
    public var createAttempts = 3

    public init(repository: String, labels: [String], closeResolved: Bool = true, dryRun: Bool = false) {
        self.repository = repository
        self.labels = labels
        self.closeResolved = closeResolved
        self.dryRun = dryRun
    }

    /// What happened (or, in a dry run, would happen) to one issue.
    public struct Action: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case create, update, reopen, close, acknowledged, unchanged }
        public var kind: Kind
        public var image: String
        public var findingKind: String
        public var number: Int?
        public var title: String
    }

    public struct Result: Codable, Sendable, Equatable {
        public var actions: [Action]
        public var dryRun: Bool
        /// Alert id → the issue that now reports it (to record in the state).
        public var issues: [String: Int] = [:]
        /// Alert id → the acknowledgement of a person who closed its issue.
        public var acknowledgements: [String: Acknowledgement] = [:]

        /// One line per issue touched, for the diagnostics stream.
        public var lines: [String] {
            actions.filter { $0.kind != .unchanged }.map { a in
                let number = a.number.map { " #\($0)" } ?? ""
                let verb: String
                switch a.kind {
                case .create: verb = dryRun ? "would create issue" : "created issue"
                case .update: verb = dryRun ? "would update issue" : "updated issue"
                case .reopen: verb = dryRun ? "would reopen issue" : "reopened issue"
                case .close: verb = dryRun ? "would close issue" : "closed issue"
                case .acknowledged: verb = "issue closed by a person, alerts recorded as acknowledged:"
                case .unchanged: verb = "unchanged issue"
                }
                return "\(verb)\(number): \(a.title)"
            }
        }
    }

    /// Findings as fresh alert records (no issue yet), for callers that hold no state.
    public func run(findings: [Finding], checkedImages: Set<String>, client: GitHubClient, now: String = "")
        async throws -> Result
    {
        let alerts = findings.filter { $0.severity == .alert }.map { AlertRecord($0, image: $0.image ?? "-", now: now) }
        return try await run(alerts: alerts, checkedImages: checkedImages, client: client)
    }

    /// Syncs the issues of `repository` with the open alerts: one issue per image and kind,
    /// created once, updated when its alerts change, closed when none is left. An issue that a
    /// person closed while its alerts were open acknowledges them and is never reopened; a new
    /// alert of the same kind gets a new issue. Only issues of `checkedImages` are closed (an
    /// image that was not checked, or failed, keeps its issues).
    public func run(alerts: [AlertRecord], checkedImages: Set<String>, client: GitHubClient) async throws -> Result {
        let parts = repository.split(separator: "/")
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw GitHubError.invalidRepository(repository)
        }
        if !dryRun, client.settings.token == nil { throw GitHubError.missingToken }

        var result = Result(actions: [], dryRun: dryRun)
        let all = try await trackbotIssues(client)
        var openByKey: [IssueKey: GitHubIssue] = [:]
        var byNumber: [Int: GitHubIssue] = [:]
        for issue in all {
            byNumber[issue.number] = issue
            guard issue.isOpen, let key = IssueMarker.key(in: issue.body) else { continue }
            // Duplicates made by hand: the oldest is the one kept.
            if let have = openByKey[key], have.number < issue.number { continue }
            openByKey[key] = issue
        }
        var keysWithAlerts = Set<IssueKey>()

        for group in AlertGroup.groups(alerts) {
            let key = group.key
            var open = group.alerts
            // Alerts already in an issue that is closed now: a person closed it (trackbot closes
            // only issues without open alerts), which answers them.
            let answered = try await acknowledgements(
                group.alerts.filter { $0.issue != openByKey[key]?.number },
                closed: byNumber.values.filter { !$0.isOpen }, client: client)
            for (id, ack) in answered { result.acknowledgements[id] = ack }
            open.removeAll { answered[$0.id] != nil }
            for number in Set(group.alerts.filter { answered[$0.id] != nil }.compactMap(\.issue)).sorted() {
                result.actions.append(action(.acknowledged, key, number, byNumber[number]?.title ?? ""))
            }
            guard !open.isEmpty else { continue }
            keysWithAlerts.insert(key)
            let content = IssueContent(AlertGroup(image: group.image, kind: group.kind, alerts: open))
            let number: Int?
            if let issue = openByKey[key] {
                let same = IssueMarker.hash(in: issue.body) == content.hash && issue.title == content.title
                if same {
                    result.actions.append(action(.unchanged, key, issue.number, content.title))
                } else {
                    if !dryRun {
                        let edit = IssueEdit(title: content.title, body: content.body, state: nil)
                        _ = try await client.mutate(
                            .patch, "/repos/\(repository)/issues/\(issue.number)", body: edit, as: GitHubIssue.self)
                    }
                    result.actions.append(action(.update, key, issue.number, content.title))
                }
                number = issue.number
            } else if dryRun {
                result.actions.append(action(.create, key, nil, content.title))
                number = nil
            } else {
                let created = try await create(
                    content, key: key,
                    instance: AlertGroup(image: group.image, kind: group.kind, alerts: open).instance,
                    client: client)
                openByKey[key] = created
                result.actions.append(action(.create, key, created.number, content.title))
                number = created.number
            }
            if let number { for a in open { result.issues[a.id] = number } }
        }

        if closeResolved {
            for (key, issue) in openByKey.sorted(by: { $0.key < $1.key })
            where !keysWithAlerts.contains(key) && checkedImages.contains(key.image) {
                if !dryRun {
                    // The key was read back from an issue body: its text is made safe again.
                    let note = Sanitize.terminal(
                        "trackbot has no open `\(key.kind)` alert for `\(key.image)` any more (explained, acknowledged or muted; the run's report says which); closing."
                    )
                    _ = try await client.mutate(
                        .post, "/repos/\(repository)/issues/\(issue.number)/comments",
                        body: NewComment(body: note), as: IgnoredBody.self)
                    _ = try await client.mutate(
                        .patch, "/repos/\(repository)/issues/\(issue.number)",
                        body: IssueEdit(state: "closed"), as: GitHubIssue.self)
                }
                result.actions.append(action(.close, key, issue.number, issue.title))
            }
        }
        return result
    }

    /// The alerts whose issue a person closed (trackbot closes only issues without open alerts),
    /// each with its acknowledgement: what a run applies before it checks, so that the answer
    /// counts in the same run.
    public func closedByPeople(_ alerts: [AlertRecord], client: GitHubClient) async throws -> [String: Acknowledgement]
    {
        guard alerts.contains(where: { $0.acknowledgement == nil && $0.issue != nil }) else { return [:] }
        if client.settings.token == nil { throw GitHubError.missingToken }
        return try await acknowledgements(
            alerts, closed: try await trackbotIssues(client).filter { !$0.isOpen }, client: client)
    }

    /// The acknowledgement of each unanswered alert whose issue is among `closed`: by whoever
    /// closed it, when they did.
    private func acknowledgements(
        _ alerts: [AlertRecord], closed: [GitHubIssue],
        client: GitHubClient
    ) async throws -> [String: Acknowledgement] {
        var out: [String: Acknowledgement] = [:]
        for issue in closed.sorted(by: { $0.number < $1.number }) {
            let answered = alerts.filter { $0.issue == issue.number && $0.acknowledgement == nil }
            guard !answered.isEmpty else { continue }
            let closer = try await closedBy(issue.number, client)
            for alert in answered {
                out[alert.id] = Acknowledgement(
                    by: closer.login, at: closer.at, reason: "closed GitHub issue #\(issue.number)",
                    via: "GitHub issue #\(issue.number) closed")
            }
        }
        return out
    }

    /// Who closed an issue and when (the list endpoint does not say).
    private func closedBy(_ number: Int, _ client: GitHubClient) async throws -> (login: String, at: String) {
        let issue = try await client.get("/repos/\(repository)/issues/\(number)", as: ClosedIssue.self)
        return (issue.closedBy?.login ?? "unknown", issue.closedAt ?? "unknown")
    }

    /// Creates the issue; when a POST may have gone through (timeout, 5xx, a dropped answer),
    /// looks for it by its marker before trying again, so a lost answer never leads to a duplicate.
    private func create(_ content: IssueContent, key: IssueKey, instance: String, client: GitHubClient) async throws
        -> GitHubIssue
    {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.mutate(
                    .post, "/repos/\(repository)/issues",
                    body: NewIssue(title: content.title, body: content.body, labels: labels),
                    as: GitHubIssue.self)
            } catch let error as GitHubError {
                guard case .uncertain = error else { throw error }
                let found = try await trackbotIssues(client).first {
                    IssueMarker.key(in: $0.body) == key && IssueMarker.instance(in: $0.body) == instance
                }
                if let found { return found }
                if attempt >= createAttempts { throw error }
            }
        }
    }

    /// Every trackbot issue of the repository (found by its marker), open and closed.
    private func trackbotIssues(_ client: GitHubClient) async throws -> [GitHubIssue] {
        var query = "state=all&per_page=100"
        if !labels.isEmpty {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            query +=
                "&labels="
                + labels.map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }.joined(separator: ",")
        }
        let issues = try await client.getAll("/repos/\(repository)/issues?\(query)", as: [GitHubIssue].self)
        return issues.filter { $0.pullRequest == nil && IssueMarker.key(in: $0.body) != nil }
    }

    private func action(_ kind: Action.Kind, _ key: IssueKey, _ number: Int?, _ title: String) -> Action {
        Action(kind: kind, image: key.image, findingKind: key.kind, number: number, title: title)
    }
}
