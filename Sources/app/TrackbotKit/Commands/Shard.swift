/// One part of a deterministic split of the watched images (`watch --shard I/N`), so that a CI
/// matrix of N jobs checks every image exactly once.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based, 1 ≤ index ≤ count.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws(UsageError) {
        guard count >= 1 else { throw UsageError("--shard \(index)/\(count): N must be at least 1") }
        guard (1...count).contains(index) else {
            throw UsageError("--shard \(index)/\(count): I must be between 1 and \(count) (shards are numbered from 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`, e.g. `2/4`.
    public static func parse(_ text: String) throws(UsageError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw UsageError("--shard \"\(text)\": expected I/N, e.g. 2/4 (the second of four shards)")
        }
        return try Shard(index: i, count: n)
    }

    /// The shard (1-based) an image belongs to: FNV-1a of its name, mod N. Stable across runs,
    /// machines and Swift versions, unlike `hashValue`, which is seeded per process.
    public static func assignment(of image: String, count: Int) -> Int {
        Int(fnv1a(image) % UInt64(count)) + 1
    }

    /// Whether this shard checks `image`.
    public func contains(_ image: String) -> Bool { Self.assignment(of: image, count: count) == index }

    public var description: String { "\(index)/\(count)" }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
