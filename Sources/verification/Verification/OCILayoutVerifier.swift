import Foundation
import TrackbotCore

/// One layer of a verified layout.
public struct LayerVerification: Hashable, Codable, Sendable {
    public var descriptor: Descriptor
    public var compression: Compression
    /// sha256 of the uncompressed tar, as computed.
    public var diffID: Digest?
    public var uncompressedSize: UInt64?
    /// The layer's entries, when asked for.
    public var listing: TarListing?
    /// Entry counts and the first unsafe entries, from the same pass as the diff_id.
    public var scan: TarScan?
}

/// What an `oci-import` directory holds and whether it is sound.
public struct LayoutVerification: Hashable, Codable, Sendable {
    public var directory: String
    public var file: String
    public var imageLayoutVersion: String?
    /// The image manifest's descriptor: its digest is the per-platform manifest digest the
    /// registry must publish for this platform.
    public var manifest: Descriptor?
    public var config: Descriptor?
    public var layers: [LayerVerification]
    public var platform: Platform?
    /// `layout-invalid` findings, one per problem; empty when every check passed.
    public var findings: [Finding]
    /// What the findings say, as data: document, field and rule of each.
    public var problems: [OCIProblem] = []

    /// The digest the registry must publish for this platform's manifest.
    public var expectedManifestDigest: Digest? { manifest?.digest }
    public var isValid: Bool { findings.isEmpty }
}

/// Checks an OCI image layout with `OCIValidator` (image-spec's schemas, go-containerregistry's
/// validate) and `OCIImportPolicy` (what bashbrew's oci-import takes): version, one manifest,
/// media types, every blob's presence, size and digest, the config's platform and
/// `rootfs.diff_ids` against the uncompressed layers, and each layer's paths.
public struct OCILayoutVerifier {
    public let tree: any SourceTree
    public let limits: StreamLimits
    /// Also list each layer's entries (in the same pass that hashes it).
    public let listLayers: Bool
    /// Largest manifest, index or config read into memory.
    public static let maxDocumentSize: Int64 = 4 << 20

    public init(tree: any SourceTree, limits: StreamLimits = .default, listLayers: Bool = false) {
        self.tree = tree
        self.limits = limits
        self.listLayers = listLayers
    }

    /// Verifies the layout in `directory`, starting from `file` (`index.json`, or a descriptor file).
    public func verify(directory: String, file: String = "index.json") throws -> LayoutVerification {
        var result = LayoutVerification(
            directory: directory, file: file, imageLayoutVersion: nil, manifest: nil,
            config: nil, layers: [], platform: nil, findings: [])
        var problems: [OCIProblem] = []
        try check(directory: directory, file: file, into: &result, &problems)
        result.problems = problems
        result.findings = problems.map { $0.finding(.layoutInvalid) }
        return result
    }

