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
