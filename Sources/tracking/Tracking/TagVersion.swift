/// An upstream tag read as a version: the text before its first digit (`v`, `REL_`), its numbers
/// (runs of digits joined by single `.` or `_`: `v3.20.3` → 3, 20, 3; `REL_17_2` → 17, 2), and
/// what follows them (`-rc1`, `a1`, `_BETA1`, `-alpine`).
public struct TagVersion: Sendable, Hashable {
    public let tag: String
    /// The numbers as written, in order.
    public let numbers: [Substring]
    /// The text after the last number.
    public let suffix: Substring
    /// Where each number ends in `tag`.
    private let ends: [String.Index]
    private let prefixEnd: String.Index

    /// Nil when the tag has no digit.
    public init?(_ tag: String) {
        guard let first = tag.firstIndex(where: Self.isDigit) else { return nil }
        var numbers: [Substring] = []
        var ends: [String.Index] = []
        var i = first
        while true {
            let end = tag[i...].firstIndex { !Self.isDigit($0) } ?? tag.endIndex
            numbers.append(tag[i..<end])
            ends.append(end)
            // A separator continues the version only when a digit follows it: `REL_17_RC1` stops at 17.
            guard end < tag.endIndex, tag[end] == "." || tag[end] == "_" else { break }
            let next = tag.index(after: end)
            guard next < tag.endIndex, Self.isDigit(tag[next]) else { break }
            i = next
        }
        self.tag = tag
        self.numbers = numbers
        self.ends = ends
        self.prefixEnd = first
        self.suffix = tag[ends.last!...]
    }

    /// The text before the first digit.
    public var prefix: Substring { tag[..<prefixEnd] }

    /// The release line this tag belongs to when a line is its first `depth` numbers: the tag
    /// up to the end of those (`v3.20.3` at depth 2 → `v3.20`). Leading zeros are no line of their
    /// own (semver's 0.y: node's `0.10.33` at depth 1 → `0.10`). Depth 0 is the prefix alone
    /// (`bookworm-20240513` → `bookworm`), so all such tags are one line.
    public func line(depth: Int) -> String {
        if depth <= 0 {
            return String(prefix.reversed().drop { "-_.".contains($0) }.reversed())
        }
        var count = min(depth, numbers.count)
        while count < numbers.count, numbers[..<count].allSatisfy({ $0.allSatisfy { $0 == "0" } }) { count += 1 }
        return String(tag[..<ends[count - 1]])
    }

    /// The line depth when none is configured: every number but the last, so the last one counts
    /// releases (`v3.20.3` → `v3.20`, `REL_17_2` → `REL_17`, `REL9_6_24` → `REL9_6`, a date → one line);
    /// a pre-release of one number is that number's line (`REL_18_BETA1` → `REL_18`, like `REL_18_0`).
    public var defaultDepth: Int { isPreRelease ? max(numbers.count - 1, 1) : numbers.count - 1 }

    /// Whether the suffix marks a pre-release (`-rc1`, `a1`, `_BETA1`; see `TagOrdering.isPreRelease(suffix:)`).
    public var isPreRelease: Bool { TagOrdering.isPreRelease(suffix: suffix) }

    /// Whether this is a release tag whose numbers are `version`'s (`v22.11.0` and `22.11.0`,
    /// `REL_17_2` and `17.2`); leading zeros aside.
    public func isRelease(of version: TagVersion) -> Bool {
        suffix.isEmpty && numbers.count == version.numbers.count
            && zip(numbers, version.numbers).allSatisfy { TagOrdering.compareNumbers(String($0), String($1)) == 0 }
    }

    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
}
