import TrackbotCore

/// bashbrew's value rules, written out by hand (they run for every tag of every file in history).
enum Rules {
    /// `^\w[\w.-]{0,127}$` with Go's ASCII `\w`.
    static func isValidTag(_ tag: String) -> Bool {
        let u = tag.utf8
        guard let first = u.first, isWord(first), u.count <= 128 else { return false }
        return u.dropFirst().allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// `^refs/(heads|tags)/[^*?:]+$`
    static func isValidGitFetch(_ ref: String) -> Bool {
        let rest: Substring
        if ref.hasPrefix("refs/heads/") {
            rest = ref.dropFirst(11)
        } else if ref.hasPrefix("refs/tags/") {
            rest = ref.dropFirst(10)
        } else {
            return false
        }
        return !rest.isEmpty && !rest.contains(where: { $0 == "*" || $0 == "?" || $0 == ":" })
    }

    /// `^([0-9a-f]{40}|[0-9a-f]{64})$`
    static func isValidGitCommit(_ commit: String) -> Bool {
        Hex.isLowercaseHex(commit, count: 40) || Hex.isLowercaseHex(commit, count: 64)
    }

    private static func isWord(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x5F
    }

    /// Go's `path.Clean`, as bashbrew applies it to `Directory:` (`aarch64/` → `aarch64`, `` → `.`).
    static func cleanPath(_ path: String) -> String { RelativePath.goClean(path) }

    static let archFieldSuffixes = SourceField.allCases.map { "-" + $0.rawValue }
    private static let archFieldSuffixBytes = archFieldSuffixes.map { Array($0.utf8) }

    /// Whether `key` is `<anything>-<field>` (`arm64v8-Directory` for `.directory`).
    static func isArchField(_ key: String, _ field: SourceField) -> Bool {
        if ASCII.isASCII(key.utf8) {
            return ASCII.hasSuffix(key.utf8, archFieldSuffixBytes[SourceField.allCases.firstIndex(of: field)!])
        }
        return key.hasSuffix(archFieldSuffixes[SourceField.allCases.firstIndex(of: field)!])
    }

    static func isArchField(_ key: String) -> Bool {
        if ASCII.isASCII(key.utf8) { return archFieldSuffixBytes.contains { ASCII.hasSuffix(key.utf8, $0) } }
        return archFieldSuffixes.contains { key.hasSuffix($0) }
    }
}
