import Foundation
import Registry
import Reporting
import TrackbotCore

/// `trackbot digests REF`: what a reference publishes, index and per platform.
public enum DigestsCommand {
    public static func run(
        reference: String, options: GlobalOptions,
        configuration: RegistryConfiguration? = nil
    ) async throws -> CommandResult {
        // The configuration file's rewrites and [registry] limits apply too: an air-gapped user's
        // mirror must never be bypassed for the public registry, and --offline asks nothing.
        let context = try RunContext.load(options)
        let parsed = try ImageReference(parsing: reference)
        // The user named the registry: the credentials (if any) are for it.
        let client = try context.registryClient(for: "digests", credentialsFor: parsed.registry, base: configuration)
        let image = try await client.resolve(parsed)
        // What each platform's provenance says (the SBOMs only by format: never downloaded).
        let contents = try await client.readAttestations(of: image, in: parsed)
        return CommandResult(
            output: try DigestsReport.render(
                image, contents: contents, format: options.format,
                manifestKind: try await manifestKind(image, parsed, client)))
    }

    /// What a single manifest is: named by a tag, a single-platform image; named by digest, one
    /// platform of the tag's index when a tag is given too and its index lists it.
    static func manifestKind(_ image: PublishedImage, _ parsed: ImageReference, _ client: RegistryClient) async throws
        -> DigestsReport.ManifestKind
    {
        guard !image.isIndex, parsed.digest != nil else { return .image }
        guard parsed.tag != nil else { return .byDigest }
        var tagged = parsed
        tagged.digest = nil
        let index = try await client.resolve(tagged)
        guard index.isIndex, let platform = index.platforms.first(where: { $0.digest == image.digest }) else {
            return .byDigest
        }
        return .platform(
            of: DigestsReport.displayName(tagged.description), index: index.digest,
            platform: platform.platform.description)
    }
}