    private func check(
        directory: String, file: String, into result: inout LayoutVerification, _ problems: inout [OCIProblem]
    ) throws {
        func refuse(
            _ document: String, _ field: String, _ rule: OCIRule, _ message: String, expected: String? = nil,
            actual: String? = nil
        ) {
            problems.append(
                OCIProblem(
                    document: document, field: field, rule: rule, message: message, expected: expected, actual: actual))
        }
        let layoutPath = TreePath.join(directory, "oci-layout")
        if let bytes = try tree.read(layoutPath) {
            problems += OCIImportPolicy.unknownFields(bytes, .layout, name: layoutPath)
            if let layout = try? JSONDecoder().decode(OCILayoutFile.self, from: Data(bytes)) {
                result.imageLayoutVersion = layout.imageLayoutVersion
                if layout.imageLayoutVersion != "1.0.0" {
                    refuse(
                        layoutPath, "imageLayoutVersion", .layoutVersion,
                        "is \(layout.imageLayoutVersion); only 1.0.0 is defined", expected: "1.0.0",
                        actual: layout.imageLayoutVersion)
                }
            } else {
                refuse(layoutPath, "", .layoutVersion, "is not {\"imageLayoutVersion\": \"1.0.0\"}")
            }
        } else {
            refuse(
                layoutPath, "", .layoutFile,
                "is missing: \(directory.isEmpty ? "the root" : directory) is not an OCI image layout")
        }

        let entryPath = TreePath.join(directory, file)
        guard let entryBytes = try tree.read(entryPath) else {
            refuse(entryPath, "", .layoutFile, "is missing (the library entry's File)")
            return
        }
        guard let object = JSONValue.parse(entryBytes)?.object else {
            refuse(entryPath, "", .json, "is not a JSON object")
            return
        }
        let manifestDescriptor: Descriptor
        let descriptorField: String
        if object["manifests"] != nil {
            let schema = OCIValidator.index(entryBytes, document: entryPath)
            problems += schema + OCIImportPolicy.unknownFields(entryBytes, .index, name: entryPath)
            guard let index = decode(ImageIndex.self, entryBytes, entryPath, reported: !schema.isEmpty, &problems)
            else { return }
            if let mt = index.mediaType, !MediaType.indexes.contains(mt) {
                refuse(
                    entryPath, "mediaType", .documentMediaType, "is \(mt), not an image index",
                    expected: MediaType.ociIndex, actual: mt)
            }
            let one = OCIImportPolicy.index(index, document: entryPath)
            guard one.isEmpty else {
                problems += one
                return
            }
            manifestDescriptor = index.manifests[0]
            descriptorField = "manifests[0]"
        } else {
            let schema = OCIValidator.descriptor(entryBytes, document: entryPath)
            problems += schema + OCIImportPolicy.unknownFields(entryBytes, .descriptor, name: entryPath)
            guard let descriptor = decode(Descriptor.self, entryBytes, entryPath, reported: !schema.isEmpty, &problems)
            else { return }
            manifestDescriptor = descriptor
            descriptorField = ""
        }
        // How a message names the descriptor of the manifest: `amd64/oci/index.json manifests[0]`.
        let named = descriptorField.isEmpty ? entryPath : "\(entryPath) \(descriptorField)"
        result.manifest = manifestDescriptor
        result.platform = manifestDescriptor.platform?.platform
        problems += OCIValidator.embeddedData(manifestDescriptor, document: entryPath, field: descriptorField)
        problems += OCIImportPolicy.manifestDescriptor(manifestDescriptor, document: entryPath, field: descriptorField)
        guard MediaType.manifests.contains(manifestDescriptor.mediaType) else {
            // The policy named it when it is not even an image manifest; nothing more to follow.
            return
        }

        let manifestPath = blobPath(directory, manifestDescriptor.digest)
        guard let manifestBytes = try document(manifestDescriptor, directory, "manifest", named, &problems) else {
            return
        }
        let manifestSchema = OCIValidator.manifest(manifestBytes, document: manifestPath)
        problems += manifestSchema + OCIImportPolicy.unknownFields(manifestBytes, .manifest, name: manifestPath)
        guard
            let manifest = decode(
                ImageManifest.self, manifestBytes, manifestPath, reported: !manifestSchema.isEmpty, &problems)
        else { return }
        problems += OCIValidator.mediaType(
            manifest.mediaType, described: manifestDescriptor, document: manifestPath, field: named)
        problems += OCIImportPolicy.manifest(manifest, document: manifestPath)
        result.config = manifest.config

        var config: ImageConfig?
        let configPath = blobPath(directory, manifest.config.digest)
        problems += OCIValidator.embeddedData(manifest.config, document: manifestPath, field: "config")
        // A config that is not an image config (the policy named it) is not read.
        if MediaType.configs.contains(manifest.config.mediaType),
            let bytes = try document(manifest.config, directory, "config", "\(manifestPath) config", &problems)
        {
            let schema = OCIValidator.config(bytes, document: configPath)
            problems += schema
            config = decode(ImageConfig.self, bytes, configPath, reported: !schema.isEmpty, &problems)
        }
        if let config {
            if result.platform == nil { result.platform = config.platform }
            problems += OCIValidator.platform(
                manifestDescriptor.platform, config: config, document: configPath, field: named)
        }

        for (i, layer) in manifest.layers.enumerated() {
            var lv = LayerVerification(
                descriptor: layer, compression: .none, diffID: nil, uncompressedSize: nil, listing: nil, scan: nil)
            defer { result.layers.append(lv) }
            let field = "layers[\(i)]"
            problems += OCIValidator.embeddedData(layer, document: manifestPath, field: field)
            // A type with no known compression is not read (the policy refused it).
            guard let compression = MediaType.layers[layer.mediaType] else { continue }
            lv.compression = compression
            let path = blobPath(directory, layer.digest)
            guard try tree.kind(of: path) == .file else {
                refuse(
                    path, "", .blobMissing, "is missing (\(manifestPath) \(field))", expected: layer.digest.description)
                continue
            }
            do {
                let file = HashingStream(try tree.open(path), algorithm: layer.digest.algorithm)
                let plain = try DecompressingStream(file, path: path, format: compression, limits: limits)
                let hashed = HashingStream(plain, algorithm: .sha256)
                // Every layer is read as a tar for unsafe entries and repeated paths (content
                // hashes only when listing), in the pass that computes its diff_id.
                let reader = TarReader(hashed, path: path, limits: limits, hashContent: listLayers)
                var scan = TarScan(path: path)
                var repeated = DuplicatePaths()
                var entries: [TarEntry] = []
                do {
                    while let e = try reader.next() {
                        scan.add(e)
                        repeated.add(e.path)
                        if listLayers { entries.append(e) }
                    }
                    lv.scan = scan
                    if listLayers { lv.listing = TarListing(entries: entries) }
                    problems += repeated.problems(document: path, field: "")
                } catch VerificationError.malformedTar(_, let offset, let reason) {
                    // The uncompressed bytes are still hashed below, so the diff_id is still checked.
                    refuse(
                        path, "", .layerContent,
                        "(layer \(i)) is not a valid tar archive at byte \(offset) of its uncompressed content: \(reason)"
                    )
                } catch let error as VerificationError where Self.isTarCap(error) {
                    refuse(path, "", .layerContent, "(layer \(i)) could not be listed: \(error.description)")
                }
                entries = []
                try hashed.drain(bufferSize: limits.bufferSize)
                try file.drain(bufferSize: 64 << 10)  // trailing bytes still count for size and digest
                lv.diffID = hashed.finalize()
                lv.uncompressedSize = hashed.count
                problems += OCIValidator.content(
                    size: file.count, digest: file.finalize(), described: layer, document: path,
                    field: "\(manifestPath) \(field)")
            } catch let error as VerificationError {
                refuse(path, "", .layerContent, "(layer \(i)) could not be read: \(error.description)")
                continue
            }
        }
        if let config {
            problems += OCIValidator.diffIDs(config, computed: result.layers.map(\.diffID), document: configPath)
        }
    }

