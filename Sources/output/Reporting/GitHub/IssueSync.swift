import Foundation
import TrackbotCore

/// Keeps one GitHub issue per alert group in step with a run's findings: creates, updates,
/// reopens, comments and closes, and never creates a second issue for the same group.
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
        public enum Kind: String, Codable, Sendable { case create, update, reopen, close, unchanged }
        public var kind: Kind
        public var image: String
        public var findingKind: String
        public var number: Int?
        public var title: String
    }

    public struct Result: Codable, Sendable, Equatable {
        public var actions: [Action]
        public var dryRun: Bool

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
                case .unchanged: verb = "unchanged issue"
                }
                return "\(verb)\(number): \(a.title)"
            }
        }
    }

    /// Syncs the issues of `repository` with `findings` (alerts only). Issues of images not in
    /// `checkedImages` (not checked this run, or failed) are left alone.
    public func run(findings: [Finding], checkedImages: Set<String>, client: GitHubClient) async throws -> Result {
        let parts = repository.split(separator: "/")
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw GitHubError.invalidRepository(repository) }
        if !dryRun, client.settings.token == nil { throw GitHubError.missingToken }

        let groups = AlertGroup.groups(findings)
        var existing = try await trackbotIssues(client)
        var actions: [Action] = []

        for group in groups {
            let content = IssueContent(group)
            let key = group.key
            if let issue = existing[key] {
                let same = IssueMarker.hash(in: issue.body) == content.hash && issue.title == content.title
                if issue.isOpen && same {
                    actions.append(action(.unchanged, key, issue.number, content.title))
                    continue
                }
                let kind: Action.Kind = issue.isOpen ? .update : .reopen
                if !dryRun {
                    let edit = IssueEdit(title: content.title, body: content.body, state: issue.isOpen ? nil : "open")
                    _ = try await client.mutate(.patch, "/repos/\(repository)/issues/\(issue.number)", body: edit, as: GitHubIssue.self)
                }
                actions.append(action(kind, key, issue.number, content.title))
            } else if dryRun {
                actions.append(action(.create, key, nil, content.title))
            } else {
                let created = try await create(content, key: key, client: client)
                existing[key] = created
                actions.append(action(.create, key, created.number, content.title))
            }
        }

        let current = Set(groups.map(\.key))
        if closeResolved {
            for (key, issue) in existing.sorted(by: { $0.key < $1.key })
            where issue.isOpen && !current.contains(key) && checkedImages.contains(key.image) {
                if !dryRun {
                    let note = "trackbot no longer finds `\(key.kind)` alerts for `\(key.image)`; closing."
                    _ = try await client.mutate(.post, "/repos/\(repository)/issues/\(issue.number)/comments",
                                                body: NewComment(body: note), as: IgnoredBody.self)
                    _ = try await client.mutate(.patch, "/repos/\(repository)/issues/\(issue.number)",
                                                body: IssueEdit(state: "closed"), as: GitHubIssue.self)
                }
                actions.append(action(.close, key, issue.number, issue.title))
            }
        }
        return Result(actions: actions, dryRun: dryRun)
    }

    /// Creates the issue; when a POST may have gone through (timeout, 5xx), looks for it by its
    /// marker before trying again, so a slow server never leads to a duplicate.
    private func create(_ content: IssueContent, key: IssueKey, client: GitHubClient) async throws -> GitHubIssue {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.mutate(.post, "/repos/\(repository)/issues",
                                               body: NewIssue(title: content.title, body: content.body, labels: labels),
                                               as: GitHubIssue.self)
            } catch let error as GitHubError {
                guard case .uncertain = error else { throw error }
                if let found = try await trackbotIssues(client)[key] { return found }
                if attempt >= createAttempts { throw error }
            }
        }
    }

    /// Every trackbot issue of the repository by key; when duplicates exist (made by hand or by an
    /// older version), an open one wins, then the oldest.
    private func trackbotIssues(_ client: GitHubClient) async throws -> [IssueKey: GitHubIssue] {
        var query = "state=all&per_page=100"
        if !labels.isEmpty {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            query += "&labels=" + labels.map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }.joined(separator: ",")
        }
        let issues = try await client.getAll("/repos/\(repository)/issues?\(query)", as: [GitHubIssue].self)
        var byKey: [IssueKey: GitHubIssue] = [:]
        for issue in issues where issue.pullRequest == nil {
            guard let key = IssueMarker.key(in: issue.body) else { continue }
            if let have = byKey[key], (have.isOpen && !issue.isOpen) || (have.isOpen == issue.isOpen && have.number < issue.number) {
                continue
            }
            byKey[key] = issue
        }
        return byKey
    }

    private func action(_ kind: Action.Kind, _ key: IssueKey, _ number: Int?, _ title: String) -> Action {
        Action(kind: kind, image: key.image, findingKind: key.kind, number: number, title: title)
    }
}
