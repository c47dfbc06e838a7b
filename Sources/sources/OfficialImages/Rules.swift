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
        if ref.hasPrefix("refs/heads/") { rest = ref.dropFirst(11) } else if ref.hasPrefix("refs/tags/") { rest = ref.dropFirst(10) } else { return false }
        return !rest.isEmpty && !rest.contains(where: { $0 == "*" || $0 == "?" || $0 == ":" })
    }

    /// `^([0-9a-f]{40}|[0-9a-f]{64})$`
    static func isValidGitCommit(_ commit: String) -> Bool {
        let u = commit.utf8
        return (u.count == 40 || u.count == 64)
            && u.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func isWord(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x5F
    }

    /// Go's `path.Clean`: the shortest equivalent path (`aarch64/` → `aarch64`, `` → `.`).
    static func cleanPath(_ path: String) -> String {
        if path.isEmpty { return "." }
        if isCleanRelativeASCII(path) { return path }
        let rooted = path.hasPrefix("/")
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = out.last, last != ".." { out.removeLast() } else if !rooted { out.append(part) }
                continue
            }
            out.append(part)
        }
        let joined = out.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Already what `cleanPath` returns (the common case: `x86_64`, `8/alpine`): ASCII, relative,
    /// no empty, `.` or `..` part, no trailing slash.
    private static func isCleanRelativeASCII(_ path: String) -> Bool {
        let u = path.utf8
        guard ASCII.isASCII(u), u.first != 0x2F else { return false }
        return u.split(separator: 0x2F, omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && !part.elementsEqual(CollectionOfOne(0x2E)) && !part.elementsEqual([0x2E, 0x2E])
        }
    }

    static let archFieldSuffixes = SourceField.allCases.map { "-" + $0.rawValue }
    private static let archFieldSuffixBytes = archFieldSuffixes.map { Array($0.utf8) }

    /// Whether `key` is `<anything>-<field>` (`arm64v8-Directory` for `.directory`).
    static func isArchField(_ key: String, _ field: SourceField) -> Bool {
        if ASCII.isASCII(key.utf8) { return ASCII.hasSuffix(key.utf8, archFieldSuffixBytes[SourceField.allCases.firstIndex(of: field)!]) }
        return key.hasSuffix(archFieldSuffixes[SourceField.allCases.firstIndex(of: field)!])
    }

    static func isArchField(_ key: String) -> Bool {
        if ASCII.isASCII(key.utf8) { return archFieldSuffixBytes.contains { ASCII.hasSuffix(key.utf8, $0) } }
        return archFieldSuffixes.contains { key.hasSuffix($0) }
    }
}
