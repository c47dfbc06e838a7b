/// One ref the fetch moved. A force-pushed branch or a moved tag has `isFastForward == false`
/// and both ids, so the caller can report the rewrite.
public struct RefUpdate: Sendable, Hashable, Codable {
    public var name: String
    /// nil when the ref is new in the mirror.
    public var old: ObjectID?
    /// nil when the ref was deleted.
    public var new: ObjectID?
    /// True for a new ref and for a branch whose new commit contains the old one; false for a
    /// rewritten branch and for any tag that moved (tags are not supposed to move at all).
    public var isFastForward: Bool

    public init(name: String, old: ObjectID?, new: ObjectID?, isFastForward: Bool) {
        self.name = name
        self.old = old
        self.new = new
        self.isFastForward = isFastForward
    }
}

/// What a fetch into a mirror did.
public struct FetchResult: Sendable, Hashable, Codable {
    /// The URL fetched from (after rewrites, without credentials).
    public var url: String
    /// The mirror's directory.
    public var directory: String
    /// True when the mirror was created by this fetch (first use, or after moving a damaged one aside).
    public var created: Bool
    public var updates: [RefUpdate]
    /// Exact refs asked for that the remote does not advertise.
    public var missingRefs: [String]
    public var receivedObjects: Int
    public var receivedBytes: Int
    /// What trackbot repaired on the way (leftovers removed, a damaged mirror moved aside).
    public var notes: [String]

    /// Updates that rewrote history (force-pushed branches, moved tags).
    public var rewrites: [RefUpdate] { updates.filter { !$0.isFastForward } }
}

/// Whether a library entry's commit is in its ref, after fetching the ref.
public struct CommitCheck: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// The commit is the ref's tip or one of its ancestors.
        case reachable
        /// The commit exists upstream but the ref's history does not contain it.
        case notReachable = "not-reachable"
        /// The commit could not be fetched at all (not in the ref, and not fetchable by id).
        case missing
    }

    public var ref: String
    public var commit: ObjectID
    /// The ref's commit after the fetch.
    public var refTip: ObjectID
    public var status: Status
    /// True when the commit only arrived by fetching its id directly.
    public var fetchedByID: Bool
    /// Why fetching by id failed, when it did (libgit2's message, scrubbed).
    public var detail: String?
    public var fetch: FetchResult
}

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
