import CGit2
import Foundation

/// A file of a mirror read in chunks, with bounded extra memory. A loose object is inflated as it
/// is read (`git_odb_open_rstream`); a packed one cannot be streamed by libgit2 1.5, so it is
/// served from libgit2's one inflated copy (`git_blob_rawcontent`), never copied again. Keeps the
/// repository handle of the `CommitTree` it came from alive: use it on that tree's thread, within
/// the same blocking job.
public final class BlobReader {
    /// The blob's size in bytes.
    public let size: Int
    /// True when the object is read from disk as it is consumed (a loose object), false when
    /// libgit2 holds it in memory whole (a packed one).
    public let isStreamed: Bool
    /// `commit:path`, for messages.
    public let name: String
    private let repository: Repository
    private var stream: UnsafeMutablePointer<git_odb_stream>?
    private var blob: OpaquePointer?
    private var offset = 0

    init(repository: Repository, id: ObjectID, name: String) throws(MirrorError) {
        self.repository = repository
        self.name = name
        var odb: OpaquePointer?
        var code = git_repository_odb(&odb, repository.pointer)
        guard code == 0, let odb else { throw repository.fail("open the object database", code) }
        defer { git_odb_free(odb) }
        var oid = id.gitOID
        var length = 0
        var type = GIT_OBJECT_INVALID
        var opened: UnsafeMutablePointer<git_odb_stream>?
        if git_odb_open_rstream(&opened, &length, &type, odb, &oid) == 0, let opened {
            guard type == GIT_OBJECT_BLOB else {
                git_odb_stream_free(opened)
                throw .repository(
                    path: repository.directory.path, operation: "read \(name)", message: "object \(id) is not a blob")
            }
            stream = opened
            size = length
            isStreamed = true
            return
        }
        // No backend streams this object (it is in a pack): libgit2 inflates it once, in place.
        var found: OpaquePointer?
        code = git_blob_lookup(&found, repository.pointer, &oid)
        guard code == 0, let found else { throw repository.fail("read blob \(id) (\(name))", code) }
        blob = found
        size = Int(git_blob_rawsize(found))
        isStreamed = false
    }

    deinit {
        if let stream { git_odb_stream_free(stream) }
        if let blob { git_blob_free(blob) }
    }

    /// Fills up to `buffer.count` bytes; 0 only at the end of the blob.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(MirrorError) -> Int {
        guard !buffer.isEmpty, offset < size else { return 0 }
        let n: Int
        if let stream {
            let want = min(buffer.count, size - offset, Int(Int32.max))
            let code = git_odb_stream_read(stream, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), want)
            guard code >= 0 else { throw repository.fail("read \(name)", code) }
            guard code > 0 else {
                throw .repository(
                    path: repository.directory.path, operation: "read \(name)",
                    message: "the loose object ends after \(offset) of its \(size) bytes (corrupt object file)")
            }
            n = Int(code)
        } else {
            n = min(buffer.count, size - offset)
            buffer.baseAddress!.copyMemory(from: git_blob_rawcontent(blob!)! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}
