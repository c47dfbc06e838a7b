import TrackbotCore
import Tracking

/// The words for what a check verified (`Verified`, data from the pipeline): the text report's
/// `verified …` lines and the strings of the JSON report's `verified` field, which users' scripts
/// read; so these words change only with care.
public enum VerifiedWording {
    /// One line: what was compared and what it matched, and `registry: ` first when the
    /// comparison was with the registry (`x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz sha512
    /// (checksums.sha512:1)`, `registry: digest is the trusted one (since …)`).
    public static func line(_ v: Verified) -> String {
        switch v.place {
        case .source: return what(v)
        case .registry: return "registry: " + what(v)
        }
    }

    /// What was compared and matched, without where.
    public static func what(_ v: Verified) -> String {
        switch v {
        case .checksum(let path, let algorithm, let listedAt):
            return
                "\(path) \(algorithm?.rawValue ?? "") (\(listedAt.map { "\($0.file):\($0.line)" }.joined(separator: ", ")))"
        case .ociLayout(let directory, let file, let manifest, let layers):
            return "OCI layout \(directory)/\(file): manifest \(manifest.short), \(layers) layer(s)"
        case .publishedIsUpstreamLayout(let published):
            return "published manifest \(published.short) is the upstream layout's"
        case .provenanceAnnotations:
            return "revision/source annotations name the library's commit"
        case .trustedDigest(_, let since):
            return "digest is the trusted one (since \(since))"
        case .builtOnParent(let parent, let digest, let layers, let namedByImage):
            return "built on \(parent) \(digest) (its \(layers) layer(s) are this image's first"
                + (namedByImage ? ")" : "; the image names no base digest, so the parent's current one)")
        }
    }
}

extension PlatformCheck {
    /// What the text report prints after the digest.
    public var phrase: String {
        switch self {
        case .verified: return "verified"
        case .mismatch: return "mismatch"
        case .baselineRecorded: return "baseline recorded (first sighting)"
        case .nothingToVerify: return "nothing to verify at this source"
        case .notPublished: return "not published"
        case .registryNotAsked: return "registry not asked (--offline)"
        case .couldNotBeChecked: return "could not be checked"
        }
    }
}
