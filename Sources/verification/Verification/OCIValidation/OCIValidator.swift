import Foundation
import TrackbotCore

/// One validator for OCI documents wherever they come from (a layout on disk, a registry): pure
/// functions over the bytes and the decoded documents, which the caller fetched. Each returns
/// the problems it found, each naming the document, the field and the rule (see `OCIRule`).
public enum OCIValidator {
    // MARK: image-spec's schemas, one document at a time

    /// An image index or Docker manifest list (image-index-schema.json).
    public static func index(_ bytes: [UInt8], document: String) -> [OCIProblem] {
        var schema = OCISchema(document: document)
        if let o = schema.object(bytes, what: "an image index") { schema.index(o) }
        return schema.problems
    }

    /// An image manifest or Docker manifest v2 (image-manifest-schema.json).
    public static func manifest(_ bytes: [UInt8], document: String) -> [OCIProblem] {
        var schema = OCISchema(document: document)
        if let o = schema.object(bytes, what: "an image manifest") { schema.manifest(o) }
        return schema.problems
    }

    /// An image configuration (config-schema.json, and `Env` entries `KEY=VALUE`).
    public static func config(_ bytes: [UInt8], document: String) -> [OCIProblem] {
        var schema = OCISchema(document: document)
        if let o = schema.object(bytes, what: "an image configuration") { schema.config(o) }
        return schema.problems
    }

    /// A content descriptor on its own (content-descriptor.json): a layout's descriptor file.
    public static func descriptor(_ bytes: [UInt8], document: String) -> [OCIProblem] {
        var schema = OCISchema(document: document)
        if let o = schema.object(bytes, what: "a descriptor") { schema.descriptor(.object(o), at: "") }
        return schema.problems
    }

    // MARK: across documents (go-containerregistry's validate, image-spec's descriptor rules)

    /// The blob `bytes` against the descriptor that names it (`field`, in the document that
    /// holds it): its size and digest (ggcr's validate).
    public static func content(
        _ bytes: [UInt8], described d: Descriptor, document: String, field: String
    ) -> [OCIProblem] {
        content(
            size: UInt64(bytes.count), digest: StreamingHasher.digest(bytes, d.digest.algorithm), described: d,
            document: document, field: field)
    }

    /// The same, for a blob that was streamed: its size and digest as counted.
    public static func content(
        size: UInt64, digest: Digest, described d: Descriptor, document: String, field: String
    ) -> [OCIProblem] {
        var out: [OCIProblem] = []
        if Int64(size) != d.size {
            out.append(
                OCIProblem(
                    document: document, field: "", rule: .blobSize,
                    message: "is \(size) bytes but \(field).size says \(d.size)", expected: String(d.size),
                    actual: String(size)))
        }
        if digest != d.digest {
            out.append(
                OCIProblem(
                    document: document, field: "", rule: .blobDigest,
                    message: "hashes to \(digest), not the \(field).digest that names it",
                    expected: d.digest.description,
                    actual: digest.description))
        }
        return out
    }

    /// A descriptor's embedded `data` must be the content it describes: its size and digest.
    /// Checked without fetching anything; nil data passes, and so does data that is not base64
    /// (the schema rules refuse that, as `image-spec/data-base64`).
    public static func embeddedData(_ d: Descriptor, document: String, field: String) -> [OCIProblem] {
        guard let data = d.data, let bytes = OCISchema.base64(data) else { return [] }
        let digest = StreamingHasher.digest(bytes, d.digest.algorithm)
        guard Int64(bytes.count) != d.size || digest != d.digest else { return [] }
        return [
            OCIProblem(
                document: document, field: field.isEmpty ? "data" : field + ".data", rule: .dataContent,
                message:
                    "decodes to \(bytes.count) bytes hashing to \(digest), not the \(d.size) bytes of \(d.digest) the descriptor names",
                expected: d.digest.description, actual: digest.description)
        ]
    }

    /// A manifest's own `mediaType`, when it gives one, is its descriptor's (ggcr's validateMediaType).
    public static func mediaType(_ own: String?, described d: Descriptor, document: String, field: String)
        -> [OCIProblem]
    {
        guard let own, own != d.mediaType else { return [] }
        return [
            OCIProblem(
                document: document, field: "mediaType", rule: .documentMediaType,
                message: "is \(own) but \(field).mediaType says \(d.mediaType)", expected: d.mediaType, actual: own)
        ]
    }

    /// A descriptor's `platform` is its image's: the config's os, architecture, variant and
    /// os.version (ggcr's validatePlatform). No platform passes.
    public static func platform(
        _ p: DescriptorPlatform?, config: ImageConfig, document: String, field: String
    ) -> [OCIProblem] {
        guard let p else { return [] }
        let pairs: [(String, String?, String?)] = [
            ("os", p.os, config.os), ("architecture", p.architecture, config.architecture),
            ("variant", p.variant, config.variant), ("os.version", p.osVersion, config.osVersion),
        ]
        return pairs.compactMap { key, said, has in
            guard said != has else { return nil }
            return OCIProblem(
                document: document, field: key, rule: .platformMatchesConfig,
                message:
                    "is \(has.map { "\"\($0)\"" } ?? "absent") but \(field).platform.\(key) says \(said.map { "\"\($0)\"" } ?? "nothing")",
                expected: said, actual: has)
        }
    }

    /// The config's `rootfs.diff_ids` against the layers as uncompressed (nil: not computed),
    /// one for one and as many (ggcr's validateLayers).
    public static func diffIDs(_ config: ImageConfig, computed: [Digest?], document: String) -> [OCIProblem] {
        var out: [OCIProblem] = []
        let listed = config.diffIDs
        for (i, actual) in computed.enumerated() {
            guard let actual, i < listed.count, listed[i] != actual else { continue }
            out.append(
                OCIProblem(
                    document: document, field: "rootfs.diff_ids[\(i)]", rule: .diffIDs,
                    message: "says \(listed[i]) but layer \(i) uncompresses to \(actual)",
                    expected: listed[i].description, actual: actual.description))
        }
        if listed.count != computed.count {
            out.append(
                OCIProblem(
                    document: document, field: "rootfs.diff_ids", rule: .diffIDs,
                    message: "lists \(listed.count) diff_ids for \(computed.count) layers",
                    expected: String(computed.count), actual: String(listed.count)))
        }
        return out
    }
}

extension OCIValidator {
    /// A document a registry serves, by the media type it was served as: an index (or manifest
    /// list) or an image manifest, against image-spec's schema, with every embedded `data`
    /// checked against its descriptor. bashbrew's oci-import policy is not applied: Docker media
    /// types and attestation manifests are what a registry rightly serves for other builders.
    public static func published(_ bytes: [UInt8], mediaType: String, document: String) -> [OCIProblem] {
        if MediaType.isIndex(mediaType) {
            var out = index(bytes, document: document)
            if let parsed = try? JSONDecoder().decode(ImageIndex.self, from: Data(bytes)) {
                for (i, d) in parsed.manifests.enumerated() {
                    out += embeddedData(d, document: document, field: "manifests[\(i)]")
                }
            }
            return out
        }
        var out = manifest(bytes, document: document)
        if let parsed = try? JSONDecoder().decode(ImageManifest.self, from: Data(bytes)) {
            out += embeddedData(parsed.config, document: document, field: "config")
            for (i, d) in parsed.layers.enumerated() {
                out += embeddedData(d, document: document, field: "layers[\(i)]")
            }
        }
        return out
    }
}
