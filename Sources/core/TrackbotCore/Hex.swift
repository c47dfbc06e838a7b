/// Hexadecimal digits: the one check and the one encoder. ASCII only (`0-9a-f`, and `A-F` where
/// asked): Swift's `Character.isHexDigit` also accepts the fullwidth forms (`ａ`, `０`), which no
/// digest, checksum or commit id is written in.
public enum Hex {
    /// Whether `byte` is an ASCII hex digit; uppercase counts only when `uppercase` allows it.
    @inlinable
    public static func isDigit(_ byte: UInt8, uppercase: Bool = true) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (uppercase && (0x41...0x46).contains(byte))
    }

    /// Whether `text` is non-empty and only ASCII hex digits (either case unless `uppercase` is
    /// false); with `count`, exactly that many.
    public static func isHex<S: StringProtocol>(_ text: S, count: Int? = nil, uppercase: Bool = true) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, count.map({ utf8.count == $0 }) ?? true else { return false }
        return utf8.allSatisfy { isDigit($0, uppercase: uppercase) }
    }

    /// Whether `text` is non-empty and only lowercase ASCII hex digits (the canonical form of
    /// digests and object ids).
    public static func isLowercaseHex<S: StringProtocol>(_ text: S, count: Int? = nil) -> Bool {
        isHex(text, count: count, uppercase: false)
    }

    /// Lowercase hex of `bytes`.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    @usableFromInline static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
