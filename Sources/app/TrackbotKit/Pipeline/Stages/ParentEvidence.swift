import Registry
import TrackbotCore
import Tracking

/// A tag's check, stage 3: for each platform built FROM a parent image, whether the published
/// image is really built on it: its first layers must be the parent's (blobs and diff_ids), at
/// the parent digest the image names (its `base.digest` annotation), else at the parent's
/// current one. A check recorded for the same image and parent digests is reused, so an
/// unchanged platform costs no request and a mismatch stays reported. What lies under the parent
/// is `ParentChain`'s.
struct ParentEvidence: Sendable {
    var findings: [Finding] = []
    /// Per architecture, what matched (a ✓ line).
    var verified: [String: [Verified]] = [:]
    /// Per architecture, what to record.
    var checks: [String: BaseLayerCheck] = [:]
    /// Per architecture, why the parent could not be compared (the platform could not be checked).
    var failures: [String: String] = [:]

    var failure: String? { failures.sorted { $0.key < $1.key }.first.map { "\($0.key): \($0.value)" } }

    static func gather(
        image: String, tag: String, sources: SourceEvidence, index: PublishedIndex?,
        registry: PublishedDigests?, previous: TagState?
    ) async -> ParentEvidence {
        var out = ParentEvidence()
        guard let registry, let index else { return out }
        for p in sources.platforms where p.failure == nil {
            let o = p.observation
            guard let parent = o.parent, let descriptor = index.platform(o.arch) else { continue }
            let key = o.arch.rawValue
            func unverified(_ message: String) {
                out.findings.append(
                    Finding(
                        kind: .parentUnverified, severity: .warn, image: image, tag: tag, arch: key, message: message))
            }
            let named: BaseLayerCheck.Named
            let parentDigest: Digest
            if let text = descriptor.annotations[AnnotationKey.baseDigest], let digest = try? Digest(parsing: text) {
                (named, parentDigest) = (.annotation, digest)
            } else if let digest = o.parentDigest {
                (named, parentDigest) = (.current, digest)
            } else {
                unverified(
                    "\(parent) publishes no \(o.arch.platform) image and \(image):\(tag) names no base digest: nothing to compare its layers with"
                )
                continue
            }
            let check: BaseLayerCheck
            if let recorded = previous?.platforms[key]?.baseCheck, recorded.imageDigest == descriptor.digest,
                recorded.parent == parent, recorded.parentDigest == parentDigest
            {
                check = recorded
            } else {
                do {
                    let mine = try await registry.platformLayers(image, digest: descriptor.digest, arch: o.arch)
                    let theirs = try await registry.platformLayers(
                        Self.repository(of: parent), digest: parentDigest, arch: o.arch)
                    check = BaseLayerCheck(
                        imageDigest: descriptor.digest, parent: parent, parentDigest: parentDigest, named: named,
                        layers: theirs.layers.count,
                        mismatch: BaseLayerCheck.compare(
                            imageLayers: mine.layers, imageDiffIDs: mine.diffIDs, parentLayers: theirs.layers,
                            parentDiffIDs: theirs.diffIDs))
                } catch {
                    // Not compared is not a pass: the platform could not be checked, and what
                    // was recorded (alerts included) is kept.
                    out.failures[key] = "parent \(parent) \(parentDigest): \(error)"
                    continue
                }
            }
            out.checks[key] = check
            if let finding = check.finding(image: image, tag: tag, arch: key) {
                out.findings.append(finding)
            } else {
                out.verified[key] = [
                    .builtOnParent(
                        parent: parent, digest: parentDigest, layers: check.layers, namedByImage: named == .annotation)
                ]
            }
        }
        return out
    }

    /// `alpine:3.20` → `alpine`; `ghcr.io/o/r:tag` → `ghcr.io/o/r` (the digest decides).
    static func repository(of reference: String) -> String {
        let name = reference.split(separator: "@").first.map(String.init) ?? reference
        guard let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") else { return name }
        return String(name[..<colon])
    }

    /// A `parent-unverified` warning when the chain under a platform stops before `scratch` or a
    /// layout, or a parent in it has a problem of its own.
    static func chainFinding(_ chain: [ChainLink], image: String, tag: String, arch: String) -> Finding? {
        guard let link = chain.first(where: { $0.stop != nil || !$0.problems.isEmpty }) else { return nil }
        let why = link.stop ?? link.problems.joined(separator: "; ")
        return Finding(
            kind: .parentUnverified, severity: .warn, image: image, tag: tag, arch: arch,
            message: "the chain under \(image):\(tag) \(arch) stops at \(link.image): \(why)")
    }

    /// An image outside the official library (a registry host or an organisation in its name).
    static func isExternal(_ reference: String) -> Bool {
        reference.contains("/") && !reference.hasPrefix("library/")
    }
}
