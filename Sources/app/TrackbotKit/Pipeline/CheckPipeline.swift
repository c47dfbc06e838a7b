import Foundation
import OfficialImages
import Registry
import TrackbotCore
import Tracking
import Verification

/// One way through: library → upstream (fetch, verify) → registry → comparison → report and state.
struct CheckPipeline: Sendable {
    /// What one tag's check produced.
    struct TagOutcome: Sendable {
        var report: TagReport
        /// What to record for the tag; nil keeps the recorded one (something failed).
        var state: TagState?
        var findings: [Finding]
        var failure: String?
        /// Architectures checked without failure.
        var checked: Set<String>
        /// Whether those are every architecture the library lists for the tag.
        var complete: Bool
    }

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
    let nowDate: Date
    /// `[[mute]]` of the configuration.
    var mutes: [Mute] = []
    /// `--deep`: layer content and `ADD --checksum` downloads; nil without it.
    var deep: DeepInspection? = nil

    init(library: LibrarySource, verification: SourceVerification, registry: PublishedDigests?, now: Date) {
        self.library = library
        self.verification = verification
        self.registry = registry
        nowDate = now
        self.now = ISO8601DateFormatter().string(from: now)
    }

    /// Checks one image. Never throws: a failure becomes the report's error. The state returned
    /// is the recorded one with what this run checked brought up to date (tags, architectures and
    /// alerts it did not check are kept as they were); nil when there is nothing to record.
    func check(_ target: Target, previous: ImageState?, libraryCommit: String?) async -> (ImageReport, ImageState?) {
        var report = ImageReport(name: target.image, libraryCommit: libraryCommit, previousLibraryCommit: previous?.libraryCommit)
        var scope = AlertLedger.Scope(registry: registry != nil, deep: deep != nil)
        var state = previous ?? ImageState(libraryCommit: nil, checkedAt: now)
        var checkedSomething = false
        do {
            let file = try await library.file(target.image, at: libraryCommit)
            report.notes += file.warnings
            if let old = previous?.libraryCommit, let new = libraryCommit, old != new,
               let oldFile = try? await library.file(target.image, at: old) {
                report.findings += LibraryFindings.findings(LibraryDiff(old: oldFile, new: file), fromCommit: old, toCommit: new)
            }
            let tags = try selectTags(file, target)
            checkedSomething = true  // the library file was read: its commit and tags are worth recording
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
            for (tag, outcome) in zip(tags, checked) {
                report.tags.append(outcome.report)
                report.findings += outcome.findings
                if let failure = outcome.failure { failures.append("\(target.image):\(tag): \(failure)") }
                // A tag that could not be checked keeps its record; the others are brought up to date.
                if let tagState = outcome.state {
                    state.tags[tag] = TagState.recording(tagState, over: previous?.tags[tag], architectures: outcome.checked,
                                                         complete: outcome.complete)
                }
                if outcome.failure == nil { scope.platforms[tag] = outcome.checked }
            }
            // Tags the library no longer has (their alerts stay in the alert records).
            let present = Set(file.allTags)
            for gone in state.tags.keys where !present.contains(gone) { state.tags[gone] = nil }
            scope.imageComplete = failures.isEmpty
            if failures.isEmpty {
                state.libraryCommit = libraryCommit
            } else {
                // The library commit stays the recorded one, so the next run reports the library
                // changes again.
                report.error = failures.joined(separator: "; ")
            }
        } catch {
            report.error = "\(error)"
        }
        if checkedSomething { state.checkedAt = now }
        let ledger = AlertLedger.update(image: target.image, previous: previous?.alerts ?? [], findings: dedupe(report.findings),
                                        scope: scope, mutes: mutes, now: nowDate, nowText: now)
        report.findings = ledger.findings
        report.notes += ledger.notes
        report.alerts = ledger.records
        state.alerts = ledger.records
        // An image never recorded and not checked now has nothing worth a record.
        if previous == nil && state.alerts.isEmpty && (!checkedSomething || (state.tags.isEmpty && report.error != nil)) {
            return (report, nil)
        }
        return (report, state)
    }

