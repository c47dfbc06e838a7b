import Foundation
import Registry
import TrackbotCore

/// `trackbot digests` output: the index digest and the per-platform digests of a published
/// reference, each labelled with where people see it (the seed's puzzle: `docker pull` shows the
/// index digest, Docker Hub's tag page the per-platform ones).
public enum DigestsReport {
    /// What a manifest (not an index) is, as far as the command could tell.
    public enum ManifestKind: Sendable, Equatable {
        /// Named by a tag: a single-platform image.
        case image
        /// Named by digest alone: it may be one platform of an index.
        case byDigest
        /// One platform of `tag`'s index (whose digest is what `docker pull TAG` shows).
        case platform(of: String, index: Digest, platform: String)
    }

    /// `IMAGE:TAG@sha256:…`, ready to paste into a `FROM` or a compose file (Docker Hub's
    /// `docker.io/library/` left out, as people write it).
    public static func pin(_ reference: String, _ digest: Digest) -> String {
        "\(displayName(reference))@\(digest)"
    }

    /// `docker.io/library/alpine:3.20@sha256:…` → `alpine:3.20`, as people write it.
    public static func displayName(_ reference: String) -> String {
        var name = reference.split(separator: "@").first.map(String.init) ?? reference
        for prefix in ["docker.io/library/", "docker.io/"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
            break
        }
        return name
    }

    static func manifestLabel(_ kind: ManifestKind) -> String {
        switch kind {
        case .image:
            return "manifest digest (single-platform image: what `docker pull` shows AND the per-platform digest)"
        case .byDigest:
            return
                "manifest digest (named by digest: an image manifest, possibly one platform of an index; NAME:TAG@DIGEST says which)"
        case .platform(let tag, let index, let platform):
            return
                "platform manifest digest (the \(platform) platform of \(tag), whose index digest \(index) is what `docker pull` shows)"
        }
    }
    /// `contents`: the attestations as read (their provenance is shown beside each platform).
    public static func render(
        _ image: PublishedImage, contents: [AttestationContent] = [], format: OutputFormat,
        manifestKind: ManifestKind = .image
    )
        throws -> String
    {
        switch format {
        case .json: return try json(image, contents: contents)
        // Annotations, media types, names and provenance are the registry's: nothing in them
        // reaches a terminal as control.
        case .markdown:
            return Sanitize.terminal(markdown(image, contents: contents, manifestKind: manifestKind), multiline: true)
        case .text:
            return Sanitize.terminal(text(image, contents: contents, manifestKind: manifestKind), multiline: true)
        }
    }

    /// The JSON rendering: `{"reference","mediaType","digest","platforms":[…],"attestations":[…]}`;
    /// each attestation read carries `provenance` (what BuildKit's statement says) and `sboms`.
    public static func json(_ image: PublishedImage, contents: [AttestationContent] = []) throws -> String {
        struct Platform: Encodable {
            var architecture: String, os: String, variant: String?, digest: String, pin: String,
                bashbrewArch: String?, annotations: [String: String]
        }
        struct Attestation: Encodable {
            var digest: String, references: String, annotations: [String: String]
            var provenance: BuildProvenance?, sboms: [String]?, predicateTypes: [String]?
        }
        let read = Dictionary(contents.map { ($0.digest, $0) }) { a, _ in a }
        struct Document: Encodable {
            var reference: String, mediaType: String, digest: String, pin: String, platforms: [Platform],
                attestations: [Attestation]
        }
        let doc = Document(
            reference: image.reference, mediaType: image.mediaType, digest: image.digest.description,
            pin: pin(image.reference, image.digest),
            platforms: image.platforms.map {
                Platform(
                    architecture: $0.architecture, os: $0.os, variant: $0.variant, digest: $0.digest.description,
                    pin: pin(image.reference, $0.digest), bashbrewArch: $0.bashbrewArch, annotations: $0.annotations)
            },
            attestations: image.attestations.map {
                Attestation(
                    digest: $0.digest.description, references: $0.references.description, annotations: $0.annotations,
                    provenance: read[$0.digest]?.provenance, sboms: read[$0.digest]?.sboms,
                    predicateTypes: read[$0.digest]?.predicateTypes)
            })
        return JSONOutput.safe(try JSONCoding.readable(doc))
    }

