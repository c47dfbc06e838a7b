import CGit2
import TrackbotCore

/// A git object id (SHA-1, 40 lowercase hex digits), encoded as that string in JSON.
public struct ObjectID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Lowercase hex.
    public let hex: String

    /// Parses a full 40-digit hex id; nil for anything else.
    public init?(_ text: String) {
        let lower = text.lowercased()
        guard Hex.isLowercaseHex(lower, count: 40) else { return nil }
        hex = lower
    }

    init(_ oid: git_oid) {
        var copy = oid
        hex = withUnsafeBytes(of: &copy.id) { Hex.encode($0) }
    }

    var gitOID: git_oid {
        var oid = git_oid()
        _ = git_oid_fromstrn(&oid, hex, hex.utf8.count)
        return oid
    }

    /// The first 12 digits, for messages.
    public var short: String { String(hex.prefix(12)) }
    public var description: String { hex }
    public static func < (a: ObjectID, b: ObjectID) -> Bool { a.hex < b.hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ObjectID(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "not a 40-digit object id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}
