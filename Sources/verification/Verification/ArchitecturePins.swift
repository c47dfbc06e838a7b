import TrackbotCore

/// What a build for one bashbrew architecture downloads in its `RUN`s, and how each download is
/// checked, as the shell would compute it for that architecture (`PinResolver`).
public struct ArchitecturePins: Hashable, Codable, Sendable {
    public var architecture: Architecture
    /// Set when the script stops for this architecture (`*) echo "unsupported architecture"; exit 1`).
    public var unsupported: Unsupported?
    public var downloads: [PinnedDownload]
    /// A script was too long to follow to its end (`ShellEvaluation.maxSteps`): downloads after
    /// that point are missing.
    public var incomplete: Bool = false

    public struct Unsupported: Hashable, Codable, Sendable {
        /// What the script prints before it exits (`exit 1` when it prints nothing).
        public var message: String
        /// The `RUN` instruction's line.
        public var line: Int
    }

    public init(architecture: Architecture, unsupported: Unsupported?, downloads: [PinnedDownload]) {
        self.architecture = architecture
        self.unsupported = unsupported
        self.downloads = downloads
    }
}

/// One file a `RUN` fetches for an architecture.
public struct PinnedDownload: Hashable, Codable, Sendable {
    /// The URL with variables substituted; an unresolved part stays as written (`$ARCH`).
    public var url: String
    /// Whether every part of the URL was resolved.
    public var resolved: Bool
    /// The name it is saved as.
    public var file: String
    /// The `RUN` instruction's line.
    public var line: Int
    /// nil: nothing checks this download's content.
    public var checksum: PinnedChecksum?
    /// A GPG signature over the download, or over the checksum list it is checked against.
    public var signature: PinnedSignature?

    public init(
        url: String, resolved: Bool, file: String, line: Int, checksum: PinnedChecksum?, signature: PinnedSignature?
    ) {
        self.url = Redaction.stripURLCredentials(inText: url)
        self.resolved = resolved
        self.file = file
        self.line = line
        self.checksum = checksum
        self.signature = signature
    }
}

/// How a download's content is checked.
public struct PinnedChecksum: Hashable, Codable, Sendable {
    /// `sha256` or `sha512`.
    public var algorithm: String
    /// The hex the script compares with; nil when it is read from a downloaded list.
    public var expected: String?
    /// The list the hash is read from (`SHASUMS256.txt`), and the URL that brings it (the
    /// signed `SHASUMS256.txt.asc` when the list is decrypted out of it).
    public var list: String?
    public var listURL: String?
    /// The 1-based line of the Dockerfile holding the hash (or the check).
    public var line: Int

    public init(algorithm: String, expected: String?, list: String?, listURL: String?, line: Int) {
        self.algorithm = algorithm
        self.expected = expected
        self.list = list
        self.listURL = listURL.map { Redaction.stripURLCredentials(inText: $0) }
        self.line = line
    }
}

/// A `gpg --verify`/`gpg --decrypt` the script runs.
public struct PinnedSignature: Hashable, Codable, Sendable {
    /// The signature's URL (`….tar.xz.asc`, `SHASUMS256.txt.asc`), when the script downloads it.
    public var url: String?
    /// The file it signs: the download itself, or the checksum list.
    public var signs: String
    /// Whether it is clear-signed (the list is read out of it with `gpg --decrypt`).
    public var clearsigned: Bool
    /// The key fingerprints the script fetches (`gpg --recv-keys`), upper-case.
    public var keys: [String]

    public init(url: String?, signs: String, clearsigned: Bool, keys: [String]) {
        self.url = url.map { Redaction.stripURLCredentials(inText: $0) }
        self.signs = signs
        self.clearsigned = clearsigned
        self.keys = keys
    }
}
