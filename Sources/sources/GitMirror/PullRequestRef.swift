/// A pull request's refs, from a mirror or as a remote advertises them.
public struct PullRequestRef: Sendable, Hashable, Codable, Comparable {
    public var number: Int
    /// `refs/pull/N/head`.
    public var head: ObjectID?
    /// `refs/pull/N/merge`: GitHub keeps it for open, mergeable pull requests only.
    public var merge: ObjectID?

    public init(number: Int, head: ObjectID? = nil, merge: ObjectID? = nil) {
        self.number = number
        self.head = head
        self.merge = merge
    }

    public static func < (a: PullRequestRef, b: PullRequestRef) -> Bool { a.number < b.number }

    /// Groups `refs/pull/N/head|merge` refs by pull request number; other refs are ignored.
    static func collect(_ refs: [(name: String, id: ObjectID)]) -> [PullRequestRef] {
        var byNumber: [Int: PullRequestRef] = [:]
        for (name, id) in refs where name.hasPrefix("refs/pull/") {
            let parts = name.split(separator: "/")
            guard parts.count == 4, let number = Int(parts[2]), number > 0 else { continue }
            var pr = byNumber[number] ?? PullRequestRef(number: number)
            switch parts[3] {
            case "head": pr.head = id
            case "merge": pr.merge = id
            default: continue
            }
            byNumber[number] = pr
        }
        return byNumber.values.sorted()
    }
}