    /// The Markdown rendering (for issues and reports).
    public static func markdown(
        _ image: PublishedImage, contents: [AttestationContent] = [], manifestKind: ManifestKind = .image
    ) -> String {
        var out = "### \(MarkdownText.code(image.reference))\n\n"
        if image.isIndex {
            out += "- **index digest** (what `docker pull` and `docker image ls --digests` show): `\(image.digest)`\n"
        } else {
            out += "- **\(manifestLabel(manifestKind))**: `\(image.digest)`\n"
        }
        out += "- **pin**: \(MarkdownText.code(pin(image.reference, image.digest)))\n"
        out += "- media type: \(MarkdownText.code(image.mediaType))\n\n"
        out +=
            "| arch | platform | per-platform digest (Docker Hub's tag page) | pin (this platform only) | revision |\n|---|---|---|---|---|\n"
        for p in image.platforms {
            out +=
                "| \(p.bashbrewArch ?? "-") | \(MarkdownText.code(p.platform.description, inTable: true)) | `\(p.digest)` | "
                + "\(MarkdownText.code(pin(image.reference, p.digest), inTable: true)) | "
                + "\(p.annotations[AnnotationKey.revision].map { MarkdownText.code($0, inTable: true) } ?? "") |\n"
        }
        if !image.attestations.isEmpty {
            out +=
                "\nAttestations: "
                + image.attestations.map { "`\($0.digest.short)` → `\($0.references.short)`" }.joined(separator: ", ")
                + "\n"
        }
        for c in contents {
            out += "\nProvenance of `\(c.references.short)` (attestation `\(c.digest.short)`):\n"
            // What an attestation says comes from whoever built the image: escaped text.
            out += provenanceLines(c).map { "- \(MarkdownText.escaped($0))\n" }.joined()
        }
        return out
    }

    /// The text rendering.
    public static func text(
        _ image: PublishedImage, contents: [AttestationContent] = [], manifestKind: ManifestKind = .image
    ) -> String {
        var out = "\(image.reference)\n"
        out += "  media type: \(image.mediaType)\n"
        if image.isIndex {
            out += "  index digest (what `docker pull` and `docker image ls --digests` show):\n"
            out += "    \(image.digest)\n"
            out += "    pin: \(pin(image.reference, image.digest))\n"
            out +=
                "  per-platform manifest digests (what the registry's per-platform pages, e.g. Docker Hub's tag page, show):\n"
        } else {
            out += "  \(manifestLabel(manifestKind)):\n"
            out += "    \(image.digest)\n"
            out += "    pin: \(pin(image.reference, image.digest))\n"
            out += "  platform:\n"
        }
        let width = max(8, image.platforms.map { ($0.bashbrewArch ?? "-").count }.max() ?? 0)
        let pwidth = image.platforms.map { $0.platform.description.count }.max() ?? 0
        for p in image.platforms {
            let arch = (p.bashbrewArch ?? "-").padding(toLength: width, withPad: " ", startingAt: 0)
            let plat = p.platform.description.padding(toLength: pwidth, withPad: " ", startingAt: 0)
            out += "    \(arch)  \(plat)  \(p.digest)\n"
            if image.isIndex { out += "      pin (this platform only): \(pin(image.reference, p.digest))\n" }
            for key in AnnotationKey.shown {
                if let value = p.annotations[key] {
                    out += "      \(key.replacingOccurrences(of: "org.opencontainers.image.", with: "")): \(value)\n"
                }
            }
        }
        if !image.attestations.isEmpty {
            out += "  attestations (provenance/SBOM manifests, not platforms):\n"
            let archOf = Dictionary(image.platforms.map { ($0.digest, $0.bashbrewArch ?? $0.platform.description) }) {
                a, _ in a
            }
            let read = Dictionary(contents.map { ($0.digest, $0) }) { a, _ in a }
            for a in image.attestations {
                out += "    \(a.digest)  for \(a.references)" + (archOf[a.references].map { " (\($0))" } ?? "") + "\n"
                if let c = read[a.digest] { out += provenanceLines(c).map { "      \($0)\n" }.joined() }
            }
        }
        return out
    }

    /// What an attestation's provenance says, one fact a line (the same in text and Markdown).
    static func provenanceLines(_ c: AttestationContent) -> [String] {
        var lines: [String] = []
        if let p = c.provenance {
            lines.append("provenance: \(p.predicateType)")
            if let s = p.configSource { lines.append("build context: \(s)") }
            if let r = p.repository { lines.append("repository: \(r)") }
            if let commit = p.commit { lines.append("commit: \(commit)") }
            lines.append("directory: \(p.directory ?? ".")")
            lines.append("Dockerfile: \(p.dockerfile ?? "Dockerfile")")
            for m in p.baseImages { lines.append("base image: \(m.uri)@\(m.digest ?? "-")") }
            if let b = p.builderID { lines.append("builder: \(b)") }
        } else {
            lines.append("provenance: none")
        }
        lines.append("SBOM: " + (c.sboms.isEmpty ? "none" : c.sboms.joined(separator: ", ")))
        return lines
    }
}
