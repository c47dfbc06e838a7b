import TrackbotCore
import Tracking

/// The words for a tag's notes (`TagNote`, data from the pipeline): the text report's `note: …`
/// lines and the strings of the JSON report's `notes`, which users' scripts read; so these words
/// change only with care.
public enum NoteWording {
    public static func line(_ note: TagNote) -> String {
        switch note {
        case .registryNotAsked:
            return "offline: the registry was not asked"
        case .indexUnchanged:
            return "index digest unchanged since the last run (one HEAD request)"
        case .noProvenanceAnnotations(let arch):
            return
                "\(arch): no revision/source annotations to compare with the library (not an alert: older builds lack them)"
        case .baseDigestDiffers(let arch, let annotated, let parent, let lookedUp):
            return
                "\(arch): the base.digest annotation says \(annotated), the parent \(parent ?? "image") publishes \(lookedUp) now (a rebuild is due, or the annotation is wrong)"
        case .noAttestations:
            return "the index carries no attestation manifests: no build provenance to compare with the library"
        case .deepNothingPublished(let arch, let tarball):
            return "\(arch): --deep: nothing published to compare \(tarball) with"
        case .deepNotSingleLayer(let arch, let layers):
            return
                "\(arch): --deep: the published manifest has \(layers) layers; only a single-layer FROM scratch image is compared with its rootfs tarball"
        case .deepSameContent(let arch, let layer, let entries, let tarball):
            return "\(arch): --deep: layer \(layer.short) holds the same \(entries) entries as \(tarball)"
        case .deepSigned(let arch, let file, let signature, let by?):
            return "\(arch): --deep: \(file) signed by \(by) (\(signature))"
        case .deepSigned(let arch, let file, let signature, nil):
            return "\(arch): --deep: \(file) signed, keys not checked (\(signature); no [verify] keyring configured)"
        case .deepPinMatched(let arch, let url, let digest, let bytes, let pinnedBy):
            return "\(arch): --deep: downloaded \(url) (\(bytes) bytes): \(digest) matches \(pinnedBy)"
        }
    }
}

extension ReportWording {
    /// Reporting's words for every report's data.
    public static let reporting = ReportWording(verified: { VerifiedWording.line($0) }, note: { NoteWording.line($0) })
}
