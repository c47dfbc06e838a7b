import Foundation
import OfficialImages
import Registry
import TrackbotCore
import Tracking
import Verification

/// One way through: library → upstream (fetch, verify) → registry → comparison → report and state.
/// Each tag goes through the stages in Pipeline/Stages (SourceEvidence, PublishedEvidence,
/// DeepEvidence, TagVerdict).
struct CheckPipeline: Sendable {
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
    /// `-v`: one line per stage of each image and tag, with its duration; nil otherwise.
    var log: (@Sendable (String) -> Void)? = nil
    /// Each parent's link of a chain, checked once per run (keyed by parent and architecture),
    /// with the parent it is built on.
    let chains = TaskCache<String, (ChainLink, String?)>(keep: .everything)
    /// Each library file read, once per run and commit: a parent's file is read for every
    /// architecture of every chain it is in, and an image checked is often a parent too.
    let libraryFiles = TaskCache<String, LibraryFile>(keep: .everything)

    /// `library/NAME` at `commit`, read once per run.
    func libraryFile(_ name: String, at commit: String?) async throws -> LibraryFile {
        try await libraryFiles.value(for: "\(name)@\(commit ?? "")") { try await library.file(name, at: commit) }
    }

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
        var report = ImageReport(
            name: target.image, libraryCommit: libraryCommit, previousLibraryCommit: previous?.libraryCommit)
        var scope = AlertLedger.Scope(registry: registry != nil, deep: deep != nil)
        var state = previous ?? ImageState(libraryCommit: nil, checkedAt: now)
        var checkedSomething = false
        do {
            let file = try await Log.stage(
                log,
                "\(target.image): library read (library/\(target.image)\(libraryCommit.map { " at \($0.prefix(12))" } ?? ""))"
            ) { try await libraryFile(target.image, at: libraryCommit) }
            report.notes += file.warnings
            if let old = previous?.libraryCommit, let new = libraryCommit, old != new,
                let oldFile = try? await library.file(target.image, at: old)
            {
                report.findings += LibraryFindings.findings(
                    LibraryDiff(old: oldFile, new: file), fromCommit: old, toCommit: new)
            }
            let tags = try selectTags(file, target)
            checkedSomething = true  // the library file was read: its commit and tags are worth recording
            var failures: [String] = []
            // Tags are checked side by side (the registry client bounds requests per host, and each
            // distinct upstream source is fetched and verified once); reported in file order.
            let checked = await withTaskGroup(of: (Int, TagVerdict).self) { group in
                for (i, tag) in tags.enumerated() {
                    group.addTask {
                        (
                            i,
                            await self.checkTag(
                                tag, in: file, target: target, previous: previous?.tags[tag],
                                libraryCommit: libraryCommit)
                        )
                    }
                }
                var results: [(Int, TagVerdict)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }.map(\.1)
            }
            var publishedPlatforms: [String: [String: Digest]] = [:]
            for (tag, outcome) in zip(tags, checked) {
                publishedPlatforms[tag] = outcome.publishedPlatforms
                report.tags.append(outcome.report)
                report.findings += outcome.findings
                if let failure = outcome.failure { failures.append("\(target.image):\(tag): \(failure)") }
                // A tag that could not be checked keeps its record; the others are brought up to date.
                if let tagState = outcome.state {
                    state.tags[tag] = TagState.recording(
                        tagState, over: previous?.tags[tag], architectures: outcome.checked,
                        complete: outcome.complete)
                }
                if outcome.failure == nil { scope.platforms[tag] = outcome.checked }
                if outcome.failure == nil && outcome.attestationsRead { scope.attestations.insert(tag) }
            }
            report.findings += AliasAgreement.findings(
                image: target.image, file: file, published: publishedPlatforms)
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
        let ledger = AlertLedger.update(
            image: target.image, previous: previous?.alerts ?? [], findings: dedupe(report.findings),
            scope: scope, mutes: mutes, now: nowDate, nowText: now)
        report.findings = ledger.findings
        report.notes += ledger.notes
        report.alerts = ledger.records
        state.alerts = ledger.records
        // An image never recorded and not checked now has nothing worth a record.
        if previous == nil && state.alerts.isEmpty && (!checkedSomething || (state.tags.isEmpty && report.error != nil))
        {
            return (report, nil)
        }
        return (report, state)
    }

    /// An image that could not be checked at all (official-images unreadable): its recorded
    /// alerts are reported again and kept; nothing else changes.
    func unchecked(_ target: Target, previous: ImageState?, error: String) async -> (ImageReport, ImageState?) {
        var report = ImageReport(name: target.image, previousLibraryCommit: previous?.libraryCommit, error: error)
        let ledger = AlertLedger.update(
            image: target.image, previous: previous?.alerts ?? [], findings: [], scope: .none,
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
            let guesses = unknown.compactMap { NearestNames.didYouMean($0, among: file.allTags) }
            throw UsageError(
                "library/\(file.name) has no tag \(unknown.map { "\"\($0)\"" }.joined(separator: ", "))"
                    + guesses.map { " (\($0))" }.joined() + "; its tags are: \(file.allTags.joined(separator: ", "))"
            )
        }
        return wanted
    }

    /// One tag, stage by stage: source evidence → published evidence → (with `--deep`) deep
    /// evidence → the tag's verdict.
    private func checkTag(
        _ tag: String, in file: LibraryFile, target: Target, previous: TagState?, libraryCommit: String?
    ) async -> TagVerdict {
        let entries = file.entries(for: tag)
        let name = "\(target.image):\(tag)"
        // Each upstream's fetch is a line of its own (MirrorCache.fetchLog), inside this stage.
        let sources = await Log.stage(log, "\(name): source verification") {
            await SourceEvidence.gather(
                tag: tag, entries: entries, target: target,
                verification: verification, registry: registry)
        }
        let published = await Log.stage(
            log, "\(name): registry index and platforms" + (registry == nil ? " (registry not asked)" : "")
        ) {
            await PublishedEvidence.gather(
                image: target.image, tag: tag, sources: sources, registry: registry,
                previous: previous, now: now)
        }
        var parents = await Log.stage(log, "\(name): parent images") {
            await ParentEvidence.gather(
                image: target.image, tag: tag, sources: sources, index: published.index, registry: registry,
                previous: previous)
        }
        var chains: [String: [ChainLink]] = [:]
        if published.index != nil {
            for p in sources.platforms where p.failure == nil {
                guard let parent = p.observation.parent else { continue }
                let arch = p.observation.arch.rawValue
                let chain = await chain(under: parent, arch: p.observation.arch, libraryCommit: libraryCommit)
                chains[arch] = chain
                if let f = ParentEvidence.chainFinding(chain, image: target.image, tag: tag, arch: arch) {
                    parents.findings.append(f)
                }
            }
        }
        var deepEvidence: DeepEvidence?
        if let deep {
            deepEvidence = await Log.stage(log, "\(name): deep") {
                await DeepEvidence.gather(
                    deep, image: target.image, tag: tag, sources: sources, published: published.index)
            }
        }
        var verdict = TagVerdict(
            tag: tag, entryTags: entries.first?.tags ?? [], sources: sources, published: published,
            parents: parents, chains: chains, deep: deepEvidence, previous: previous)
        if let line = entries.first?.line, line > 0 { verdict.report.libraryLine = line }
        return verdict
    }

    private func dedupe(_ findings: [Finding]) -> [Finding] {
        var seen = Set<Finding>()
        return findings.filter { seen.insert($0).inserted }
    }
}
