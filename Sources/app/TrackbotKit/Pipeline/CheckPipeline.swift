import Foundation
import OfficialImages
import Registry
import TrackbotCore
import Tracking
import Verification

/// One way through: library → upstream (fetch, verify) → registry → comparison → report and state.
struct CheckPipeline: Sendable {
    typealias TagOutcome = (TagReport, TagState?, [Finding], String?)

    struct Target: Sendable {
        var image: String
        /// Tags (or shared tags) to check; nil for every tag.
        var tags: [String]?
        var architectures: [Architecture]?
    }

    let library: LibrarySource
    let verification: SourceVerification
    /// nil with --offline.
    let registry: PublishedDigests?
    let now: String
    /// `--deep`: layer content and `ADD --checksum` downloads; nil without it.
    var deep: DeepInspection? = nil

    /// Checks one image. Never throws: a failure becomes the report's error and no new state.
    func check(_ target: Target, previous: ImageState?, libraryCommit: String?) async -> (ImageReport, ImageState?) {
        var report = ImageReport(name: target.image, libraryCommit: libraryCommit, previousLibraryCommit: previous?.libraryCommit)
        do {
            let file = try await library.file(target.image, at: libraryCommit)
            report.notes += file.warnings
            if let old = previous?.libraryCommit, let new = libraryCommit, old != new,
               let oldFile = try? await library.file(target.image, at: old) {
                report.findings += LibraryFindings.findings(LibraryDiff(old: oldFile, new: file), fromCommit: old, toCommit: new)
            }
            let tags = try selectTags(file, target)
            var state = ImageState(libraryCommit: libraryCommit, checkedAt: now)
            var failures: [String] = []
            // Tags are checked side by side (the registry client bounds requests per host, and each
            // distinct upstream source is fetched and verified once); reported in file order.
            let checked = await withTaskGroup(of: (Int, TagOutcome).self) { group in
                for (i, tag) in tags.enumerated() {
                    group.addTask { (i, await self.checkTag(tag, in: file, target: target, previous: previous?.tags[tag])) }
                }
                var results: [(Int, TagOutcome)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }.map(\.1)
            }
            for (tag, (tagReport, tagState, findings, failure)) in zip(tags, checked) {
                report.tags.append(tagReport)
                report.findings += findings
                if let failure { failures.append("\(target.image):\(tag): \(failure)") }
                if let tagState { state.tags[tag] = tagState } else if let old = previous?.tags[tag] { state.tags[tag] = old }
            }
            // Findings about the whole image (rewrites) are reported once.
            report.findings = dedupe(report.findings)
            if !failures.isEmpty {
                // Something could not be checked: keep the recorded state as it was, so the next
                // run compares with the same baseline and reports the library changes again.
                report.error = failures.joined(separator: "; ")
                return (report, nil)
            }
            return (report, state)
        } catch {
            report.error = "\(error)"
            return (report, nil)
        }
    }

    private func selectTags(_ file: LibraryFile, _ target: Target) throws -> [String] {
        guard let wanted = target.tags else { return file.allTags }
        let all = Set(file.allTags)
        let unknown = wanted.filter { !all.contains($0) }
        guard unknown.isEmpty else {
            throw UsageError("library/\(file.name) has no tag \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); its tags are: \(file.allTags.joined(separator: ", "))")
        }
        return wanted
    }

