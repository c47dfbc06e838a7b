/// A content digest as OCI writes it: `algorithm:hex` (`sha256:…`, `sha512:…`).
public struct Digest: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public enum Algorithm: String, Codable, Sendable, CaseIterable {
        case sha256, sha512

        /// Length of the lowercase hex encoding.
        public var hexLength: Int { self == .sha256 ? 64 : 128 }

        /// The algorithm a bare hex string of this length must be, if any.
        public init?(hexLength: Int) {
            switch hexLength {
            case 64: self = .sha256
            case 128: self = .sha512
            default: return nil
            }
        }
    }

    public let algorithm: Algorithm
    /// Lowercase hex.
    public let hex: String

    public init(algorithm: Algorithm, hex: String) throws(DigestError) {
        let lower = hex.lowercased()
        guard Hex.isLowercaseHex(lower, count: algorithm.hexLength) else {
            throw .malformed(algorithm.rawValue + ":" + hex)
        }
        self.algorithm = algorithm
        self.hex = lower
    }

    /// Parses `sha256:<64 hex>` or `sha512:<128 hex>`.
    public init(parsing text: String) throws(DigestError) {
        guard let colon = text.firstIndex(of: ":"),
            let algorithm = Algorithm(rawValue: String(text[..<colon]))
        else {
            throw .malformed(text)
        }
        let hex = String(text[text.index(after: colon)...])
        // As OCI writes it: lowercase only (`init(algorithm:hex:)` lowercases a checksum file's).
        guard Hex.isLowercaseHex(hex) else {
            throw .malformed(text)
        }
        try self.init(algorithm: algorithm, hex: hex)
    }

    public var description: String { "\(algorithm.rawValue):\(hex)" }

    /// The first 12 hex digits, as `docker images` shortens them.
    public var short: String { String(hex.prefix(12)) }

    public static func < (a: Digest, b: Digest) -> Bool { a.description < b.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public enum DigestError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            return "malformed digest \"\(text)\" (expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>)"
        }
    }
}
