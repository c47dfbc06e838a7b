import TrackbotCore

/// The rule an OCI document breaks, named after the peer that holds it: its raw value is stable
/// (it appears in findings and in docs/verification.md).
public enum OCIRule: String, Codable, Sendable, CaseIterable {
    // image-spec: the JSON schemas (schema/*.json) and the checks schema/validator.go adds.
    case json = "image-spec/json"
    case required = "image-spec/required"
    case fieldType = "image-spec/field-type"
    case schemaVersion = "image-spec/schema-version"
    case mediaType = "image-spec/media-type"
    case artifactType = "image-spec/artifact-type"
    case digest = "image-spec/digest"
    case size = "image-spec/size"
    case urls = "image-spec/urls"
    case data = "image-spec/data-base64"
    case annotations = "image-spec/annotations"
    case subject = "image-spec/subject"
    case platform = "image-spec/platform"
    case layersNonEmpty = "image-spec/manifest-layers-nonempty"
    case env = "image-spec/config-env"
    case volumes = "image-spec/config-volumes"
    case exposedPorts = "image-spec/config-exposed-ports"
    case rootfsType = "image-spec/config-rootfs-type"
    case layoutVersion = "image-spec/layout-version"
    case layoutFile = "image-spec/layout-file"
    case dataContent = "image-spec/data-content"
    // go-containerregistry's pkg/v1/validate (what `crane validate` checks of any image).
    case blobSize = "ggcr/blob-size"
    case blobDigest = "ggcr/blob-digest"
    case blobMissing = "ggcr/blob-missing"
    case documentMediaType = "ggcr/media-type"
    case platformMatchesConfig = "ggcr/platform"
    case diffIDs = "ggcr/config-diff-ids"
    case layerContent = "ggcr/layer-content"
    case duplicatePath = "ggcr/layer-duplicate-path"
    // bashbrew's `Builder: oci-import` (cmd/bashbrew/oci-builder.go).
    case ociImportMediaType = "bashbrew/oci-import-media-type"
    case ociImportOneManifest = "bashbrew/oci-import-one-manifest"
    case ociImportKnownFields = "bashbrew/oci-import-known-fields"
}

/// One refusal: which document, which field (a JSON path, empty for the whole document), which
/// rule, and what was wrong.
public struct OCIProblem: Hashable, Codable, Sendable, CustomStringConvertible {
    /// A path in the layout (`amd64/oci/index.json`, `…/blobs/sha256/<hex>`) or a registry
    /// document (`index sha256:…`, `manifest sha256:…`).
    public var document: String
    /// `manifests[0].urls[1]`, `config.Env[2]`, `rootfs.type`; empty for the document itself.
    public var field: String
    public var rule: OCIRule
    public var message: String
    public var expected: String?
    public var actual: String?

    public init(
        document: String, field: String, rule: OCIRule, message: String, expected: String? = nil,
        actual: String? = nil
    ) {
        self.document = document
        self.field = field
        self.rule = rule
        self.message = message
        self.expected = expected
        self.actual = actual
    }

    /// `DOCUMENT FIELD: what was wrong [rule]`.
    public var description: String {
        "\(document)\(field.isEmpty ? "" : " \(field)"): \(message) [\(rule.rawValue)]"
    }

    /// The problem as a finding of `kind` (alert: a peer refuses the document).
    public func finding(_ kind: FindingKind, image: String? = nil, tag: String? = nil, arch: String? = nil) -> Finding {
        Finding(
            kind: kind, severity: .alert, image: image, tag: tag, arch: arch, message: description,
            expected: expected, actual: actual)
    }
}

extension [OCIProblem] {
    /// All the problems as one finding of `kind`: an alert is kept once per image, tag and
    /// architecture, so several problems of one place are one alert that names each. nil when
    /// there are none.
    public func finding(_ kind: FindingKind, image: String? = nil, tag: String? = nil, arch: String? = nil)
        -> Finding?
    {
        guard let first else { return nil }
        guard count > 1 else { return first.finding(kind, image: image, tag: tag, arch: arch) }
        var combined = first.finding(kind, image: image, tag: tag, arch: arch)
        combined.message = "\(count) problems: " + map(\.description).joined(separator: "; ")
        return combined
    }
}
