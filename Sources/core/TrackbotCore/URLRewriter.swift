/// Rewrites URLs like git's `url.<base>.insteadOf`: the longest matching prefix wins.
/// The same rules point git remotes and registries at mirrors (`docker.io=http://127.0.0.1:5000`).
public struct URLRewriter: Sendable, Equatable {
    public struct Rule: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    public private(set) var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    /// Parses `FROM=TO` as the command line writes it.
    public static func parseRule(_ text: String) throws(RewriteError) -> Rule {
        guard let eq = text.firstIndex(of: "=") else { throw .malformed(text) }
        let from = String(text[..<eq]), to = String(text[text.index(after: eq)...])
        guard !from.isEmpty, !to.isEmpty else { throw .malformed(text) }
        return Rule(from: from, to: to)
    }

    public mutating func add(_ rule: Rule) { rules.append(rule) }

    /// The rewritten URL and whether a rule applied (local `file://` targets are only allowed
    /// when they come from a rewrite, so callers need to know).
    public func rewrite(_ url: String) -> (url: String, rewritten: Bool) {
        guard let rule = rule(for: url) else { return (url, false) }
        return (rule.to + url.dropFirst(rule.from.count), true)
    }

    /// The rule that applies to `url`, if any (callers that check where a rewrite leads need it).
    public func rule(for url: String) -> Rule? {
        var best: Rule?
        for rule in rules where url.hasPrefix(rule.from) {
            // On equal length the later rule wins, so --rewrite overrides the configuration file.
            if best == nil || rule.from.count >= best!.from.count { best = rule }
        }
        return best
    }
}

public enum RewriteError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    public var description: String {
        switch self {
        case .malformed(let text):
            return "rewrite \"\(text)\" is not FROM=TO (for example https://github.com/=http://127.0.0.1:9418/)"
        }
    }
}
