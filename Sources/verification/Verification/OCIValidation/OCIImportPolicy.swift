import TrackbotCore

/// What bashbrew's `Builder: oci-import` accepts (cmd/bashbrew/oci-builder.go): one OCI
/// manifest, an OCI config, and OCI tar / tar+gzip / tar+zstd layers. Docker media types, xz
/// layers and non-distributable layers are valid OCI elsewhere, and refused here.
public enum OCIImportPolicy {
    public static let layerMediaTypes: Set<String> = [
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
    ]

    /// `index.json` holds exactly one manifest.
    public static func index(_ index: ImageIndex, document: String) -> [OCIProblem] {
        guard index.manifests.count != 1 else { return [] }
        return [
            OCIProblem(
                document: document, field: "manifests", rule: .ociImportOneManifest,
                message: "lists \(index.manifests.count) manifests; an oci-import layout must hold exactly one",
                expected: "1", actual: String(index.manifests.count))
        ]
    }

    /// The descriptor of the image manifest names an OCI image manifest.
    public static func manifestDescriptor(_ d: Descriptor, document: String, field: String) -> [OCIProblem] {
        guard d.mediaType != MediaType.ociManifest else { return [] }
        return [
            OCIProblem(
                document: document, field: field.isEmpty ? "mediaType" : "\(field).mediaType",
                rule: .ociImportMediaType,
                message: "is \(d.mediaType)\(why(d.mediaType)); oci-import takes only \(MediaType.ociManifest)",
                expected: MediaType.ociManifest, actual: d.mediaType)
        ]
    }

    /// The manifest's config and layers have the media types oci-import takes.
    public static func manifest(_ m: ImageManifest, document: String) -> [OCIProblem] {
        var out: [OCIProblem] = []
        if m.config.mediaType != MediaType.ociConfig {
            out.append(
                OCIProblem(
                    document: document, field: "config.mediaType", rule: .ociImportMediaType,
                    message:
                        "is \(m.config.mediaType)\(why(m.config.mediaType)); oci-import takes only \(MediaType.ociConfig)",
                    expected: MediaType.ociConfig, actual: m.config.mediaType))
        }
        for (i, layer) in m.layers.enumerated() where !layerMediaTypes.contains(layer.mediaType) {
            out.append(
                OCIProblem(
                    document: document, field: "layers[\(i)].mediaType", rule: .ociImportMediaType,
                    message:
                        "is \(layer.mediaType)\(why(layer.mediaType)); oci-import takes only OCI tar, tar+gzip and tar+zstd layers",
                    expected: layerMediaTypes.sorted().joined(separator: " | "), actual: layer.mediaType))
        }
        return out
    }

    /// Why a media type that an image may have is not one oci-import takes.
    private static func why(_ mediaType: String) -> String {
        if mediaType.hasPrefix("application/vnd.docker.") { return " (a Docker media type)" }
        if mediaType.contains(".nondistributable.") { return " (a non-distributable layer)" }
        if mediaType.hasSuffix("+xz") { return " (an xz layer)" }
        return ""
    }
}

extension OCIImportPolicy {
    /// Which JSON document of the layout is being read, for its known fields.
    public enum Document: Sendable {
        case layout, index, descriptor, manifest
    }

    static let descriptorFields: Set<String> = [
        "mediatype", "digest", "size", "urls", "annotations", "data", "platform", "artifacttype",
    ]
    static let platformFields: Set<String> = ["architecture", "os", "os.version", "os.features", "variant"]

    /// bashbrew reads `oci-layout`, `index.json` (or the descriptor file) and the manifest with
    /// Go's `DisallowUnknownFields`: a field image-spec's Go types do not have is refused. Go
    /// matches field names without regard to case, and so does this.
    public static func unknownFields(_ bytes: [UInt8], _ document: Document, name: String) -> [OCIProblem] {
        guard let object = JSONValue.parse(bytes)?.object else { return [] }
        var out: [OCIProblem] = []
        func check(_ o: [String: JSONValue], _ known: Set<String>, at prefix: String) {
            for key in o.keys.sorted() where !known.contains(key.lowercased()) {
                out.append(
                    OCIProblem(
                        document: name, field: prefix + key, rule: .ociImportKnownFields,
                        message: "is not a field of image-spec's types; bashbrew's oci-import refuses unknown fields",
                        actual: OCISchema.cut(key)))
            }
        }
        func descriptor(_ value: JSONValue?, at prefix: String) {
            guard let d = value?.object else { return }
            check(d, descriptorFields, at: prefix)
            if let p = d["platform"]?.object { check(p, platformFields, at: prefix + "platform.") }
        }
        switch document {
        case .layout:
            check(object, ["imagelayoutversion"], at: "")
        case .descriptor:
            descriptor(.object(object), at: "")
        case .index:
            check(
                object, ["schemaversion", "mediatype", "artifacttype", "manifests", "subject", "annotations"], at: "")
            for (i, d) in (object["manifests"]?.array ?? []).enumerated() { descriptor(d, at: "manifests[\(i)].") }
            descriptor(object["subject"], at: "subject.")
        case .manifest:
            check(
                object, ["schemaversion", "mediatype", "artifacttype", "config", "layers", "subject", "annotations"],
                at: "")
            descriptor(object["config"], at: "config.")
            for (i, d) in (object["layers"]?.array ?? []).enumerated() { descriptor(d, at: "layers[\(i)].") }
            descriptor(object["subject"], at: "subject.")
        }
        return out
    }
}
