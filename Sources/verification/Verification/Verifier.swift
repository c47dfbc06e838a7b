import Foundation
import TrackbotCore

/// How an added file fared against the checksum files beside it.
public enum ArtefactStatus: String, Codable, Sendable {
    /// Every checksum entry naming it matches.
    case verified
    /// At least one entry naming it differs.
    case mismatch
    /// An archive no checksum file names.
    case missing
    /// Not an archive and no checksum file names it (scripts, configs): nothing to check.
    case unchecked
}

/// A checksum entry compared with the artefact.
public struct ChecksumCheck: Hashable, Codable, Sendable {
    public var file: String
    public var line: Int
    public var expected: Digest
    public var matches: Bool
}

/// A file a Dockerfile adds from its build context, with its digests and checksum verdict.
public struct ArtefactVerification: Hashable, Codable, Sendable {
    /// Path in the source tree.
    public var path: String
    /// The Dockerfile line of the ADD/COPY that adds it.
    public var line: Int
    public var size: UInt64
    public var compression: Compression
    /// sha256 always; sha512 too when a checksum file uses it.
    public var digests: [Digest]
    public var status: ArtefactStatus
    public var checks: [ChecksumCheck]
}

/// Everything verification found in one upstream directory.
public struct VerificationReport: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable { case dockerfile, ociImport = "oci-import" }

    public var source: String
    public var directory: String
    public var file: String
    public var builder: String
    public var kind: Kind
    /// The parsed Dockerfile (instructions, stages, …), for Dockerfile builds.
    public var dockerfile: Dockerfile?
    /// The image the final stage starts from (`scratch`, or a reference), for Dockerfile builds.
    public var parent: String?
    public var artefacts: [ArtefactVerification]
    public var pins: [Pin]
    /// The layout checks, for `oci-import`.
    public var layout: LayoutVerification?
    public var findings: [Finding]
}

/// The single entry point of verification: one library entry's upstream directory in, a report out.
public struct Verifier {
    public let tree: any SourceTree
    public let limits: StreamLimits

    public init(tree: any SourceTree, limits: StreamLimits = .default) {
        self.tree = tree
        self.limits = limits
    }

    /// Verifies `directory` of the tree as the library entry describes it: `builder` `oci-import`
    /// checks the OCI layout named by `file` (default `index.json`); anything else parses the
    /// Dockerfile named by `file` (default `Dockerfile`) and checks the files it adds.
    public func verify(directory: String = "", file: String? = nil, builder: String? = nil) throws -> VerificationReport
    {
        let directory = TreePath.clean(directory)
        let builder = builder ?? ""
        if builder == "oci-import" {
            let name = file ?? "index.json"
            let layout = try OCILayoutVerifier(tree: tree, limits: limits).verify(directory: directory, file: name)
            // Unsafe entries are not a layout error (the blobs are what the layout says), so they
            // stay out of `layout.findings`.
            let unsafe = UnsafeEntries.finding(layout.layers.compactMap(\.scan))
            return VerificationReport(
                source: tree.displayName, directory: directory, file: name, builder: builder,
                kind: .ociImport, dockerfile: nil, parent: nil, artefacts: [], pins: [],
                layout: layout, findings: layout.findings + (unsafe.map { [$0] } ?? []))
        }
        let name = file ?? "Dockerfile"
        let dockerfilePath = TreePath.join(directory, name)
        guard let bytes = try tree.read(dockerfilePath) else {
            throw VerificationError.notFound(path: dockerfilePath, in: tree.displayName)
        }
        let dockerfile = try Dockerfile.parse(bytes, path: dockerfilePath)
        var findings: [Finding] = []
        var artefacts: [ArtefactVerification] = []
        var search = ChecksumSearch(tree: tree)
        var reportedFiles: Set<String> = []
        var scans: [TarScan] = []

        for source in dockerfile.contextSources {
            let paths = try expand(source, in: directory)
            if paths.isEmpty {
                findings.append(
                    Finding(
                        kind: .checkFailed, severity: .warn,
                        message:
                            "\(dockerfilePath):\(source.line): \(source.keyword) \(source.written) names nothing in \(directory.isEmpty ? "the build context" : directory)"
                    ))
            }
            for path in paths where !artefacts.contains(where: { $0.path == path }) {
                let (files, matches) = try search.sources(for: path)
                for f in files where !reportedFiles.contains(f.path) {
                    reportedFiles.insert(f.path)
                    for p in f.problems {
                        findings.append(
                            Finding(
                                kind: .checkFailed, severity: .alert,
                                message: "\(f.path):\(p.line): \(p.reason)"))
                    }
                }
                var algorithms: [Digest.Algorithm] = [.sha256]
                for m in matches where !algorithms.contains(m.expected.algorithm) {
                    algorithms.append(m.expected.algorithm)
                }
                // Archives are also read for unsafe entries, in the same pass as the hashes.
                let (digests, scan) = try ArtefactHasher.hashAndScan(
                    try tree.open(path), path: path, algorithms: algorithms,
                    limits: limits
                ) { Self.isArchive(path, $0) }
                switch scan {
                case .success(let s)?: scans.append(s)
                case .failure(let error)?:
                    if let finding = Self.unreadableArchive(path, error) { findings.append(finding) }
                case nil: break
                }
                var checks: [ChecksumCheck] = []
                for m in matches {
                    let actual = digests.digest(m.expected.algorithm)!
                    checks.append(
                        ChecksumCheck(file: m.file, line: m.line, expected: m.expected, matches: actual == m.expected))
                    if actual != m.expected {
                        findings.append(
                            Finding(
                                kind: .checksumMismatch, severity: .alert,
                                message:
                                    "\(path) does not match \(m.file):\(m.line) (\(m.expected.algorithm.rawValue))",
                                expected: m.expected.hex, actual: actual.hex))
                    }
                }
                let status: ArtefactStatus
                if checks.isEmpty {
                    if Self.isArchive(path, digests.compression) {
                        status = .missing
                        findings.append(
                            Finding(
                                kind: .checksumMissing, severity: .warn,
                                message:
                                    "no checksum file names \(path) (looked for \(Self.sidecarText(path)) beside it and checksum lists in its directory and every parent)"
                            ))
                    } else {
                        status = .unchecked
                    }
                } else {
                    status = checks.allSatisfy(\.matches) ? .verified : .mismatch
                }
                artefacts.append(
                    ArtefactVerification(
                        path: path, line: source.line, size: digests.size,
                        compression: digests.compression, digests: digests.digests,
                        status: status, checks: checks))
            }
        }
        if let unsafe = UnsafeEntries.finding(scans) { findings.append(unsafe) }
        return VerificationReport(
            source: tree.displayName, directory: directory, file: name, builder: builder,
            kind: .dockerfile, dockerfile: dockerfile, parent: dockerfile.parent,
            artefacts: artefacts, pins: dockerfile.pins, layout: nil, findings: findings)
    }

