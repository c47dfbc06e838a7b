import OfficialImages
import TrackbotCore
import Verification

/// Everything one `check` or `watch` run found, for every output format. Encodable only through
/// Reporting's `JSONOutput`, which words each `Verified` and `TagNote` (`ReportWording`).
public struct CheckReport: Encodable, Sendable {
    public var findings: [Finding]
    public var images: [ImageReport]
    public var summary: Summary
    /// The git mirrors read without fetching (`--offline`) and how old each is; nil (left out
    /// of the JSON) when every mirror was fetched.
    public var mirrors: [MirrorAge]?

    public init(images: [ImageReport]) {
        self.images = images
        findings = images.flatMap(\.findings)
        summary = Summary(images: images, findings: findings)
    }

    /// 2 when something could not be checked, else 1 when a finding is an alert, else 0.
    public var exitCode: Int32 { summary.exitCode }
}

public struct Summary: Codable, Sendable {
    public var images: Int
    public var tags: Int
    public var platforms: Int
    public var alerts: Int
    public var warnings: Int
    public var infos: Int
    public var errors: Int
    public var exitCode: Int32

    init(images: [ImageReport], findings: [Finding]) {
        self.images = images.count
        tags = images.reduce(0) { $0 + $1.tags.count }
        platforms = images.reduce(0) { $0 + $1.tags.reduce(0) { $0 + $1.platforms.count } }
        alerts = findings.filter { $0.severity == .alert }.count
        warnings = findings.filter { $0.severity == .warn }.count
        infos = findings.filter { $0.severity == .info }.count
        errors = images.filter { $0.error != nil }.count
        exitCode = errors > 0 ? 2 : alerts > 0 ? 1 : 0
    }
}

public struct ImageReport: Encodable, Sendable {
    public var name: String
    public var libraryCommit: String?
    public var previousLibraryCommit: String?
    public var tags: [TagReport]
    /// Findings about the image as a whole (library tag changes, upstream rewrites) and all of its tags'.
    public var findings: [Finding]
    /// Why the image (or some of its tags) could not be checked; what was not checked kept its
    /// recorded state.
    public var error: String?
    public var notes: [String]
    /// The image's alert records after this run (open, muted or acknowledged), as the state
    /// keeps them.
    public var alerts: [AlertRecord] = []

    public init(
        name: String, libraryCommit: String? = nil, previousLibraryCommit: String? = nil,
        tags: [TagReport] = [], findings: [Finding] = [], error: String? = nil, notes: [String] = []
    ) {
        self.name = name
        self.libraryCommit = libraryCommit
        self.previousLibraryCommit = previousLibraryCommit
        self.tags = tags
        self.findings = findings
        self.error = error
        self.notes = notes
    }
}

public struct TagReport: Encodable, Sendable {
    public var tag: String
    /// The entry's tags (the tag checked is one of them).
    public var entryTags: [String]
    /// The index digest: what `docker pull` and `docker image ls --digests` show.
    public var indexDigest: Digest?
    public var previousIndexDigest: Digest?
    public var platforms: [PlatformReport]
    /// What is worth saying about the check that is not a finding (Reporting words it).
    public var notes: [TagNote]
    /// The line of the tag's entry in `library/IMAGE` at `libraryCommit` (where SARIF points).
    public var libraryLine: Int?

    public init(
        tag: String, entryTags: [String], indexDigest: Digest?, previousIndexDigest: Digest?,
        platforms: [PlatformReport], notes: [TagNote]
    ) {
        self.tag = tag
        self.entryTags = entryTags
        self.indexDigest = indexDigest
        self.previousIndexDigest = previousIndexDigest
        self.platforms = platforms
        self.notes = notes
    }
}

public struct PlatformReport: Encodable, Sendable {
    public var arch: String
    public var platform: String
    public var source: ArchitectureSource
    /// The platform manifest digest: what the registry's per-platform pages show.
    public var digest: Digest?
    public var previousDigest: Digest?
    public var expectedDigest: Digest?
    public var parent: String?
    public var parentDigest: Digest?
    /// What was verified at the source (a rootfs tarball's checksum, an OCI layout), then what was
    /// compared with the registry and matched. The JSON report gives each as Reporting words it
    /// (`x86_64/alpine-minirootfs….tar.gz sha512 (checksums.sha512:1)`, `registry: digest is the
    /// trusted one (since …)`).
    public var verified: [Verified]
    /// The worst severity of this platform's findings, nil when there are none.
    public var worst: Severity?
    /// What this run could say about the platform: exactly one state.
    public var status: PlatformCheck
    /// The reason, for `could-not-be-checked`.
    public var statusDetail: String?
    /// What the platform's SLSA provenance says (read when the index was fetched this run), to
    /// be read beside `source`, the library's word.
    public var attestation: AttestationSummary?
    /// What the Dockerfile's `RUN`s download for this architecture and how each is checked, as
    /// the shell would resolve it here (nil when they download nothing, or the source was not read).
    public var pins: ArchitecturePins?
    /// The parents under this platform, each checked as its own library entry says (nil when it
    /// is built FROM scratch or from an oci-import layout, or the registry was not asked).
    public var chain: [ChainLink]?

    public init(
        arch: String, platform: String, source: ArchitectureSource, digest: Digest?, previousDigest: Digest?,
        expectedDigest: Digest?, parent: String?, parentDigest: Digest?, verified: [Verified], worst: Severity?,
        status: PlatformCheck, statusDetail: String? = nil, attestation: AttestationSummary? = nil,
        pins: ArchitecturePins? = nil
    ) {
        self.attestation = attestation
        self.pins = pins
        self.status = status
        self.statusDetail = statusDetail
        self.arch = arch
        self.platform = platform
        self.source = source
        self.digest = digest
        self.previousDigest = previousDigest
        self.expectedDigest = expectedDigest
        self.parent = parent
        self.parentDigest = parentDigest
        self.verified = verified
        self.worst = worst
    }
}

/// What a run could say about one platform. Only `verified` earns a ✓: something was verified
/// at the source or compared with the registry, and matched.
public enum PlatformCheck: String, Codable, Sendable {
    /// Something was verified or compared and matched (`verified` says what).
    case verified
    /// Something was compared and did not match (an alert says what).
    case mismatch
    /// First sighting: the published digest became the trusted one; nothing else to compare.
    case baselineRecorded = "baseline-recorded"
    /// Published and asked, but nothing at the source or in the registry could be compared.
    case nothingToVerify = "nothing-to-verify"
    /// The registry does not publish this platform (or the tag).
    case notPublished = "not-published"
    /// `--offline`: the registry was not asked.
    case registryNotAsked = "registry-not-asked"
    /// A fetch, verification, registry or parent lookup failed (`statusDetail` says which).
    case couldNotBeChecked = "could-not-be-checked"
}
