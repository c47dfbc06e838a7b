import TrackbotCore
import Tracking

/// A tag's check, last stage: the source, published and deep evidence judged together: the
/// tag's report (each platform's status), its findings, and what to record.
struct TagVerdict: Sendable {
    var report: TagReport
    /// What to record for the tag; nil keeps the recorded one (something failed).
    var state: TagState?
    var findings: [Finding]
    /// Why the tag could not be checked.
    var failure: String?
    /// Architectures checked without failure.
    var checked: Set<String>
    /// Whether those are every architecture the library lists for the tag.
    var complete: Bool
    /// The platform digest per architecture the registry publishes now (fetched this run, or
    /// confirmed unchanged by a HEAD); nil when the registry was not asked or failed.
    var publishedPlatforms: [String: Digest]?
    /// Whether the tag's attestations were read (so their alerts can be resolved).
    var attestationsRead: Bool

    init(
        tag: String, entryTags: [String], sources: SourceEvidence, published: PublishedEvidence,
        parents: ParentEvidence, chains: [String: [ChainLink]] = [:], deep: DeepEvidence?, previous: TagState?
    ) {
        findings =
            sources.findings + (published.comparison?.findings ?? []) + published.attestations.findings
            + parents.findings + (deep?.findings ?? [])
        // The registry's failure (or, failing that, the deep inspection's) stops every platform.
        let registryFailure = published.failure ?? deep?.failure
        failure = published.failure ?? sources.failure ?? parents.failure ?? deep?.failure
        switch published.answer {
        case .answered(_, let outcome):
            state = sources.failure == nil ? outcome.state : nil
            publishedPlatforms = published.index?.descriptors.mapValues(\.digest)
        case .notAsked: state = sources.failure == nil ? previous : nil
        case .failed: state = nil
        }
        if deep?.failure != nil || parents.failure != nil { state = nil }
        for (arch, check) in parents.checks { state?.platforms[arch]?.baseCheck = check }

        let worstByArch = Dictionary(grouping: findings.filter { $0.arch != nil }, by: { $0.arch! })
            .mapValues { $0.map(\.severity).max()! }
        let index = published.index
        let comparison = published.comparison
        var platforms = sources.platforms.map { p -> PlatformReport in
            let o = p.observation
            let key = o.arch.rawValue
            let pub = index?.platform(o.arch)
            let matched = p.verified + (comparison?.matched[key] ?? []) + (parents.verified[key] ?? [])
            let status: PlatformCheck
            var detail: String?
            if let reason = p.failure ?? parents.failures[key] ?? registryFailure {
                status = .couldNotBeChecked
                detail = reason
            } else if worstByArch[key] == .alert {
                status = .mismatch
            } else if !matched.isEmpty {
                status = .verified
            } else if case .notAsked = published.answer {
                status = .registryNotAsked
            } else if pub == nil {
                status = .notPublished
            } else if comparison?.firstSighting.contains(key) == true {
                status = .baselineRecorded
            } else {
                status = .nothingToVerify
            }
            return PlatformReport(
                arch: key, platform: o.arch.platform.description, source: o.source,
                digest: pub?.digest, previousDigest: previous?.platforms[key]?.digest,
                expectedDigest: o.expectedDigest, parent: o.parent, parentDigest: o.parentDigest,
                verified: matched, worst: worstByArch[key], status: status, statusDetail: detail,
                attestation: published.attestations.summaries[key], pins: p.pins)
        }
        for i in platforms.indices { platforms[i].chain = chains[platforms[i].arch] }
        report = TagReport(
            tag: tag, entryTags: entryTags, indexDigest: index?.digest,
            previousIndexDigest: previous?.indexDigest, platforms: platforms,
            notes: published.notes + (deep?.notes ?? []))
        checked = failure == nil ? Set(sources.platforms.map(\.observation.arch.rawValue)) : []
        complete = sources.platforms.count == sources.listed
        attestationsRead = published.attestationsRead
    }
}
