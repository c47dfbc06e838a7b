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
        guard lower.utf8.count == algorithm.hexLength, lower.utf8.allSatisfy(\.isHexDigit) else {
            throw .malformed(algorithm.rawValue + ":" + hex)
        }
        self.algorithm = algorithm
        self.hex = lower
    }

    /// Parses `sha256:<64 hex>` or `sha512:<128 hex>`.
    public init(parsing text: String) throws(DigestError) {
        guard let colon = text.firstIndex(of: ":"),
              let algorithm = Algorithm(rawValue: String(text[..<colon])) else {
            throw .malformed(text)
        }
        let hex = String(text[text.index(after: colon)...])
        guard hex.utf8.allSatisfy({ $0.isHexDigit && !(UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }) else {
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
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
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

extension UInt8 {
    @inlinable var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x61...0x66).contains(self) || (0x41...0x46).contains(self)
    }
}
