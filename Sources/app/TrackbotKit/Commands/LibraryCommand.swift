import Foundation
import GitMirror
import OfficialImages
import Reporting
import TrackbotCore

/// `trackbot library IMAGE[:TAG]`: the parsed entries, resolved per architecture, read from
/// official-images at a ref (or from a folder of library files); or what changed in the file.
public enum LibraryCommand {
    public struct Request: Sendable {
        public var reference: String
        /// official-images as a git URL, or a folder of library files (or a checkout); nil: the
        /// configured `[library] source`.
        public var library: String?
        /// Another version of the file on disk to diff against (it → the one read from `library`).
        public var diffAgainst: String?
        /// Another official-images ref (branch, tag or commit; git sources only) to diff against
        /// (the file there → the file at `--library-ref`).
        public var diffRef: String?

        public init(reference: String, library: String? = nil, diffAgainst: String? = nil, diffRef: String? = nil) {
            self.reference = reference
            self.library = library
            self.diffAgainst = diffAgainst
            self.diffRef = diffRef
        }
    }

    public static func run(_ request: Request, options: GlobalOptions) async throws -> CommandResult {
        let (image, tag) = try ImageArgument.split(request.reference)
        if request.diffAgainst != nil, request.diffRef != nil {
            throw UsageError(
                "--diff and --diff-ref cannot be used together: --diff compares with a file on disk, --diff-ref with another official-images ref"
            )
        }
        let context = try RunContext.load(options)
        let location = request.library ?? context.configuration.librarySource
        let ref = context.libraryRef
        let source = context.library(request.library)
        let version = try await LibraryVersion.resolve(source, ref: ref, location: location)

        if let oldPath = request.diffAgainst {
            guard let data = FileManager.default.contents(atPath: oldPath) else {
                throw UsageError("cannot read \(oldPath) (the --diff file): check the path")
            }
            let old = try LibraryFileReader.read(bytes: [UInt8](data), name: image, path: oldPath)
            let new = try await version.read(image)
            return try diffResult(
                old: old, new: new, tag: tag, image: image, options: options,
                from: .init(path: oldPath), to: version.origin,
                title: "library/\(image): \(oldPath) → \(version.label)")
        }
        if let diffRef = request.diffRef {
            guard case .git = source else {
                throw UsageError(
                    "--diff-ref needs official-images as a git repository; \(location) is a folder of library files (use --diff OLD_FILE there)"
                )
            }
            let oldVersion = try await LibraryVersion.resolve(
                context.library(request.library, ref: diffRef),
                ref: diffRef, location: location)
            let old = try await oldVersion.readIfPresent(image)
            let new = try await version.readIfPresent(image)
            guard old != nil || new != nil else {
                throw UsageError(
                    "official-images at \(oldVersion.label) and at \(version.label) has no library/\(image): \(try await version.namesHint(image))"
                )
            }
            return try diffResult(
                old: old, new: new, tag: tag, image: image, options: options,
                from: oldVersion.origin, to: version.origin,
                title:
                    "library/\(image): \(oldVersion.label) → \(version.label) (\(Redaction.stripCredentials(location)))"
            )
        }

        let file = try await version.read(image)
        var only: [Entry]?
        if let tag {
            only = file.entries(for: tag)
            guard !only!.isEmpty else { throw unknownTag(tag, in: [file], image: image, at: version.label) }
        }
        if !options.architectures.isEmpty {
            only = (only ?? file.entries).compactMap { e in
                var e = e
                e.architectures = e.architectures.filter(options.architectures.contains)
                // Per-arch values of the other architectures would only be noise (`<arch>-<Field>`).
                let kept = Set(e.architectures.map(\.rawValue))
                e.archValues = e.archValues.filter { key, _ in
                    key.lastIndex(of: "-").map { kept.contains(String(key[..<$0])) } ?? true
                }
                return e.architectures.isEmpty ? nil : e
            }
        }
        let output: String
        switch options.format {
        case .json:
            output = try JSONOutput.encode(
                SourcedLibraryJSON(file: LibraryFileJSON(file, only: only), source: version.origin))
        case .text:
            output = version.textHeader(image) + (try LibraryReport.render(file, only: only, format: .text))
        case .markdown:
            var lines = try LibraryReport.render(file, only: only, format: .markdown).components(separatedBy: "\n")
            lines.insert(contentsOf: [version.markdownLine, ""], at: min(2, lines.count))
            output = lines.joined(separator: "\n")
        }
        return CommandResult(output: output)
    }

    private static func diffResult(
        old: LibraryFile?, new: LibraryFile?, tag: String?, image: String,
        options: GlobalOptions, from: LibraryOrigin, to: LibraryOrigin,
        title: String
    ) throws -> CommandResult {
        var old = old, new = new
        if let tag {
            // Only the entries holding the tag, on each side.
            let present = [old, new].compactMap { $0 }
            guard present.contains(where: { !$0.entries(for: tag).isEmpty }) else {
                throw unknownTag(tag, in: present, image: image, at: "either version")
            }
            old = old.map {
                var f = $0
                f.entries = f.entries(for: tag)
                return f
            }
            new = new.map {
                var f = $0
                f.entries = f.entries(for: tag)
                return f
            }
        }
        let diff = LibraryDiff(old: old, new: new)
        if options.format == .json {
            return CommandResult(output: try JSONOutput.encode(SourcedDiffJSON(diff: diff, from: from, to: to)))
        }
        return CommandResult(output: try LibraryDiffReport.render(diff, format: options.format, title: title))
    }

