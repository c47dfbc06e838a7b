import TrackbotCore

/// A parsed Dockerfile: instructions as written (for aligning with image history), the stages,
/// the parent image, the files it takes from the build context and the downloads it pins.
public struct Dockerfile: Hashable, Codable, Sendable {
    /// Parser directives from the top of the file (`syntax`, `escape`, `check`), keys lowercased.
    public var directives: [String: String]
    /// The escape character (`\` unless `# escape=` says otherwise).
    public var escape: String
    public var instructions: [DockerfileInstruction]
    /// `ARG`s declared before the first `FROM`, with their defaults (nil when none).
    public var globalArgs: [String: String?]
    public var stages: [DockerfileStage]
    /// The final stage's base, following stage references: an image reference, or `scratch`.
    public var parent: String
    /// Every image the build pulls (stage bases, `COPY --from=<image>` and `RUN --mount=type=bind,from=<image>`),
    /// `scratch` excluded, in order.
    public var externalImages: [String]
    /// Files and directories `ADD`/`COPY` take from the build context.
    public var contextSources: [ContextSource]
    /// Downloads pinned by a checksum (and unpinned `ADD <url>`), in line order.
    public var pins: [Pin]
    /// For each Linux architecture bashbrew builds, the downloads its `RUN`s make and their
    /// checks, as a shell would resolve them there (empty when no `RUN` downloads anything).
    public var architecturePins: [ArchitecturePins]

    /// Whether the final image starts from nothing.
    public var parentIsScratch: Bool { parent.lowercased() == "scratch" }
}

/// One instruction, continuation lines joined.
public struct DockerfileInstruction: Hashable, Codable, Sendable {
    /// Upper-cased (`RUN`, `COPY`, …).
    public var keyword: String
    /// `--name=value` flags before the arguments, in order (`value` nil for a bare `--link`).
    public var flags: [InstructionFlag]
    /// The arguments after the flags, as one line (escape + newline removed).
    public var arguments: String
    /// The exec (JSON) form's elements, when the arguments are a JSON array of strings.
    public var json: [String]?
    public var heredocs: [Heredoc]
    /// 1-based line where the instruction starts, and where it (with any heredoc) ends.
    public var line: Int
    public var endLine: Int
    /// The instruction's text exactly as in the file, continuation and heredoc lines included.
    public var raw: String
    /// Index of the stage it belongs to (nil before the first `FROM`).
    public var stage: Int?

    /// The value of a flag (`--from`, `--checksum`, `--platform`), if present.
    public func flag(_ name: String) -> String?? {
        flags.first { $0.name == name }.map(\.value)
    }
}

/// A `--name[=value]` flag of an instruction.
public struct InstructionFlag: Hashable, Codable, Sendable {
    public var name: String
    public var value: String?
}

/// A here-document (`<<EOF` … `EOF`) attached to an instruction.
public struct Heredoc: Hashable, Codable, Sendable {
    public var name: String
    public var content: String
    /// `<<-EOF`: leading tabs are removed from each line.
    public var stripTabs: Bool
    /// `<<"EOF"` or `<<'EOF'`: no variable expansion in the content.
    public var quoted: Bool
}

/// One `FROM` and what follows it.
public struct DockerfileStage: Hashable, Codable, Sendable {
    public var index: Int
    /// The `AS` name, lowercased.
    public var name: String?
    /// The base as written after ARG substitution (an image, `scratch`, or an earlier stage's name).
    public var base: String
    /// Index of the earlier stage `base` names, when it names one.
    public var baseStage: Int?
    public var platform: String?
    public var line: Int
}

/// A file or directory taken from the build context by `ADD`/`COPY` (no `--from`, not a URL).
public struct ContextSource: Hashable, Codable, Sendable {
    public var keyword: String
    /// The source after variable substitution, relative to the build context, cleaned.
    public var path: String
    /// The source as written.
    public var written: String
    public var destination: String
    /// Whether the path holds glob characters (`*`, `?`, `[`).
    public var isPattern: Bool
    public var line: Int
    public var stage: Int
    /// `ADD --checksum=` value, when given.
    public var checksum: String?
}

/// A download the Dockerfile fetches, with the checksum it is pinned to when it has one.
public struct Pin: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// `ADD --checksum=sha256:<hex> <url>`.
        case addChecksum = "add-checksum"
        /// `ADD <url>` with no checksum: not pinned.
        case addUnpinned = "add-unpinned"
        /// `echo "<hex>  <file>" | sha256sum -c` in a `RUN`.
        case inlineCheck = "inline-check"
        /// A variable assigned a hash (`CHECKSUM="<hex>"`, `ENV SHA256=<hex>`).
        case variable
        /// `grep " <file>$" SHASUMS256.txt | sha256sum -c -`: the hash comes from a downloaded list.
        case checksumList = "checksum-list"
    }

    public var kind: Kind
    /// The URL fetched, variables substituted where the Dockerfile sets them.
    public var url: String?
    /// The file name the check applies to, when the Dockerfile names it.
    public var file: String?
    public var algorithm: String
    /// Expected hex (lowercase), nil when it comes from a downloaded list or is not pinned.
    public var expected: String?
    /// The variable holding the hash (`CHECKSUM`), for `variable` pins.
    public var variable: String?
    /// For `checksum-list`: the list the hash is read from (`SHASUMS256.txt`) and its URL.
    public var checksumList: String?
    public var checksumListURL: String?
    /// 1-based line of the instruction, and the line holding the hash or check.
    public var line: Int
    public var sourceLine: Int

    /// URLs lose any `user:password@`: trackbot never sends credentials a Dockerfile carries,
    /// and never shows or stores them.
    public init(
        kind: Kind, url: String?, file: String?, algorithm: String, expected: String?, variable: String?,
        checksumList: String?, checksumListURL: String?, line: Int, sourceLine: Int
    ) {
        self.kind = kind
        self.url = url.map { Redaction.stripURLCredentials(inText: $0) }
        self.file = file
        self.algorithm = algorithm
        self.expected = expected
        self.variable = variable
        self.checksumList = checksumList
        self.checksumListURL = checksumListURL.map { Redaction.stripURLCredentials(inText: $0) }
        self.line = line
        self.sourceLine = sourceLine
    }
}