    /// An image that could not be checked at all (official-images unreadable): its recorded
    /// alerts are reported again and kept; nothing else changes.
    func unchecked(_ target: Target, previous: ImageState?, error: String) async -> (ImageReport, ImageState?) {
        var report = ImageReport(name: target.image, previousLibraryCommit: previous?.libraryCommit, error: error)
        let ledger = AlertLedger.update(image: target.image, previous: previous?.alerts ?? [], findings: [], scope: .none,
                                        mutes: mutes, now: nowDate, nowText: now)
        report.findings = ledger.findings
        report.notes = ledger.notes
        report.alerts = ledger.records
        guard var state = previous else { return (report, nil) }
        state.alerts = ledger.records
        return (report, state)
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

    private func checkTag(_ tag: String, in file: LibraryFile, target: Target, previous: TagState?) async -> TagOutcome {
        let entries = file.entries(for: tag)
        var observations: [PlatformObservation] = []
        var verifiedLines: [String: [String]] = [:]
        var verifiedReports: [Architecture: (ArchitectureSource, VerificationReport)] = [:]
        var findings: [Finding] = []
        var failure: String?
        var archFailures: [String: String] = [:]
        var listed = 0
        for entry in entries {
            listed += entry.architectures.count
            for arch in entry.architectures where target.architectures?.contains(arch) ?? true {
                let source = entry.source(for: arch)
                let outcome = await verification.verify(source, image: target.image)
                findings += outcome.findings.map { var f = $0; f.tag = f.kind == .upstreamRewritten ? nil : tag; f.arch = f.kind == .upstreamRewritten ? nil : arch.rawValue; return f }
                if let e = outcome.error { failure = e; archFailures[arch.rawValue] = e }
                verifiedLines[arch.rawValue] = outcome.verified
                if let r = outcome.report { verifiedReports[arch] = (source, r) }
                var obs = PlatformObservation(arch: arch, source: source,
                                              expectedDigest: outcome.report?.layout?.expectedManifestDigest,
                                              parent: outcome.report?.parent.flatMap { $0 == "scratch" ? nil : $0 })
                if let parent = obs.parent, let registry {
                    // The parent's digest is trackbot's own lookup; when it fails, a changed digest
                    // cannot be explained, so the tag could not be checked.
                    do { obs.parentDigest = try await registry.parentDigest(parent, arch: arch) } catch {
                        let reason = "parent \(parent): \(error)"
                        failure = reason
                        archFailures[arch.rawValue] = reason
                    }
                }
                observations.append(obs)
            }
        }
        var tagState: TagState?
        var published: PublishedImage?
        var notes: [String] = []
        var comparison: TagComparison.Outcome?
        var registryFailure: String?
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
                comparison = outcome
                tagState = failure == nil ? outcome.state : nil
            } catch {
                registryFailure = "registry: \(error)"
                failure = registryFailure
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
                registryFailure = registryFailure ?? deepFailure
                tagState = nil
            }
        }
        let worstByArch = Dictionary(grouping: findings.filter { $0.arch != nil }, by: { $0.arch! })
            .mapValues { $0.map(\.severity).max()! }
        let platforms = observations.map { o -> PlatformReport in
            let key = o.arch.rawValue
            let pub = published?.platform(o.arch)
            let lines = (verifiedLines[key] ?? []) + (comparison?.matched[key] ?? []).map { "registry: \($0)" }
            let status: PlatformCheck
            var detail: String?
            if let reason = archFailures[key] ?? registryFailure {
                status = .couldNotBeChecked
                detail = reason
            } else if worstByArch[key] == .alert {
                status = .mismatch
            } else if !lines.isEmpty {
                status = .verified
            } else if registry == nil {
                status = .registryNotAsked
            } else if pub == nil {
                status = .notPublished
            } else if comparison?.firstSighting.contains(key) == true {
                status = .baselineRecorded
            } else {
                status = .nothingToVerify
            }
            return PlatformReport(arch: key, platform: o.arch.platform.description, source: o.source,
                                  digest: pub?.digest, previousDigest: previous?.platforms[key]?.digest,
                                  expectedDigest: o.expectedDigest, parent: o.parent, parentDigest: o.parentDigest,
                                  verified: lines, worst: worstByArch[key], status: status, statusDetail: detail)
        }
        let report = TagReport(tag: tag, entryTags: entries.first?.tags ?? [], indexDigest: published?.digest,
                               previousIndexDigest: previous?.indexDigest, platforms: platforms, notes: notes)
        let checked = failure == nil ? Set(observations.map(\.arch.rawValue)) : []
        return TagOutcome(report: report, state: tagState, findings: findings, failure: failure, checked: checked,
                          complete: observations.count == listed)
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
