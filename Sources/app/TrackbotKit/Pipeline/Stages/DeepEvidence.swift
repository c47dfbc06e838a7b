import TrackbotCore
import Tracking
import Verification

/// A tag's check, stage 3 with `--deep`: each platform's published layer against its rootfs
/// tarball, each `ADD --checksum` URL downloaded and hashed, and each download the platform's
/// `RUN`s pin for its architecture (`ArchitecturePins`).
struct DeepEvidence: Sendable {
    var findings: [Finding] = []
    var notes: [TagNote] = []
    /// Why the deep inspection could not be completed.
    var failure: String?

    static func gather(
        _ deep: DeepInspection, image: String, tag: String, sources: SourceEvidence,
        published: PublishedIndex?
    ) async -> DeepEvidence {
        var evidence = DeepEvidence()
        let verified = sources.platforms.compactMap { p in p.report.map { (p.observation, $0, p.pins) } }
        for (observation, report, pins) in verified.sorted(by: { $0.0.arch.rawValue < $1.0.arch.rawValue }) {
            let arch = observation.arch
            if let pins {
                let outcome = await deep.architecturePins(
                    pins, image: image, tag: tag, dockerfile: TreePath.join(report.directory, report.file))
                evidence.findings += outcome.findings
                evidence.notes += outcome.notes
                if let failure = outcome.failure { evidence.failure = failure }
                let signed = await deep.signatures(
                    pins, image: image, tag: tag, dockerfile: TreePath.join(report.directory, report.file))
                evidence.findings += signed.findings
                evidence.notes += signed.notes
                if let failure = signed.failure { evidence.failure = failure }
            }
            for pin in report.pins where pin.kind == .addChecksum {
                switch await deep.pin(
                    pin, image: image, tag: tag, arch: arch, dockerfile: TreePath.join(report.directory, report.file))
                {
                case .success(.matched(let note)): evidence.notes.append(note)
                case .success(.mismatch(let f)): evidence.findings.append(f)
                case .success(.notComparable): break
                case .failure(let e): evidence.failure = "\(e)"
                }
            }
            guard let tarball = DeepInspection.rootfsTarball(of: report) else { continue }
            guard let platform = published?.platform(arch) else {
                evidence.notes.append(.deepNothingPublished(arch: arch.rawValue, tarball: tarball))
                continue
            }
            switch await deep.content(
                image: image, tag: tag, arch: arch, source: observation.source, tarball: tarball,
                platform: platform)
            {
            case .success(let outcome):
                evidence.findings += outcome.findings
                evidence.notes += outcome.notes
            case .failure(let e): evidence.failure = "\(e)"
            }
        }
        return evidence
    }
}
