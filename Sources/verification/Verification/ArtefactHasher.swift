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
    public static func hash(_ stream: any ByteStream, algorithms: [Digest.Algorithm],
                            bufferSize: Int = 1 << 20) throws -> ArtefactDigests {
        var hashers = algorithms.map { StreamingHasher($0) }
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
