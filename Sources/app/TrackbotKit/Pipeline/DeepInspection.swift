import Foundation
import HTTPTransport
import OfficialImages
import Registry
import TrackbotCore
import Tracking
import Verification

/// `--deep`: downloads what a normal check only names. For a `FROM scratch` image that ADDs a
/// rootfs tarball, the published layer's content is listed and compared with the tarball's
/// (both streamed, nothing extracted); for `ADD --checksum=<digest> <url>` the URL is downloaded
/// and hashed. Each layer and each URL is inspected once per run.
actor DeepInspection {
    /// At most this many differing entries are named in a finding (the rest are counted).
    static let listedEntries = 20
    /// The whole of one pinned download, as for registry blobs (docs/registry.md).
    static let downloadTimeout: Double = 1800

    /// nil with --offline: then only downloads pinned by `ADD --checksum` are checked.
    private let registry: PublishedDigests?
    let http: HTTPClient
    let rewriter: URLRewriter
    private let sources: GitSources
    /// Most bytes one `ADD --checksum` download may bring; past it the transfer is aborted.
    let maxDownload: Int64
    /// Each published layer compared once per run, and each pinned URL downloaded once: the
    /// results are data, and each caller makes its findings in its own image, tag and architecture.
    private let layers = TaskCache<String, Result<PublishedLayer, DeepError>>(keep: .everything)
    private let pins = TaskCache<String, Result<PinDownload, DeepError>>(keep: .everything)
    /// Each checksum list a per-architecture pin names, downloaded once per run.
    let lists = TaskCache<String, Result<[UInt8], DeepError>>(keep: .everything)
    /// `[verify] keyring`, and each signature checked against it once per run.
    let keyring: String?
    let signatures = TaskCache<String, Result<SignatureCheck, DeepError>>(keep: .everything)

    /// A published layer against the rootfs tarball.
    enum LayerComparison: Sendable {
        /// Only a single-layer image is compared.
        case notSingleLayer(layers: Int)
        case same(layer: Digest, entries: Int)
        case differs(layer: Digest, publishedEntries: Int, upstreamEntries: Int, difference: ContentDifference)
    }

    /// The comparison, and what `OCIValidator` refuses in the platform's manifest, config and
    /// layer as published.
    struct PublishedLayer: Sendable {
        var comparison: LayerComparison
        var invalid: [OCIProblem]
    }

    /// What a pinned URL brought.
    struct PinDownload: Sendable {
        var actual: Digest
        var bytes: Int64
    }

    /// Why something could not be inspected (the check then cannot vouch for it: exit 2).
    struct DeepError: Error, CustomStringConvertible, Sendable {
        var description: String
    }

    /// Findings, and notes on what was compared or why it could not be.
    struct Outcome: Sendable {
        var findings: [Finding] = []
        var notes: [TagNote] = []
    }

    init(
        registry: PublishedDigests?, rewriter: URLRewriter, sources: GitSources, http: HTTPClient = HTTPClient(),
        maxDownload: Int64 = Configuration.Deep().maxDownloadBytes, keyring: String? = nil
    ) {
        self.keyring = keyring
        self.registry = registry
        self.rewriter = rewriter
        self.sources = sources
        self.http = http
        self.maxDownload = maxDownload
    }

    /// The rootfs tarball a scratch image ADDs to `/`, when there is exactly one.
    static func rootfsTarball(of report: VerificationReport) -> String? {
        guard let dockerfile = report.dockerfile, dockerfile.parentIsScratch else { return nil }
        let last = dockerfile.stages.count - 1
        let adds = dockerfile.contextSources.filter {
            $0.keyword.uppercased() == "ADD" && ["/", "/."].contains($0.destination) && $0.stage == last
                && !$0.isPattern
        }
        let paths = adds.map { TreePath.join(report.directory, $0.path) }
        let suffixes = [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2"]
        let archives = report.artefacts.filter { a in
            paths.contains(a.path)
                && (a.compression != .none || suffixes.contains { a.path.lowercased().hasSuffix($0) })
        }
        return archives.count == 1 ? archives[0].path : nil
    }

    /// Compares the published platform's single layer with the rootfs tarball at the source's commit.
    func content(
        image: String, tag: String, arch: Architecture, source: ArchitectureSource,
        tarball: String, platform: PublishedIndex.Descriptor
    ) async -> Result<Outcome, DeepError> {
        let key = "\(platform.digest) \(source.gitRepo) \(source.gitCommit) \(tarball)"
        let result: Result<PublishedLayer, DeepError>
        if let registry {
            let client = registry.client, host = registry.host, sources = sources
            result = await Self.shared(layers, key) {
                do {
                    return .success(
                        try await Self.compareLayer(
                            client: client, host: host, sources: sources, image: image,
                            source: source, tarball: tarball, platform: platform))
                } catch let error as DeepError {
                    return .failure(error)
                } catch {
                    return .failure(DeepError(description: "--deep \(image) \(arch.rawValue): \(error)"))
                }
            }
        } else {
            return .success(Outcome())
        }
        return result.map { published in
            let invalid =
                published.invalid.finding(.manifestInvalid, image: image, tag: tag, arch: arch.rawValue).map { [$0] }
                ?? []
            switch published.comparison {
            case .notSingleLayer(let count):
                return Outcome(findings: invalid, notes: [.deepNotSingleLayer(arch: arch.rawValue, layers: count)])
            case .same(let layer, let entries):
                return Outcome(
                    findings: invalid,
                    notes: [.deepSameContent(arch: arch.rawValue, layer: layer, entries: entries, tarball: tarball)])
            case .differs(let layer, let publishedEntries, let upstreamEntries, let difference):
                return Outcome(
                    findings: invalid + [
                        Finding(
                            kind: .contentMismatch, severity: .alert, image: image, tag: tag, arch: arch.rawValue,
                            message:
                                "the published \(platform.platform) layer's content differs from \(tarball) at \(source.gitCommit.prefix(12)): "
                                + difference.summary(limit: Self.listedEntries),
                            expected: "\(tarball) (\(upstreamEntries) entries)",
                            actual: "\(layer) (\(publishedEntries) entries)")
                    ])
            }
        }
    }

    private static func compareLayer(
        client: RegistryClient, host: String, sources: GitSources, image: String,
        source: ArchitectureSource, tarball: String, platform: PublishedIndex.Descriptor
    ) async throws -> PublishedLayer {
        let digest = platform.digest
        let reference = try Registry.ImageReference(parsing: "\(host)/library/\(image)@\(digest)")
        let fetched = try await client.manifest(reference)
        guard let manifest = fetched.image else {
            throw DeepError(description: "\(reference) is not an image manifest")
        }
        // The platform's manifest and config as any image is validated (ggcr's validate): the
        // schema, and the index's platform against the config's.
        let manifestName = "manifest \(digest)"
        var invalid = OCIValidator.published(fetched.bytes, mediaType: fetched.mediaType, document: manifestName)
        let configBytes = try await client.blobBytes(reference.at(manifest.config.digest))
        let configName = "config \(manifest.config.digest)"
        let configSchema = OCIValidator.config(configBytes, document: configName)
        invalid += configSchema
        if configSchema.isEmpty, let config = try? JSONDecoder().decode(ImageConfig.self, from: Data(configBytes)) {
            let p = platform.platform
            invalid += OCIValidator.platform(
                DescriptorPlatform(architecture: p.architecture, os: p.os, variant: p.variant), config: config,
                document: configName, field: "the index's descriptor of \(digest)")
        }
        guard manifest.layers.count == 1, let layer = manifest.layers.first else {
            return PublishedLayer(comparison: .notSingleLayer(layers: manifest.layers.count), invalid: invalid)
        }
        let published = try await listLayer(client: client, reference.at(layer.digest), size: layer.size)
        var repeated = DuplicatePaths()
        for entry in published.entries { repeated.add(entry.path) }
        invalid += repeated.problems(document: "layer \(layer.digest)", field: "")
        let mirror = try sources.cache.mirror(source.gitRepo)
        let upstream = try await GitSourceTree.with(mirror: mirror, commit: source.gitCommit) { tree in
            try Verifier(tree: tree).listing(of: tarball)
        }
        let difference = ContentDifference(upstream.compare(with: published))
        guard !difference.isEmpty else {
            return PublishedLayer(
                comparison: .same(layer: layer.digest, entries: published.entries.count), invalid: invalid)
        }
        return PublishedLayer(
            comparison: .differs(
                layer: layer.digest, publishedEntries: published.entries.count,
                upstreamEntries: upstream.entries.count, difference: difference),
            invalid: invalid)
    }

    /// Streams a layer blob through the decompressor and tar reader; the listing is returned only
    /// after the blob's digest was checked at the end of the download. A registry sending more
    /// than the manifest's `size` is cut off there.
    static func listLayer(client: RegistryClient, _ reference: Registry.ImageReference, size: Int64) async throws
        -> TarListing
    {
        let pipe = BytePipe()
        let counter = ByteCounter()
        let name = "layer \(reference.digest?.description ?? "")"
        let producer = Task {
            do {
                _ = try await client.blob(reference) { chunk in
                    guard counter.add(chunk.count) <= size else {
                        throw DeepError(
                            description:
                                "--deep: \(reference) sent more than the \(size) bytes its manifest says the \(name) has; download stopped"
                        )
                    }
                    try pipe.write(chunk)
                }
                pipe.finish()
            } catch {
                pipe.finish(error)
                throw error
            }
        }
        do {
            // Not a pool job: it waits for the download (a pool job) to fill the pipe.
            let listing = try await runOnDedicatedThread("trackbot.deep.layer") {
                defer { pipe.closeReader() }
                let listing = try TarReader.list(pipe, path: name)
                try pipe.drain()
                return listing
            }
            try await producer.value
            return listing
        } catch {
            _ = try? await producer.value
            throw error
        }
    }

    /// What downloading one pin showed: the content it pins (said as a note, so a report names
    /// what was compared), another content (a finding), or nothing to compare (no URL or hash).
    enum PinCheck: Sendable {
        case matched(TagNote)
        case mismatch(Finding)
        case notComparable
    }

    /// Downloads a pinned URL (`ADD --checksum`, an architecture's pin) after rewrites, hashing as it arrives.
    func pin(_ pin: Pin, image: String, tag: String, arch: Architecture, dockerfile: String) async -> Result<
        PinCheck, DeepError
    > {
        guard pin.kind != .addUnpinned, let url = pin.url, let expected = pin.expected,
            let algorithm = Digest.Algorithm(rawValue: pin.algorithm.lowercased())
        else { return .success(.notComparable) }
        let key = "\(url) \(algorithm.rawValue):\(expected)"
        let http = http, target = rewriter.rewrite(url).url, cap = maxDownload
        let result = await Self.shared(pins, key) {
            let hasher = HashingSink(algorithm)
            do {
                let request = HTTPRequest(.get, target, connectTimeout: 10, totalTimeout: Self.downloadTimeout)
                let response = try await http.stream(request) { chunk in
                    // Throwing from the sink aborts the transfer at the cap.
                    guard hasher.count + Int64(chunk.count) <= cap else { throw DownloadTooLarge() }
                    hasher.update(chunk)
                }
                guard response.isSuccess else {
                    return .failure(
                        DeepError(
                            description:
                                "--deep: \(Redaction.stripCredentials(url)) answered \(response.status) (\(dockerfile):\(pin.line))"
                        ))
                }
            } catch is DownloadTooLarge {
                return .failure(
                    DeepError(
                        description:
                            "--deep: \(Redaction.stripCredentials(url)) (\(dockerfile):\(pin.line)) is larger than the \(cap >> 20) MiB a pinned download may be; stopped. Raise deep.max-download-mib in the configuration if the file is really that large"
                    ))
            } catch {
                return .failure(
                    DeepError(
                        description:
                            "--deep: downloading \(Redaction.stripCredentials(url)) (\(dockerfile):\(pin.line)): \(error)"
                    ))
            }
            return .success(PinDownload(actual: hasher.finalize(), bytes: hasher.count))
        }
        return result.map { download in
            guard download.actual.hex != expected.lowercased() else {
                return .matched(
                    .deepPinMatched(
                        arch: arch.rawValue, url: Redaction.stripCredentials(url), digest: download.actual.description,
                        bytes: download.bytes, pinnedBy: "\(Self.pinnedBy(pin)) at \(dockerfile):\(pin.sourceLine)"))
            }
            return .mismatch(
                Finding(
                    kind: .pinMismatch, severity: .alert, image: image, tag: tag, arch: arch.rawValue,
                    message:
                        "\(Redaction.stripCredentials(url)) does not match \(Self.pinnedBy(pin)) at \(dockerfile):\(pin.sourceLine) (\(download.bytes) bytes hashed)",
                    expected: "\(algorithm.rawValue):\(expected.lowercased())", actual: download.actual.description))
        }
    }

    /// The one result for `key` in `cache` (computed by `work` on first use); a stop by
    /// cancellation is an error like any other, not a result.
    static func shared<T: Sendable>(
        _ cache: TaskCache<String, Result<T, DeepError>>, _ key: String,
        _ work: @escaping @Sendable () async -> Result<T, DeepError>
    ) async -> Result<T, DeepError> {
        do { return try await cache.value(for: key, work) } catch {
            return .failure(DeepError(description: "--deep: stopped: \(error)"))
        }
    }
}

/// Thrown by a download's sink at the cap; aborts the transfer.
private struct DownloadTooLarge: Error {}

/// Bytes received or written so far, counted on the transfer's thread and read there.
final class ByteCounter: @unchecked Sendable {
    private var total: Int64 = 0
    func add(_ n: Int) -> Int64 {
        total += Int64(n)
        return total
    }
}

/// A hasher the download's sink (on libcurl's thread) feeds; read after the download ends.
private final class HashingSink: @unchecked Sendable {
    private var hasher: StreamingHasher
    private var bytes: Int64 = 0
    init(_ algorithm: Digest.Algorithm) { hasher = StreamingHasher(algorithm) }
    func update(_ buffer: UnsafeRawBufferPointer) {
        hasher.update(buffer)
        bytes += Int64(buffer.count)
    }
    var count: Int64 { bytes }
    func finalize() -> Digest { hasher.finalize() }
}
