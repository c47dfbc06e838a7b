import Foundation
import Registry
import TrackbotCore
import Tracking

/// Every target of a run through the pipeline: official-images resolved once, then each image
/// checked (or, when official-images could not be read, its recorded alerts carried).
struct CheckRun: Sendable {
    /// The report of every image, in target order.
    var report: CheckReport
    /// What to record per image (images with nothing worth recording are absent).
    var states: [String: ImageState]
}

extension CheckPipeline {
    /// The pipeline of a run: official-images, upstreams and the registry as the context makes
    /// them (no registry with `--offline`), `[[mute]]`, and `--deep`.
    static func make(
        _ context: RunContext, library override: String?, registryConfiguration: RegistryConfiguration?,
        now: Date
    ) throws -> CheckPipeline {
        let config = context.configuration
        var registry: PublishedDigests?
        if context.options.asksRegistry {
            let client = try context.registryClient(for: "check", base: registryConfiguration)
            registry = PublishedDigests(client: client, host: config.registry.host)
        }
        var pipeline = CheckPipeline(
            library: context.library(override), verification: SourceVerification(sources: context.sources),
            registry: registry, now: now)
        pipeline.mutes = config.mutes
        pipeline.log = Log.handler(context.options)
        if context.options.deep {
            pipeline.deep = DeepInspection(
                registry: registry, rewriter: URLRewriter(rules: context.rewrites),
                sources: context.sources, maxDownload: config.deep.maxDownloadBytes,
                keyring: config.verify.keyring)
        }
        return pipeline
    }

    /// Checks `targets` one image after another against `recorded`.
    func run(_ targets: [Target], recorded: State, progress: (String?) -> Void) async -> CheckRun {
        var reports: [ImageReport] = []
        var states: [String: ImageState] = [:]
        var commit: String?
        var libraryError: String?
        do {
            commit = try await Log.stage(log, "official-images: \(library.logName) fetched and resolved") {
                try await library.resolveCommit()
            }
        } catch {
            libraryError = "official-images: \(error)"
        }
        for (i, target) in targets.enumerated() {
            progress("checking \(target.image) (\(i + 1)/\(targets.count))")
            let previous = recorded.images[target.image]
            // Without official-images nothing could be checked: the recorded alerts are still
            // reported, and kept.
            let checked: (ImageReport, ImageState?)
            if let libraryError {
                checked = await unchecked(target, previous: previous, error: libraryError)
            } else {
                checked = await check(target, previous: previous, libraryCommit: commit)
            }
            let (report, state) = checked
            reports.append(report)
            if let state { states[target.image] = state }
        }
        progress(nil)
        return CheckRun(report: CheckReport(images: reports), states: states)
    }
}
