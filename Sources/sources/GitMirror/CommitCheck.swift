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
    /// The ref's commit after the fetch (annotated tags peeled).
    public var refTip: ObjectID
    public var status: Status
    /// True when the commit only arrived by fetching its id directly.
    public var fetchedByID: Bool
    /// Why fetching by id failed, when it did (libgit2's message, scrubbed).
    public var detail: String?
    public var fetch: FetchResult
}