    static func isTarCap(_ error: VerificationError) -> Bool {
        if case .tarLimit = error { return true }
        return false
    }

    func blobPath(_ directory: String, _ digest: Digest) -> String {
        TreePath.join(directory, "blobs/\(digest.algorithm.rawValue)/\(digest.hex)")
    }

    /// Reads a small JSON blob (manifest, config) named by `d` (`named`: where the descriptor
    /// is) and checks it is what the descriptor says.
    private func document(
        _ d: Descriptor, _ directory: String, _ role: String, _ named: String, _ problems: inout [OCIProblem]
    ) throws -> [UInt8]? {
        let path = blobPath(directory, d.digest)
        guard d.size <= Self.maxDocumentSize else {
            problems.append(
                OCIProblem(
                    document: path, field: "", rule: .size,
                    message:
                        "(the \(role)) is \(d.size) bytes by \(named).size, more than the \(Self.maxDocumentSize) a \(role) may have",
                    actual: String(d.size)))
            return nil
        }
        guard try tree.kind(of: path) == .file, let bytes = try tree.read(path) else {
            problems.append(
                OCIProblem(
                    document: path, field: "", rule: .blobMissing, message: "is missing (the \(role) \(named) names)",
                    expected: d.digest.description))
            return nil
        }
        problems += OCIValidator.content(bytes, described: d, document: path, field: named)
        return bytes
    }

    /// Decodes a document the schema rules have read; a failure is a problem of its own only
    /// when they did not already say what was wrong.
    private func decode<T: Decodable>(
        _ type: T.Type, _ bytes: [UInt8], _ path: String, reported: Bool, _ problems: inout [OCIProblem]
    ) -> T? {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            if !reported {
                problems.append(
                    OCIProblem(
                        document: path, field: "", rule: .json,
                        message: "is not a valid \(T.self): \(Self.describe(error))"))
            }
            return nil
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing \"\(key.stringValue)\""
                + (ctx.codingPath.isEmpty ? "" : " in \(ctx.codingPath.map(\.stringValue).joined(separator: "."))")
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
            DecodingError.dataCorrupted(let ctx):
            return "\(ctx.codingPath.map(\.stringValue).joined(separator: ".")): \(ctx.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
