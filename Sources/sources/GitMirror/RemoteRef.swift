/// A ref as a remote advertises it (`git ls-remote`).
public struct RemoteRef: Sendable, Hashable, Codable {
    public var name: String
    public var id: ObjectID
    /// For annotated tags: the object the tag points at (the `^{}` line).
    public var peeled: ObjectID?
    /// For symbolic refs such as HEAD, when the server says: the ref they point at.
    public var symbolicTarget: String?

    public init(name: String, id: ObjectID, peeled: ObjectID? = nil, symbolicTarget: String? = nil) {
        self.name = name
        self.id = id
        self.peeled = peeled
        self.symbolicTarget = symbolicTarget
    }
}