    private func checkTag(_ tag: String, in file: LibraryFile, target: Target, previous: TagState?)
        async -> (TagReport, TagState?, [Finding], String?) {
        let entries = file.entries(for: tag)
        var observations: [PlatformObservation] = []
        var verifiedLines: [String: [String]] = [:]
        var verifiedReports: [Architecture: (ArchitectureSource, VerificationReport)] = [:]
        var findings: [Finding] = []
        var failure: String?
        for entry in entries {
            for arch in entry.architectures where target.architectures?.contains(arch) ?? true {
                let source = entry.source(for: arch)
                let outcome = await verification.verify(source, image: target.image)
                findings += outcome.findings.map { var f = $0; f.tag = f.kind == .upstreamRewritten ? nil : tag; f.arch = f.kind == .upstreamRewritten ? nil : arch.rawValue; return f }
                if let e = outcome.error { failure = e }
                verifiedLines[arch.rawValue] = outcome.verified
                if let r = outcome.report { verifiedReports[arch] = (source, r) }
                var obs = PlatformObservation(arch: arch, source: source,
                                              expectedDigest: outcome.report?.layout?.expectedManifestDigest,
                                              parent: outcome.report?.parent.flatMap { $0 == "scratch" ? nil : $0 })
                if let parent = obs.parent, let registry {
                    obs.parentDigest = await registry.parentDigest(parent, arch: arch)
                }
                observations.append(obs)
            }
        }
        var tagState: TagState?
        var published: PublishedImage?
        var notes: [String] = []
        if let registry {
            do {
                switch try await registry.lookup(image: target.image, tag: tag, previous: previous) {
                case .unpublished:
                    published = nil
                case .published(let image, let unchanged):
                    published = image
                    if unchanged { notes.append("index digest unchanged since the last run (one HEAD request)") }
                }
                var outcome = TagComparison.compare(image: target.image, tag: tag, platforms: observations,
                                                    published: published, previous: previous, now: now)
                if published != nil, published?.attestations.isEmpty == true, previous?.indexDigest == published?.digest {
                    outcome.state.attestations = previous?.attestations
                }
                findings += outcome.findings
                notes += outcome.notes
                tagState = failure == nil ? outcome.state : nil
            } catch {
                failure = "registry: \(error)"
            }
        } else {
            notes.append("offline: the registry was not asked")
            if failure == nil, let previous { tagState = previous }
        }
        if let deep {
            let (deepFindings, deepNotes, deepFailure) = await inspect(deep, tag: tag, image: target.image, reports: verifiedReports,
                                                                       published: published)
            findings += deepFindings
            notes += deepNotes
            if let deepFailure {
                failure = failure ?? deepFailure
                tagState = nil
            }
        }
        let worstByArch = Dictionary(grouping: findings.filter { $0.arch != nil }, by: { $0.arch! })
            .mapValues { $0.map(\.severity).max()! }
        let platforms = observations.map { o in
            PlatformReport(arch: o.arch.rawValue, platform: o.arch.platform.description, source: o.source,
                           digest: published?.platform(o.arch)?.digest, previousDigest: previous?.platforms[o.arch.rawValue]?.digest,
                           expectedDigest: o.expectedDigest, parent: o.parent, parentDigest: o.parentDigest,
                           verified: verifiedLines[o.arch.rawValue] ?? [], worst: worstByArch[o.arch.rawValue])
        }
        let report = TagReport(tag: tag, entryTags: entries.first?.tags ?? [], indexDigest: published?.digest,
                               previousIndexDigest: previous?.indexDigest, platforms: platforms, notes: notes)
        return (report, tagState, findings, failure)
    }

    /// `--deep` for one tag: each platform's layer against its rootfs tarball, and each
    /// `ADD --checksum` URL downloaded and hashed.
    private func inspect(_ deep: DeepInspection, tag: String, image: String,
                         reports: [Architecture: (ArchitectureSource, VerificationReport)],
                         published: PublishedImage?) async -> ([Finding], [String], String?) {
        var findings: [Finding] = []
        var notes: [String] = []
        var failure: String?
        for (arch, (source, report)) in reports.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for pin in report.pins where pin.kind == .addChecksum {
                switch await deep.pin(pin, image: image, dockerfile: TreePath.join(report.directory, report.file)) {
                case .success(let f): if var f { f.tag = tag; f.arch = arch.rawValue; findings.append(f) }
                case .failure(let e): failure = "\(e)"
                }
            }
            guard let tarball = DeepInspection.rootfsTarball(of: report) else { continue }
            guard let platform = published?.platform(arch) else {
                notes.append("\(arch.rawValue): --deep: nothing published to compare \(tarball) with")
                continue
            }
            switch await deep.content(image: image, tag: tag, arch: arch, source: source, tarball: tarball, platform: platform) {
            case .success(let outcome):
                findings += outcome.findings
                notes += outcome.notes
            case .failure(let e): failure = "\(e)"
            }
        }
        return (findings, notes, failure)
    }

    private func dedupe(_ findings: [Finding]) -> [Finding] {
        var seen = Set<Finding>()
        return findings.filter { seen.insert($0).inserted }
    }
}
