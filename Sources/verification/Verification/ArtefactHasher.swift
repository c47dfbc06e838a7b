import TrackbotCore

/// The digests of one file, computed in a single streaming pass.
public struct ArtefactDigests: Hashable, Codable, Sendable {
    public var size: UInt64
    public var compression: Compression
    public var digests: [Digest]

    public func digest(_ algorithm: Digest.Algorithm) -> Digest? { digests.first { $0.algorithm == algorithm } }
}

/// Hashes a stream with several algorithms at once, reading through one fixed buffer.
public enum ArtefactHasher {
    /// Read size for plain hashing. Measured here: 64 KiB reads keep the copy from the page cache
    /// in the CPU cache for the hash; 1 MiB reads cost 4x the system time (docs/performance.md).
    public static let readBufferSize = 64 << 10

    public static func hash(_ stream: any ByteStream, algorithms: [Digest.Algorithm],
                            bufferSize: Int = readBufferSize) throws -> ArtefactDigests {
        var hashers = algorithms.map { ArtefactHash($0) }
        var size: UInt64 = 0
        var head: [UInt8] = []
        try stream.drain(bufferSize: bufferSize) { chunk in
            if head.count < 6 { head += chunk.prefix(6 - head.count) }
            for i in hashers.indices { hashers[i].update(chunk) }
            size += UInt64(chunk.count)
        }
        return ArtefactDigests(size: size, compression: Compression.detect(head), digests: hashers.map { $0.finalize() })
    }
}

extension ArtefactHasher {
    /// Hashes local files side by side, one per core (hashing one file is sequential by nature),
    /// results in the order given.
    public static func hashFiles(_ paths: [String], algorithms: [Digest.Algorithm],
                                 bufferSize: Int = readBufferSize) throws -> [ArtefactDigests] {
        let results = ResultBox(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            let r = Result { try hash(try FileStream(path: paths[i]), algorithms: algorithms, bufferSize: bufferSize) }
            results.set(i, r)
        }
        return try results.values().map { try $0.get() }
    }
}

/// Collects per-index results from worker threads.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Result<ArtefactDigests, any Error>?]

    init(count: Int) { items = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<ArtefactDigests, any Error>) {
        lock.lock()
        items[i] = r
        lock.unlock()
    }

    func values() -> [Result<ArtefactDigests, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return items.map { $0! }
    }
}

import Foundation
