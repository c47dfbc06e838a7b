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
    /// `layout-invalid` findings; empty when every check passed.
    public var findings: [Finding]

    /// The digest the registry must publish for this platform's manifest.
    public var expectedManifestDigest: Digest? { manifest?.digest }
    public var isValid: Bool { findings.isEmpty }
}

/// Checks an OCI image layout: version, one manifest, media types, every blob's presence, size and
/// digest, and the config's `rootfs.diff_ids` against the uncompressed layers.
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
        func invalid(_ message: String, expected: String? = nil, actual: String? = nil) {
            result.findings.append(
                Finding(
                    kind: .layoutInvalid, severity: .alert, message: message,
                    expected: expected, actual: actual))
        }
        let layoutPath = TreePath.join(directory, "oci-layout")
        if let bytes = try tree.read(layoutPath) {
            if let layout = try? JSONDecoder().decode(OCILayoutFile.self, from: Data(bytes)) {
                result.imageLayoutVersion = layout.imageLayoutVersion
                if layout.imageLayoutVersion != "1.0.0" {
                    invalid(
                        "\(layoutPath) says imageLayoutVersion \(layout.imageLayoutVersion); only 1.0.0 is defined",
                        expected: "1.0.0", actual: layout.imageLayoutVersion)
                }
            } else {
                invalid("\(layoutPath) is not {\"imageLayoutVersion\": \"1.0.0\"}")
            }
        } else {
            invalid(
                "\(layoutPath) is missing: \(directory.isEmpty ? "the root" : directory) is not an OCI image layout")
        }

        let entryPath = TreePath.join(directory, file)
        guard let entryBytes = try tree.read(entryPath) else {
            invalid("\(entryPath) is missing (the library entry's File)")
            return result
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(entryBytes))) as? [String: Any] else {
            invalid("\(entryPath) is not a JSON object")
            return result
        }
        let manifestDescriptor: Descriptor
        if object["manifests"] != nil {
            guard let index = decode(ImageIndex.self, entryBytes, entryPath, invalid) else { return result }
            if let mt = index.mediaType, !MediaType.indexes.contains(mt) {
                invalid(
                    "\(entryPath) has media type \(mt), not an image index", expected: MediaType.ociIndex, actual: mt)
            }
            guard index.manifests.count == 1 else {
                invalid(
                    "\(entryPath) lists \(index.manifests.count) manifests; an oci-import layout must hold exactly one",
                    expected: "1", actual: String(index.manifests.count))
                return result
            }
            manifestDescriptor = index.manifests[0]
        } else {
            guard let descriptor = decode(Descriptor.self, entryBytes, entryPath, invalid) else { return result }
            manifestDescriptor = descriptor
        }
        result.manifest = manifestDescriptor
        result.platform = manifestDescriptor.platform?.platform
        guard MediaType.manifests.contains(manifestDescriptor.mediaType) else {
            invalid(
                "\(entryPath) points at media type \(manifestDescriptor.mediaType), not an image manifest",
                expected: MediaType.ociManifest, actual: manifestDescriptor.mediaType)
            return result
        }

        guard let manifestBytes = try document(manifestDescriptor, directory, "manifest", invalid),
            let manifest = decode(
                ImageManifest.self, manifestBytes, blobPath(directory, manifestDescriptor.digest), invalid)
        else {
            return result
        }
        if let mt = manifest.mediaType, mt != manifestDescriptor.mediaType {
            invalid(
                "manifest \(manifestDescriptor.digest) says media type \(mt) but its descriptor says \(manifestDescriptor.mediaType)",
                expected: manifestDescriptor.mediaType, actual: mt)
        }
        result.config = manifest.config
        var config: ImageConfig?
        if !MediaType.configs.contains(manifest.config.mediaType) {
            invalid(
                "config \(manifest.config.digest) has media type \(manifest.config.mediaType), not an image config",
                expected: MediaType.ociConfig, actual: manifest.config.mediaType)
        } else if let bytes = try document(manifest.config, directory, "config", invalid) {
            config = decode(ImageConfig.self, bytes, blobPath(directory, manifest.config.digest), invalid)
        }
        if result.platform == nil, let config {
            result.platform = config.platform
        }

        for (i, layer) in manifest.layers.enumerated() {
            var lv = LayerVerification(
                descriptor: layer, compression: .none, diffID: nil, uncompressedSize: nil, listing: nil, scan: nil)
            defer { result.layers.append(lv) }
            guard let compression = MediaType.layers[layer.mediaType] else {
                invalid(
                    "layer \(i) (\(layer.digest)) has media type \(layer.mediaType), which is not an image layer type",
                    actual: layer.mediaType)
                continue
            }
            lv.compression = compression
            let path = blobPath(directory, layer.digest)
            guard try tree.kind(of: path) == .file else {
                invalid("layer \(i): blob \(path) is missing", expected: layer.digest.description)
                continue
            }
            do {
                let file = HashingStream(try tree.open(path), algorithm: layer.digest.algorithm)
                let plain = try DecompressingStream(file, path: path, format: compression, limits: limits)
                let hashed = HashingStream(plain, algorithm: .sha256)
                // Every layer is read as a tar for unsafe entries (content hashes only when
                // listing), in the pass that computes its diff_id.
                let reader = TarReader(hashed, path: path, limits: limits, hashContent: listLayers)
                var scan = TarScan(path: path)
                var entries: [TarEntry] = []
                do {
                    while let e = try reader.next() {
                        scan.add(e)
                        if listLayers { entries.append(e) }
                    }
                    lv.scan = scan
                    if listLayers { lv.listing = TarListing(entries: entries) }
                } catch VerificationError.malformedTar(_, let offset, let reason) {
                    // The uncompressed bytes are still hashed below, so the diff_id is still checked.
                    invalid(
                        "layer \(i) (\(path)) is not a valid tar archive at byte \(offset) of its uncompressed content: \(reason)"
                    )
                } catch let error as VerificationError where Self.isTarCap(error) {
                    invalid("layer \(i) (\(path)) could not be listed: \(error.description)")
                }
                entries = []
                try hashed.drain(bufferSize: limits.bufferSize)
                try file.drain(bufferSize: 64 << 10)  // trailing bytes still count for size and digest
                lv.diffID = hashed.finalize()
                lv.uncompressedSize = hashed.count
                checkBlob(path, layer, size: file.count, digest: file.finalize(), invalid)
            } catch let error as VerificationError {
                invalid("layer \(i) (\(path)) could not be read: \(error.description)")
                continue
            }
            if let config {
                if i < config.diffIDs.count {
                    if config.diffIDs[i] != lv.diffID {
                        invalid(
                            "layer \(i) (\(layer.digest)) uncompresses to \(lv.diffID!) but the config's rootfs.diff_ids[\(i)] says \(config.diffIDs[i])",
                            expected: config.diffIDs[i].description, actual: lv.diffID?.description)
                    }
                }
            }
        }
        if let config, config.diffIDs.count != manifest.layers.count {
            invalid(
                "the config lists \(config.diffIDs.count) diff_ids for \(manifest.layers.count) layers",
                expected: String(manifest.layers.count), actual: String(config.diffIDs.count))
        }
        return result
    }

    static func isTarCap(_ error: VerificationError) -> Bool {
        if case .tarLimit = error { return true }
        return false
    }

    func blobPath(_ directory: String, _ digest: Digest) -> String {
        TreePath.join(directory, "blobs/\(digest.algorithm.rawValue)/\(digest.hex)")
    }

    private func checkBlob(
        _ path: String, _ d: Descriptor, size: UInt64, digest: Digest, _ invalid: (String, String?, String?) -> Void
    ) {
        if Int64(size) != d.size {
            invalid("\(path) is \(size) bytes but its descriptor says \(d.size)", String(d.size), String(size))
        }
        if digest != d.digest {
            invalid(
                "\(path) hashes to \(digest), not the digest its name and descriptor say", d.digest.description,
                digest.description)
        }
    }

    /// Reads and checks a small JSON blob (manifest, config).
    private func document(
        _ d: Descriptor, _ directory: String, _ role: String,
        _ invalid: (String, String?, String?) -> Void
    ) throws -> [UInt8]? {
        let path = blobPath(directory, d.digest)
        guard d.size <= Self.maxDocumentSize else {
            invalid(
                "\(role) \(path) claims \(d.size) bytes, more than the \(Self.maxDocumentSize) a \(role) may have", nil,
                String(d.size))
            return nil
        }
        guard try tree.kind(of: path) == .file, let bytes = try tree.read(path) else {
            invalid("\(role) blob \(path) is missing", d.digest.description, nil)
            return nil
        }
        let digest = StreamingHasher.digest(bytes, d.digest.algorithm)
        checkBlob(path, d, size: UInt64(bytes.count), digest: digest, invalid)
        return bytes
    }

    private func decode<T: Decodable>(
        _ type: T.Type, _ bytes: [UInt8], _ path: String,
        _ invalid: (String, String?, String?) -> Void
    ) -> T? {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            invalid("\(path) is not a valid \(T.self): \(Self.describe(error))", nil, nil)
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
