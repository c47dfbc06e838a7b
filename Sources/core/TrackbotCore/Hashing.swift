import Crypto
import Foundation

/// Incremental SHA-256 or SHA-512 that yields a `Digest`.
public struct StreamingHasher {
    private enum State {
        case sha256(SHA256)
        case sha512(SHA512)
    }

    private var state: State
    public let algorithm: Digest.Algorithm

    public init(_ algorithm: Digest.Algorithm) {
        self.algorithm = algorithm
        state = algorithm == .sha256 ? .sha256(SHA256()) : .sha512(SHA512())
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .sha256(var h):
            h.update(bufferPointer: bytes)
            state = .sha256(h)
        case .sha512(var h):
            h.update(bufferPointer: bytes)
            state = .sha512(h)
        }
    }

    public mutating func update<D: DataProtocol>(_ data: D) {
        switch state {
        case .sha256(var h):
            h.update(data: data)
            state = .sha256(h)
        case .sha512(var h):
            h.update(data: data)
            state = .sha512(h)
        }
    }

    public func finalize() -> Digest {
        let hex: String
        switch state {
        case .sha256(let h): hex = h.finalize().hexString
        case .sha512(let h): hex = h.finalize().hexString
        }
        // The hex is produced here, so it is always well formed.
        return try! Digest(algorithm: algorithm, hex: hex)
    }

    /// Digest of bytes already in memory.
    public static func digest<D: DataProtocol>(_ data: D, _ algorithm: Digest.Algorithm = .sha256) -> Digest {
        var h = StreamingHasher(algorithm)
        h.update(data)
        return h.finalize()
    }
}

extension Sequence where Element == UInt8 {
    public var hexString: String { Hex.encode(self) }
}
