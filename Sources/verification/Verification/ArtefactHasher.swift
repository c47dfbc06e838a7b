import Foundation
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

    public static func hash(
        _ stream: any ByteStream, algorithms: [Digest.Algorithm],
        bufferSize: Int = readBufferSize
    ) throws -> ArtefactDigests {
        var hashers = algorithms.map { ArtefactHash($0) }
        var size: UInt64 = 0
        var head: [UInt8] = []
        try stream.drain(bufferSize: bufferSize) { chunk in
            if head.count < 6 { head += chunk.prefix(6 - head.count) }
            for i in hashers.indices { hashers[i].update(chunk) }
            size += UInt64(chunk.count)
        }
        return ArtefactDigests(
            size: size, compression: Compression.detect(head), digests: hashers.map { $0.finalize() })
    }
}

extension ArtefactHasher {
    /// Hashes a file and, when `scan` says its format may hold a tar archive, reads its entries
    /// in the same pass (decompressing, keeping only a `TarScan`). The scan's outcome is nil when
    /// not attempted, a failure when the archive could not be read (a cap, a corrupt stream, not
    /// a tar): the digests are complete either way, since the rest of the file is hashed after
    /// the tar reader stops.
    public static func hashAndScan(
        _ stream: any ByteStream, path: String, algorithms: [Digest.Algorithm],
        limits: StreamLimits = .default,
        scan shouldScan: (Compression) -> Bool
    ) throws -> (ArtefactDigests, Result<TarScan, VerificationError>?) {
        let raw = DigestingStream(stream, algorithms: algorithms)
        let peekable = PeekableStream(raw)
        let compression = Compression.detect(try peekable.peek(6))
        var scan: Result<TarScan, VerificationError>?
        if shouldScan(compression) {
            do {
                let plain = try DecompressingStream(peekable, path: path, format: compression, limits: limits)
                scan = .success(try TarReader(plain, path: path, limits: limits, hashContent: false).scan())
            } catch let error as VerificationError {
                if case .io = error { throw error }  // the file itself, not its content
                scan = .failure(error)
            }
        }
        try peekable.drain(bufferSize: readBufferSize)
        return (ArtefactDigests(size: raw.count, compression: compression, digests: raw.finalize()), scan)
    }

    /// Hashes local files side by side, one per core (hashing one file is sequential by nature),
    /// results in the order given.
    public static func hashFiles(
        _ paths: [String], algorithms: [Digest.Algorithm],
        bufferSize: Int = readBufferSize
    ) throws -> [ArtefactDigests] {
        let results = ResultBox(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            let r = Result { try hash(try FileStream(path: paths[i]), algorithms: algorithms, bufferSize: bufferSize) }
            results.set(i, r)
        }
        return try results.values().map { try $0.get() }
    }
}

/// Passes a stream through, hashing every byte with each algorithm.
private final class DigestingStream: ByteStream {
    private let source: any ByteStream
    private var hashers: [ArtefactHash]
    private(set) var count: UInt64 = 0

    init(_ source: any ByteStream, algorithms: [Digest.Algorithm]) {
        self.source = source
        hashers = algorithms.map { ArtefactHash($0) }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try source.read(into: buffer)
        if n > 0 {
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            for i in hashers.indices { hashers[i].update(chunk) }
            count += UInt64(n)
        }
        return n
    }

    func finalize() -> [Digest] { hashers.map { $0.finalize() } }
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