    private static func unknownTag(_ tag: String, in files: [LibraryFile], image: String, at place: String)
        -> UsageError
    {
        var seen = Set<String>()
        let tags = files.flatMap(\.allTags).filter { seen.insert($0).inserted }
        let guess = NearestNames.didYouMean(tag, among: tags).map { " (\($0))" } ?? ""
        return UsageError(
            "library/\(image) has no tag \"\(tag)\" at \(place)\(guess); its tags are: \(tags.joined(separator: ", "))")
    }
}

/// Where a library file was read from, as the JSON output names it.
struct LibraryOrigin: Codable, Sendable {
    /// The official-images URL (credentials stripped), for git sources.
    var url: String?
    /// The ref asked for (`--library-ref`, `--diff-ref`, or the configured one).
    var ref: String?
    /// The official-images commit read.
    var commit: String?
    /// A folder or file on disk.
    var path: String?

    init(url: String? = nil, ref: String? = nil, commit: String? = nil, path: String? = nil) {
        self.url = url
        self.ref = ref
        self.commit = commit
        self.path = path
    }
}

/// `trackbot library --format json`: the library file's JSON plus `source`.
struct SourcedLibraryJSON: Encodable {
    var file: LibraryFileJSON
    var source: LibraryOrigin

    enum Keys: String, CodingKey { case source }

    func encode(to encoder: any Encoder) throws {
        try file.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(source, forKey: .source)
    }
}

/// `trackbot library --diff… --format json`: the diff plus `from` and `to`.
struct SourcedDiffJSON: Encodable {
    var diff: LibraryDiff
    var from: LibraryOrigin
    var to: LibraryOrigin

    enum Keys: String, CodingKey { case from, to }

    func encode(to encoder: any Encoder) throws {
        try diff.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
    }
}

/// official-images at one resolved commit (or a folder), with how to name it in output.
struct LibraryVersion: Sendable {
    var source: LibrarySource
    var commit: String?
    var ref: String
    var location: String

    static func resolve(_ source: LibrarySource, ref: String, location: String) async throws -> LibraryVersion {
        LibraryVersion(source: source, commit: try await source.resolveCommit(), ref: ref, location: location)
    }

    /// `87b6256` (a commit) or the folder's path.
    var label: String { commit.map { String($0.prefix(7)) } ?? location }

    var origin: LibraryOrigin {
        commit == nil
            ? LibraryOrigin(path: location)
            : LibraryOrigin(url: Redaction.stripCredentials(location), ref: ref, commit: commit)
    }

    /// A comment line (so the output stays a valid library file) naming the commit.
    func textHeader(_ image: String) -> String {
        guard let commit else { return "" }
        return "# library/\(image) at official-images \(commit) (\(ref), \(Redaction.stripCredentials(location)))\n"
    }

    var markdownLine: String {
        guard let commit else { return "From `\(location)`." }
        return "official-images `\(commit)` (`\(ref)`, \(Redaction.stripCredentials(location)))"
    }

    /// The parsed file; a missing one is an error listing the images there are.
    func read(_ image: String) async throws -> LibraryFile {
        guard let file = try await readIfPresent(image) else {
            throw UsageError("official-images at \(label) has no library/\(image): \(try await namesHint(image))")
        }
        return file
    }

    /// The parsed file, or nil when official-images has no such file at this commit.
    func readIfPresent(_ image: String) async throws -> LibraryFile? {
        switch source {
        case .folder(let directory):
            do { return try directory.read(image) } catch .notFound { return nil }
        case .git:
            guard let commit else { return nil }
            do { return try await source.file(image, at: commit) } catch is UnknownImage { return nil }
        }
    }

    /// "did you mean alpine? it has 3 (alpine, busybox, …)" for an unknown image.
    func namesHint(_ image: String) async throws -> String {
        let names: [String]
        switch source {
        case .folder(let directory):
            names = (try? directory.names()) ?? []
        case .git(let cache, let url, _):
            guard let commit else { return "no commit resolved" }
            names = try await cache.mirror(url, isUserOwned: true).libraryFiles(at: commit).map(\.name)
        }
        if names.isEmpty { return "it has no library files" }
        let shown = names.prefix(30).joined(separator: ", ")
        let guess = NearestNames.didYouMean(image, among: names).map { "\($0) " } ?? ""
        return "\(guess)it has \(names.count) (\(shown)\(names.count > 30 ? ", …" : ""))"
    }
}

/// `name[:tag]` as the commands take it (official-images names have no registry or slash).
public enum ImageArgument {
    public static func split(_ text: String) throws -> (image: String, tag: String?) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let image = parts.first, !image.isEmpty,
            image.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
        else {
            throw UsageError("\"\(text)\" is not IMAGE[:TAG] (an official image name such as node or node:22)")
        }
        if parts.count == 2, parts[1].isEmpty { throw UsageError("\"\(text)\" has an empty tag after ':'") }
        return (image, parts.count == 2 ? parts[1] : nil)
    }
}