    /// The entries of a (compressed) tarball in the tree, for comparing it with a published layer.
    public func listing(of path: String) throws -> TarListing {
        try TarReader.list(try tree.open(path), path: path, limits: limits)
    }

    /// The files a context source names (directories are walked; a pattern in the last part is matched).
    func expand(_ source: ContextSource, in directory: String) throws -> [String] {
        let path = TreePath.join(directory, source.path)
        if source.isPattern {
            let parent = TreePath.parent(path)
            let pattern = TreePath.base(path)
            return try tree.list(parent).filter { $0.kind == .file && fnmatch(pattern, $0.name, 0) == 0 }.map(\.path)
        }
        switch try tree.kind(of: path) {
        case .file: return [path]
        case .directory: return try files(under: path)
        default: return []
        }
    }

    /// Regular files under a directory, checksum files left out.
    private func files(under directory: String) throws -> [String] {
        var out: [String] = []
        for e in try tree.list(directory) {
            switch e.kind {
            case .file where !ChecksumSearch.isChecksumFile(e.name): out.append(e.path)
            case .directory where e.name != ".git": out += try files(under: e.path)
            default: break
            }
        }
        return out
    }

    static let tarSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2"]

    static func isArchive(_ path: String, _ compression: Compression) -> Bool {
        compression != .none || hasTarSuffix(path)
    }

    static func hasTarSuffix(_ path: String) -> Bool {
        let lower = path.lowercased()
        return tarSuffixes.contains { lower.hasSuffix($0) }
    }

    /// The finding for an archive whose entries could not all be read, or nil when what stopped
    /// the reader cannot hide an unsafe entry: content that is not a tar from its first header
    /// (`ADD` copies such a file as it is), or a corrupt compressed stream (`ADD` cannot extract
    /// it either; a checksum mismatch, if any, is its own finding). A cap, a tar that breaks after
    /// its first entries, or a compression trackbot does not read leave entries unchecked.
    static func unreadableArchive(_ path: String, _ error: VerificationError) -> Finding? {
        switch error {
        case .malformedTar(_, 0, _), .corruptCompressed:
            return nil
        case .unsupportedCompression:
            return Finding(
                kind: .checkFailed, severity: .warn,
                message: "\(error.description); its entries were not checked for unsafe ones")
        default:
            return Finding(
                kind: .checkFailed, severity: .alert,
                message: "the entries of \(path) could not be read: \(error.description)")
        }
    }

    static func sidecarText(_ path: String) -> String {
        ChecksumSearch.sidecarSuffixes.map { TreePath.base(path) + $0 }.joined(separator: ", ")
    }
}
