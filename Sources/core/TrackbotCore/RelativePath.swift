/// Lexical path cleaning for `/`-separated paths that must stay below a root: tree paths in a
/// source directory, tar entry names, `Directory:` values of library files. One implementation,
/// three answers:
///
/// - `goClean` is Go's `path.Clean` (what bashbrew applies to `Directory:`), never refusing;
/// - `inspect` cleans a path to a relative one and says what was wrong with it: absolute (the
///   leading `/` is dropped) or climbing above the root with `..` (kept, so it shows);
/// - `resolve` is the strict one: the cleaned relative path (`""` for the root), or nil for an
///   absolute path or one whose `..` climbs above the root. `a/../b` is `b`; `/a` is refused,
///   not read as `a`.
public enum RelativePath {
    /// Why a path cannot be taken as relative to a root.
    public enum Problem: String, Sendable, Hashable {
        case absolute = "absolute path"
        case escapes = "climbs out of the root with .."
    }

    /// Go's `path.Clean`: the shortest equivalent path (`aarch64/` → `aarch64`, `` → `.`,
    /// `/../a` → `/a`, `../a` stays).
    public static func goClean(_ path: String) -> String {
        if path.isEmpty { return "." }
        if isCleanRelative(path) { return path }
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

    /// `path` cleaned as a relative path (`.` for the root; a leading `/` dropped, a climbing
    /// `..` kept) and the first problem found, if any. Absolute wins when both apply.
    public static func inspect(_ path: String) -> (path: String, problem: Problem?) {
        var problem: Problem?
        var p = Substring(path)
        if p.hasPrefix("/") {
            problem = .absolute
            p = p.drop { $0 == "/" }
        }
        let cleaned = goClean(String(p))
        if cleaned == ".." || cleaned.hasPrefix("../") { problem = problem ?? .escapes }
        return (cleaned, problem)
    }

    /// The cleaned relative path (`""` for the root), or nil when `path` is absolute or climbs
    /// above the root.
    public static func resolve(_ path: String) -> String? {
        let (cleaned, problem) = inspect(path)
        guard problem == nil else { return nil }
        return cleaned == "." ? "" : cleaned
    }

    /// Already what `goClean` returns for a relative path (the common case: `x86_64`,
    /// `8/alpine`): ASCII, not rooted, no empty, `.` or `..` part, no trailing slash.
    private static func isCleanRelative(_ path: String) -> Bool {
        let u = path.utf8
        guard u.allSatisfy({ $0 < 0x80 }), u.first != 0x2F else { return false }
        return u.split(separator: 0x2F, omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && !part.elementsEqual(CollectionOfOne(0x2E)) && !part.elementsEqual([0x2E, 0x2E])
        }
    }
}
