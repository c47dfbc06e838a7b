import Foundation
import TrackbotCore
import Tracking
import Verification

/// A tag's check, stage 2: what the registry publishes for it (fetched, or as recorded when a
/// HEAD showed the index digest unchanged), compared with the source evidence and the record.
struct PublishedEvidence: Sendable {
    enum Answer: Sendable {
        /// `--offline`.
        case notAsked
        /// The registry answered: the index (nil when the tag is not published) and the comparison.
        case answered(PublishedIndex?, TagComparison.Outcome)
        /// The registry could not be asked or did not answer.
        case failed(String)
    }

    var answer: Answer
    var notes: [TagNote]
    /// Each platform's provenance against the library (empty when the attestations were not read).
    var attestations = AttestationComparison.Outcome()
    /// Whether the attestations were read this run (the index was fetched).
    var attestationsRead: Bool { index?.attested != nil }

    var index: PublishedIndex? {
        if case .answered(let index, _) = answer { return index }
        return nil
    }

    var comparison: TagComparison.Outcome? {
        if case .answered(_, let outcome) = answer { return outcome }
        return nil
    }

    /// "registry: …" when the registry failed.
    var failure: String? {
        if case .failed(let reason) = answer { return reason }
        return nil
    }

    static func gather(
        image: String, tag: String, sources: SourceEvidence, registry: PublishedDigests?,
        previous: TagState?, now: String
    ) async -> PublishedEvidence {
        guard let registry else {
            return PublishedEvidence(answer: .notAsked, notes: [.registryNotAsked])
        }
        do {
            var notes: [TagNote] = []
            var index: PublishedIndex?
            var invalid: [Finding] = []
            switch try await registry.lookup(image: image, tag: tag, previous: previous) {
            case .unpublished:
                index = nil
            case .published(let published, let problems):
                index = published
                if !published.fetched { notes.append(.indexUnchanged) }
                invalid = problems.finding(.manifestInvalid, image: image, tag: tag).map { [$0] } ?? []
            }
            var outcome = TagComparison.compare(
                image: image, tag: tag, platforms: sources.platforms.map(\.observation),
                index: index, previous: previous, now: now)
            outcome.findings += invalid
            var evidence = PublishedEvidence(answer: .answered(index, outcome), notes: notes + outcome.notes)
            evidence.attestations = AttestationComparison.compare(
                image: image, tag: tag, platforms: sources.platforms.map(\.observation), index: index,
                previous: previous)
            evidence.notes += evidence.attestations.notes
            return evidence
        } catch {
            return PublishedEvidence(answer: .failed("registry: \(error)"), notes: [])
        }
    }
}
