import TrackbotCore

/// One entry of a tar archive, as far as its content goes (times are left out: rebuilds change them).
public struct TarEntry: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case file, directory, symlink, hardlink, char, block, fifo
    }

    /// The path cleaned (`./a//b/` → `a/b`, the root is `.`); for an unsafe entry, as far as it could be.
    public var path: String
    public var kind: Kind
    /// Permission bits, setuid/setgid/sticky included (`0o4755`).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var uname: String?
    public var gname: String?
    public var size: UInt64
    /// sha256 hex of the content, for regular files.
    public var sha256: String?
    /// Target of a symbolic or hard link (hard link targets cleaned like paths).
    public var linkTarget: String?
    /// Device numbers of character and block devices.
    public var devMajor: Int?
    public var devMinor: Int?
    /// Why extracting the entry is unsafe, nil when it is not: an absolute path, a path or hard
    /// link target climbing out with `..`, a symbolic link climbing out of the root, a path
    /// through an earlier symbolic link of the archive, a device node, a setuid or setgid file.
    public var unsafe: String?

    /// An overlay whiteout (`.wh.<name>`, or `.wh..wh..opq` for an opaque directory) in a layer.
    public var isWhiteout: Bool { TreePath.base(path).hasPrefix(".wh.") }

    /// Unsafe only for its setuid/setgid bit: distributions ship a few such files (passwd, su),
    /// so this alone is less alarming than an entry that escapes the root or a device node.
    public var isOnlySetID: Bool { unsafe != nil && unsafe == Self.setIDReason(mode) }

    static func setIDReason(_ mode: UInt32) -> String? {
        switch (mode & 0o4000 != 0, mode & 0o2000 != 0) {
        case (true, true): return "setuid and setgid file"
        case (true, false): return "setuid file"
        case (false, true): return "setgid file"
        case (false, false): return nil
        }
    }

    /// `path` cut to `limit` characters for a message (an entry name may be 4 KiB).
    public static func shown(_ path: String, limit: Int = 160) -> String {
        path.count <= limit ? path : String(path.prefix(limit)) + "…(\(path.utf8.count) bytes)"
    }
}

/// What a pass over an archive keeps when the entries themselves are not needed: counts and the
/// first few unsafe entries, so memory stays constant whatever the archive holds.
public struct TarScan: Hashable, Codable, Sendable {
    /// At most this many unsafe entries are kept (the rest are counted).
    public static let keptUnsafe = 5

    public var path: String
    public var entries = 0
    public var unsafeCount = 0
    /// How many of the unsafe entries are unsafe only for their setuid/setgid bit.
    public var setIDOnlyCount = 0
    /// The first `keptUnsafe` unsafe entries, in archive order.
    public var unsafe: [TarEntry] = []

    public init(path: String) { self.path = path }

    public mutating func add(_ e: TarEntry) {
        entries += 1
        guard e.unsafe != nil else { return }
        unsafeCount += 1
        if e.isOnlySetID { setIDOnlyCount += 1 }
        if unsafe.count < Self.keptUnsafe { unsafe.append(e) }
    }
}

/// Every entry of a tar archive, in archive order.
public struct TarListing: Hashable, Codable, Sendable {
    public var entries: [TarEntry]

    public init(entries: [TarEntry]) { self.entries = entries }

    /// Entries that are unsafe to extract (see `TarEntry.unsafe`).
    public var unsafeEntries: [TarEntry] { entries.filter { $0.unsafe != nil } }

    /// Compares with `other` (the new side): entries added, removed and changed, by path.
    /// When a path repeats, the last entry wins, as extraction would leave it.
    public func compare(with other: TarListing, ignoring: Set<TarField> = []) -> TarComparison {
        var old: [String: TarEntry] = [:]
        for e in entries { old[e.path] = e }
        var new: [String: TarEntry] = [:]
        for e in other.entries { new[e.path] = e }
        var result = TarComparison(added: [], removed: [], changed: [])
        for path in new.keys.sorted() {
            let n = new[path]!
            guard let o = old[path] else {
                result.added.append(n)
                continue
            }
            let fields = TarField.allCases.filter { !ignoring.contains($0) && $0.value(of: o) != $0.value(of: n) }
            if !fields.isEmpty { result.changed.append(TarChange(path: path, fields: fields, old: o, new: n)) }
        }
        for path in old.keys.sorted() where new[path] == nil { result.removed.append(old[path]!) }
        return result
    }
}

/// A field of `TarEntry` that a comparison looks at.
public enum TarField: String, Codable, Sendable, CaseIterable {
    case kind, mode, uid, gid, size, sha256, linkTarget, device

    func value(of e: TarEntry) -> String {
        switch self {
        case .kind: return e.kind.rawValue
        case .mode: return String(e.mode, radix: 8)
        case .uid: return String(e.uid)
        case .gid: return String(e.gid)
        case .size: return String(e.size)
        case .sha256: return e.sha256 ?? ""
        case .linkTarget: return e.linkTarget ?? ""
        case .device: return e.devMajor.map { "\($0),\(e.devMinor ?? 0)" } ?? ""
        }
    }
}

/// An entry present on both sides whose fields differ.
public struct TarChange: Hashable, Codable, Sendable {
    public var path: String
    public var fields: [TarField]
    public var old: TarEntry
    public var new: TarEntry
}

/// The difference between two listings.
public struct TarComparison: Hashable, Codable, Sendable {
    public var added: [TarEntry]
    public var removed: [TarEntry]
    public var changed: [TarChange]

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
}
