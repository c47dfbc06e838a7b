/// Byte-level forms of the text helpers the readers use on every line. They apply only to ASCII
/// text, where a byte is a Character; text with other characters keeps the Character-level path.
enum ASCII {
    /// Whether every byte is ASCII.
    @inline(__always)
    static func isASCII<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.allSatisfy { $0 < 0x80 }
    }

    /// Go's strings.TrimSpace for ASCII: " ", "\t", "\n", "\r", "\v", "\f".
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (0x09...0x0D).contains(b)
    }

    /// The bytes without leading and trailing spaces (`isSpace`).
    static func trimmed<C: Collection<UInt8>>(_ bytes: C) -> C.SubSequence {
        trimming(bytes, isSpace)
    }

    /// The bytes without leading and trailing spaces (`isSpace`), as a String.
    static func trimmedString<C: Collection<UInt8>>(_ bytes: C) -> String {
        String(decoding: trimming(bytes, isSpace), as: UTF8.self)
    }

    /// bashbrew's list fields: split on ",", each element trimmed of "\n\r\t ". An empty value is
    /// one empty element, as pault.ag/go/debian/control splits it (`strings.Split("", ",")`).
    static func listElements<C: Collection<UInt8>>(_ bytes: C) -> [String] {
        bytes.split(separator: 0x2C, omittingEmptySubsequences: false).map { element in
            String(decoding: trimming(element) { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }, as: UTF8.self)
        }
    }

    /// `bytes` without the leading and trailing bytes that `strip` accepts (one forward pass).
    @inline(__always)
    static func trimming<C: Collection<UInt8>>(_ bytes: C, _ strip: (UInt8) -> Bool) -> C.SubSequence {
        guard let start = bytes.firstIndex(where: { !strip($0) }) else { return bytes[bytes.endIndex...] }
        var end = bytes.index(after: start)
        var i = end
        while i != bytes.endIndex {
            if !strip(bytes[i]) { end = bytes.index(after: i) }
            bytes.formIndex(after: &i)
        }
        return bytes[start..<end]
    }

    /// Whether `bytes` ends with the ASCII `suffix` (both byte sequences).
    static func hasSuffix<C: BidirectionalCollection<UInt8>>(_ bytes: C, _ suffix: [UInt8]) -> Bool {
        guard bytes.count >= suffix.count else { return false }
        return bytes.reversed().starts(with: suffix.reversed())
    }
}
