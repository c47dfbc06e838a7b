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
