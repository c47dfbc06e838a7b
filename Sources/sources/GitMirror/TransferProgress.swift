/// How far a fetch has come, as libgit2's indexer reports it.
public struct TransferProgress: Sendable, Hashable, Codable {
    public var totalObjects: Int
    public var receivedObjects: Int
    public var indexedObjects: Int
    public var totalDeltas: Int
    public var indexedDeltas: Int
    public var receivedBytes: Int

    public init(
        totalObjects: Int = 0, receivedObjects: Int = 0, indexedObjects: Int = 0,
        totalDeltas: Int = 0, indexedDeltas: Int = 0, receivedBytes: Int = 0
    ) {
        self.totalObjects = totalObjects
        self.receivedObjects = receivedObjects
        self.indexedObjects = indexedObjects
        self.totalDeltas = totalDeltas
        self.indexedDeltas = indexedDeltas
        self.receivedBytes = receivedBytes
    }
}

/// Called on the fetching thread, often; keep it cheap (the CLI draws a line on stderr when it is a terminal).
public typealias ProgressHandler = @Sendable (TransferProgress) -> Void
