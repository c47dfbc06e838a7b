import Foundation

/// Rewrites URLs like git's `url.<base>.insteadOf`: the longest matching prefix wins.
/// The same rules point git remotes and registries at mirrors (`docker.io=http://127.0.0.1:5000`).
/// A run's rules are recorded in the run's `RewriteUsage` (when one is set), so a rule that
/// matched nothing can be reported at the end.
public struct URLRewriter: Sendable, Equatable {
    public struct Rule: Sendable, Hashable, Codable, CustomStringConvertible {
        public var from: String
        public var to: String
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
        public var description: String { "\(from)=\(to)" }
    }

    public private(set) var rules: [Rule]
    /// Where matches are recorded: the run's (`RewriteUsage.current`) when the rewriter is made
    /// inside one, shared by every copy.
    private let usage: RewriteUsage?

    public init(rules: [Rule] = []) {
        self.rules = rules
        usage = RewriteUsage.current
        usage?.declare(rules)
    }

    /// Only the rules count: two rewriters that rewrite alike are equal wherever they record.
    public static func == (a: URLRewriter, b: URLRewriter) -> Bool { a.rules == b.rules }

    /// Parses `FROM=TO` as the command line writes it.
    public static func parseRule(_ text: String) throws(RewriteError) -> Rule {
        guard let eq = text.firstIndex(of: "=") else { throw .malformed(text) }
        let from = String(text[..<eq]), to = String(text[text.index(after: eq)...])
        guard !from.isEmpty, !to.isEmpty else { throw .malformed(text) }
        if let problem = problem(from: from, to: to) { throw problem }
        return Rule(from: from, to: to)
    }

    /// What is wrong with a rule however it was written (`--rewrite`, `[rewrite]`): white space
    /// at either end of FROM or TO. A URL never starts with a space, so `FROM = TO` would match
    /// nothing and leave traffic going to the public host.
    public static func problem(from: String, to: String) -> RewriteError? {
        let trimmedFrom = from.trimmingCharacters(in: .whitespacesAndNewlines)
        let trimmedTo = to.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmedFrom == from, trimmedTo == to else {
            return .spaces(from: from, to: to, suggested: "\(trimmedFrom)=\(trimmedTo)")
        }
        return nil
    }

    public mutating func add(_ rule: Rule) {
        rules.append(rule)
        usage?.declare([rule])
    }

    /// Records that `rule` pointed a URL elsewhere (for callers that apply rules themselves, as
    /// the registry endpoint does for a registry name).
    public func recordMatch(_ rule: Rule) { usage?.matched(rule) }

    /// The rewritten URL and whether a rule applied (local `file://` targets are only allowed
    /// when they come from a rewrite, so callers need to know).
    public func rewrite(_ url: String) -> (url: String, rewritten: Bool) {
        guard let rule = rule(for: url) else { return (url, false) }
        return (rule.to + url.dropFirst(rule.from.count), true)
    }

    /// The rule that applies to `url`, if any (callers that check where a rewrite leads need it);
    /// recorded as matched.
    public func rule(for url: String) -> Rule? {
        var best: Rule?
        for rule in rules where url.hasPrefix(rule.from) {
            // On equal length the later rule wins, so --rewrite overrides the configuration file.
            if best == nil || rule.from.count >= best!.from.count { best = rule }
        }
        if let best { usage?.matched(best) }
        return best
    }
}

public enum RewriteError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case spaces(from: String, to: String, suggested: String)
    public var description: String {
        switch self {
        case .malformed(let text):
            return "rewrite \"\(text)\" is not FROM=TO (for example https://github.com/=http://127.0.0.1:9418/)"
        case .spaces(let from, let to, let suggested):
            return
                "rewrite \"\(from)\" = \"\(to)\" has white space around FROM or TO, so it would match no URL; write \(suggested)"
        }
    }
}
