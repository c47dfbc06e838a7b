import Foundation
import TrackbotCore

#if canImport(Glibc)
import Glibc
#endif

/// A sequence of bytes read in chunks into a caller's buffer (a file, a blob, a decompressor).
public protocol ByteStream: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// What kind of thing a directory entry is.
public enum TreeEntryKind: String, Codable, Sendable {
    case file, directory, symlink, other
}

/// One entry of a `SourceTree` directory listing.
public struct TreeEntry: Hashable, Codable, Sendable {
    /// The entry's name within its directory.
    public var name: String
    /// The path from the tree's root, `/`-separated, no leading `/`.
    public var path: String
    public var kind: TreeEntryKind
    /// Size in bytes for files, when known.
    public var size: UInt64?

    public init(name: String, path: String, kind: TreeEntryKind, size: UInt64? = nil) {
        self.name = name
        self.path = path
        self.kind = kind
        self.size = size
    }
}

/// Read access to an upstream directory tree: a local checkout, or a commit in a git mirror.
/// Paths are relative to the root, `/`-separated; `""` is the root itself.
public protocol SourceTree {
    /// A name for messages (a directory, or `repo@commit`), without credentials.
    var displayName: String { get }
    /// The whole content of a small file (Dockerfile, checksum list, index.json), or nil if absent.
    func read(_ path: String) throws -> [UInt8]?
    /// A stream over a file's content, for anything that may be large (tarballs, blobs).
    func open(_ path: String) throws -> any ByteStream
    /// The entries of a directory, sorted by name; empty if the directory does not exist.
    func list(_ directory: String) throws -> [TreeEntry]
    /// Whether a path exists and what it is.
    func kind(of path: String) throws -> TreeEntryKind?
}

extension SourceTree {
    /// Default: look the entry up in its parent's listing.
    public func kind(of path: String) throws -> TreeEntryKind? {
        let clean = TreePath.clean(path)
        if clean.isEmpty { return .directory }
        let entries = try list(TreePath.parent(clean))
        return entries.first { $0.path == clean }?.kind
    }
}

/// Path arithmetic for tree paths (`/`-separated, relative to the root).
public enum TreePath {
    /// Drops `.` and empty components and a leading `./`; `..` is kept for the caller to refuse.
    public static func clean(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }
            .joined(separator: "/")
    }

    /// The containing directory (`""` for top-level entries).
    public static func parent(_ path: String) -> String {
        let clean = clean(path)
        guard let slash = clean.lastIndex(of: "/") else { return "" }
        return String(clean[..<slash])
    }

    /// The last component.
    public static func base(_ path: String) -> String {
        let clean = clean(path)
        guard let slash = clean.lastIndex(of: "/") else { return clean }
        return String(clean[clean.index(after: slash)...])
    }

    /// `a` joined with `b` (either may be empty).
    public static func join(_ a: String, _ b: String) -> String {
        clean(a.isEmpty ? b : b.isEmpty ? a : a + "/" + b)
    }

    /// Resolves `..` lexically; nil when the path climbs above the root or is absolute
    /// (`RelativePath.resolve`).
    public static func resolve(_ path: String) -> String? { RelativePath.resolve(path) }
}

/// A `SourceTree` over a directory on the local filesystem. Paths may not leave the root,
/// neither through `..` nor through a symbolic link pointing outside it.
public struct LocalSourceTree: SourceTree, Sendable {
    /// The root directory, absolute and with symbolic links resolved.
    public let root: String
    /// Largest file `read` accepts; larger files must be streamed with `open`.
    public let readLimit: Int

    public init(root: String, readLimit: Int = 64 << 20) throws(VerificationError) {
        guard let real = realpath(root, nil) else {
            throw .notFound(path: root, in: "the local filesystem")
        }
        defer { free(real) }
        self.root = String(cString: real)
        self.readLimit = readLimit
    }

    public var displayName: String { root }

    /// The absolute path of a tree path, refusing anything that resolves outside the root.
    func resolve(_ path: String) throws(VerificationError) -> String? {
        guard let rel = TreePath.resolve(path) else { throw .unsafePath(path: path, in: root) }
        let full = rel.isEmpty ? root : root + "/" + rel
        guard let real = realpath(full, nil) else { return nil }
        defer { free(real) }
        let resolved = String(cString: real)
        guard resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw .unsafePath(path: path, in: root)
        }
        return resolved
    }

    public func read(_ path: String) throws -> [UInt8]? {
        guard let full = try resolve(path) else { return nil }
        let file = try FileStream(path: full, displayPath: path)
        let size = file.size
        guard size <= UInt64(readLimit) else {
            throw VerificationError.tooLarge(path: path, size: size, limit: UInt64(readLimit))
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var filled = 0
        try bytes.withUnsafeMutableBytes { raw in
            while filled < raw.count {
                let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                if n == 0 { break }
                filled += n
            }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    public func open(_ path: String) throws -> any ByteStream {
        guard let full = try resolve(path) else {
            throw VerificationError.notFound(path: path, in: root)
        }
        return try FileStream(path: full, displayPath: path)
    }

    public func list(_ directory: String) throws -> [TreeEntry] {
        guard let full = try resolve(directory) else { return [] }
        guard let dir = opendir(full) else { return [] }
        defer { closedir(dir) }
        let prefix = TreePath.clean(directory)
        var entries: [TreeEntry] = []
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var st = stat()
            guard lstat(full + "/" + name, &st) == 0 else { continue }
            let kind: TreeEntryKind
            switch st.st_mode & S_IFMT {
            case S_IFREG: kind = .file
            case S_IFDIR: kind = .directory
            case S_IFLNK: kind = .symlink
            default: kind = .other
            }
            entries.append(
                TreeEntry(
                    name: name, path: TreePath.join(prefix, name), kind: kind,
                    size: kind == .file ? UInt64(st.st_size) : nil))
        }
        return entries.sorted { $0.name < $1.name }
    }

    public func kind(of path: String) throws -> TreeEntryKind? {
        guard let full = try resolve(path) else { return nil }
        var st = stat()
        guard stat(full, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }
}

/// A file read with POSIX `read()` straight into the caller's buffer.
public final class FileStream: ByteStream {
    private let fd: Int32
    /// The path used in error messages.
    public let displayPath: String
    /// The file's size when opened.
    public let size: UInt64

    public init(path: String, displayPath: String? = nil) throws(VerificationError) {
        self.displayPath = displayPath ?? path
        fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT
                ? .notFound(path: path, in: "the local filesystem")
                : .io(path: path, reason: String(cString: strerror(code)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw .io(path: path, reason: "not a regular file")
        }
        size = UInt64(st.st_size)
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw VerificationError.io(path: displayPath, reason: String(cString: strerror(errno)))
        }
    }

    deinit { Glibc.close(fd) }
}
