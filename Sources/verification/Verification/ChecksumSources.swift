import Foundation
import TrackbotCore

/// Where the expected hash of an artefact came from.
public struct ChecksumSource: Hashable, Codable, Sendable {
    /// The checksum file's path in the tree.
    public var file: String
    public var line: Int
    public var expected: Digest
}

/// Finds the checksum files that speak about an artefact.
///
/// Search order: sidecar files next to the artefact (`<name>.sha512`, `<name>.sha256`,
/// `<name>.sha512sum`, `<name>.sha256sum`), then checksum lists (`SHA512SUMS`, `SHA256SUMS`,
/// `checksums.sha512`, `checksums`, …) in the artefact's directory and each ancestor up to the
/// root. A list entry matches when its path, cleaned, equals the artefact's path relative to the
/// list's directory or relative to the repository root.
public struct ChecksumSearch {
    public let tree: any SourceTree
    private var cache: [String: ChecksumFile?] = [:]
    private var listings: [String: [TreeEntry]] = [:]

    public init(tree: any SourceTree) { self.tree = tree }

    /// Names (lowercased) of files that are checksum lists wherever they are.
    public static let listNames: Set<String> = [
        "sha256sums", "sha512sums", "sha256sums.txt", "sha512sums.txt",
        "sha256sum.txt", "sha512sum.txt", "checksums", "checksums.txt",
        "checksums.sha256", "checksums.sha512", "sha256.txt", "sha512.txt",
    ]

    /// Suffixes of sidecar files beside one artefact, strongest algorithm first.
    public static let sidecarSuffixes = [".sha512", ".sha256", ".sha512sum", ".sha256sum"]

    /// Whether a file name is a checksum file of either kind.
    public static func isChecksumFile(_ name: String) -> Bool {
        let lower = name.lowercased()
        return listNames.contains(lower) || sidecarSuffixes.contains { lower.hasSuffix($0) }
    }

    mutating func load(_ path: String) throws -> ChecksumFile? {
        if let hit = cache[path] { return hit }
        let file = try tree.read(path).map { ChecksumFile.parse($0, path: path) }
        cache[path] = file
        return file
    }

    mutating func entries(of directory: String) throws -> [TreeEntry] {
        if let hit = listings[directory] { return hit }
        let list = try tree.list(directory)
        listings[directory] = list
        return list
    }

    /// The checksum files consulted for `artefact` (in search order), and the entries naming it.
    public mutating func sources(for artefact: String) throws -> (files: [ChecksumFile], matches: [ChecksumSource]) {
        let artefact = TreePath.clean(artefact)
        let name = TreePath.base(artefact)
        var directory = TreePath.parent(artefact)
        var files: [ChecksumFile] = []
        var matches: [ChecksumSource] = []

        let here = try entries(of: directory)
        for suffix in Self.sidecarSuffixes {
            guard let entry = here.first(where: { $0.kind == .file && $0.name == name + suffix }),
                let file = try load(entry.path)
            else { continue }
            files.append(file)
            for e in file.entries where e.path == nil || TreePath.base(e.path!.trimmingPrefix("*")) == name {
                matches.append(ChecksumSource(file: file.path, line: e.line, expected: e.digest))
            }
        }

        while true {
            for entry in try entries(of: directory)
            where entry.kind == .file && Self.listNames.contains(entry.name.lowercased()) {
                guard let file = try load(entry.path) else { continue }
                files.append(file)
                let relative = directory.isEmpty ? artefact : String(artefact.dropFirst(directory.count + 1))
                for e in file.entries {
                    guard let listed = e.path.flatMap({ TreePath.resolve($0) }) else { continue }
                    if listed == relative || listed == artefact {
                        matches.append(ChecksumSource(file: file.path, line: e.line, expected: e.digest))
                    }
                }
            }
            if directory.isEmpty { break }
            directory = TreePath.parent(directory)
        }
        return (files, matches)
    }
}

extension String {
    func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
