import Foundation

/// Which rewrite rules a run declared and which of them matched a URL. A rule that matched
/// nothing is most likely a typo (`githb.com`), and its traffic went to the public host: the run
/// says so at the end. One run sets itself as `current` (`RewriteUsage.$current.withValue`);
/// every `URLRewriter` made inside it records here, from whatever thread it is used on.
public final class RewriteUsage: @unchecked Sendable {  // state behind `lock`
    @TaskLocal public static var current: RewriteUsage?

    private struct Record {
        var declared: [URLRewriter.Rule] = []
        var matched: Set<URLRewriter.Rule> = []
    }
    private let lock = NSLock()
    private var record = Record()

    public init() {}

    func declare(_ rules: [URLRewriter.Rule]) {
        lock.withLock {
            for rule in rules where !record.declared.contains(rule) { record.declared.append(rule) }
        }
    }

    func matched(_ rule: URLRewriter.Rule) { _ = lock.withLock { record.matched.insert(rule) } }

    /// The rules declared in this run that never matched, in the order they were declared.
    public var unmatched: [URLRewriter.Rule] {
        lock.withLock { record.declared.filter { !record.matched.contains($0) } }
    }

    /// One warning per rule that matched nothing, naming it.
    public var warnings: [String] {
        unmatched.map {
            "warning: rewrite \($0) matched no URL in this run; check FROM for a typo (URLs it was meant for went to their usual host)"
        }
    }
}
