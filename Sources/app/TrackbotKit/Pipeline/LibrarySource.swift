import Foundation
import GitMirror
import OfficialImages
import TrackbotCore

/// official-images as the pipeline reads it: a git repository at a ref (the default), or a
/// local folder of library files (no history, so no tag-change findings).
enum LibrarySource: Sendable {
    case git(cache: MirrorCache, url: String, ref: String)
    case folder(LibraryDirectory)

    static func make(source: String, ref: String, sources: GitSources) -> LibrarySource {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDir), isDir.boolValue,
            !FileManager.default.fileExists(atPath: source + "/HEAD")
                || FileManager.default.fileExists(atPath: source + "/library")
        {
            return .folder(LibraryDirectory(path: source))
        }
        return .git(cache: sources.cache, url: source, ref: ref)
    }

    /// Fetches the ref and returns the commit to read; nil for a folder.
    func resolveCommit() async throws -> String? {
        guard case .git(let cache, let url, let ref) = self else { return nil }
        if ref.count < 40, ref.count >= 4, Hex.isHex(ref) {
            // An abbreviated commit: look in what the mirror has, then in every branch.
            if let mirror = try? cache.mirror(url, isUserOwned: true), let id = try? await mirror.resolve(ref) {
                return id.hex
            }
            _ = try await cache.fetch(url, refs: ["refs/heads/*"], isUserOwned: true)
            return try await cache.mirror(url, isUserOwned: true).resolve(ref).hex
        }
        let candidates: [String]
        if ObjectID(ref) != nil {
            candidates = [ref]
        } else if ref.hasPrefix("refs/") {
            candidates = [ref]
        } else {
            candidates = ["refs/heads/\(ref)", "refs/tags/\(ref)"]
        }
        var lastError: (any Error)?
        for candidate in candidates {
            do {
                let result = try await cache.fetch(url, refs: [candidate], isUserOwned: true)
                if result.missingRefs.contains(candidate) { continue }
                return try await cache.mirror(url, isUserOwned: true).resolve(candidate).hex
            } catch {
                lastError = error
            }
        }
        if let ref = ObjectID(ref) {
            // The server would not serve the commit by id: take the branches and look again.
            _ = try await cache.fetch(url, refs: ["refs/heads/*"], isUserOwned: true)
            return try await cache.mirror(url, isUserOwned: true).resolve(ref.hex).hex
        }
        throw lastError
            ?? UsageError(
                "official-images at \(Redaction.stripCredentials(url)) has no branch or tag \"\(ref)\" (--library-ref)")
    }

    /// `URL REF` or `folder PATH`, for `-v` lines.
    var logName: String {
        switch self {
        case .git(_, let url, let ref): return "\(Redaction.stripCredentials(url)) \(ref)"
        case .folder(let dir): return "folder \(dir.url.path)"
        }
    }

    func file(_ name: String, at commit: String?) async throws -> LibraryFile {
        switch self {
        case .folder(let dir):
            return try dir.read(name)
        case .git(let cache, let url, _):
            guard let commit else { throw UsageError("no official-images commit to read library/\(name) at") }
            let mirror = try cache.mirror(url, isUserOwned: true)
            let path = "library/\(name)@\(commit.prefix(7))"
            // An oversized file is refused before it is read.
            let size: Int
            do { size = try await mirror.libraryFileSize(name, at: commit) } catch MirrorError.pathNotFound {
                let names = (try? await mirror.libraryFiles(at: commit).map(\.name)) ?? []
                throw UnknownImage(image: name, commit: commit, known: names)
            }
            try LibraryFileReader.checkSize(size, path: path)
            let data = try await mirror.libraryFile(name, at: commit)
            return try LibraryFileReader.read(bytes: [UInt8](data), name: name, path: path)
        }
    }
}

/// official-images has no library file of that name at the commit read: the nearest names are
/// suggested (`alpne` → alpine).
struct UnknownImage: Error, CustomStringConvertible {
    let image: String
    let commit: String
    let known: [String]

    var description: String {
        let guess = NearestNames.didYouMean(image, among: known).map { "; \($0)" } ?? ""
        return "official-images at \(commit.prefix(7)) has no library/\(image) (no such official image)\(guess)"
    }
}
