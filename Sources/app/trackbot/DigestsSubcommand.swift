import ArgumentParser
import TrackbotKit

struct DigestsSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digests",
        abstract: "The index digest, per-platform digests and attestations of a published reference.",
        discussion: """
            REF is name[:tag][@digest], on Docker Hub unless it names a registry (names without a slash \
            get library/). `docker pull` shows the index digest; Docker Hub's tag page shows the \
            per-platform ones. Point a registry elsewhere with --rewrite docker.io=http://127.0.0.1:5000.

            With --which DIGEST (or its first 12 or more hex digits), REF is IMAGE, IMAGE:TAG or \
            IMAGE:TAG1,TAG2 (several may be given), and the command says which tags publish that digest \
            and as what: the index, a platform manifest or an attestation manifest. An official image's \
            tags come from its library file in official-images (newest entries first); any other \
            repository's from the registry's tag list. Exit status 0 when found, 1 when not, 2 on bad input.
            """)

    @Argument(help: "The reference, e.g. node:22 or ghcr.io/owner/name:tag; with --which, IMAGE[:TAG[,TAG…]].")
    var references: [String]
    @Option(help: "Find the tags and platforms that publish this digest (sha256:…, or at least 12 hex digits).")
    var which: String?
    @Option(help: "With --which: ask for at most this many tags, one HEAD each (default 100).")
    var maxTags: Int?
    @Flag(help: "With --which: list an official image's tags from the registry, not its library file.")
    var registryTags = false
    @Flag(help: .hidden)
    var offline = false
    @OptionGroup var configuration: Flags.Configuration
    @OptionGroup var output: Flags.Output
    @OptionGroup var rewrite: Flags.Rewrite
    @OptionGroup var library: Flags.Library
    @OptionGroup var git: Flags.Git

    func validate() throws {
        guard !references.isEmpty else { throw ValidationError("Missing expected argument '<references> ...'") }
        guard which == nil else { return }
        for (flag, given) in [
            ("--max-tags", maxTags != nil), ("--registry-tags", registryTags),
            ("--library-ref", library.libraryRef != nil), ("--cache-dir", git.cacheDir != nil),
        ] where given {
            throw ValidationError("\(flag) applies to --which only")
        }
    }

    func run() async throws {
        var options = GlobalOptions()
        configuration.apply(to: &options)
        output.apply(to: &options)
        try rewrite.apply(to: &options)
        library.apply(to: &options)
        git.apply(to: &options)
        // Accepted only to be refused with a reason: digests reads the registry.
        options.offline = offline
        let references = references
        guard let which else {
            // Checked here, not in validate(): a flag it does not take (`--arch amd64`) must be
            // refused as unknown, not have its value taken for a second REF.
            await finish {
                guard references.count == 1 else {
                    throw UsageError("digests takes one REF (several only with --which)")
                }
                return try await DigestsCommand.run(reference: references[0], options: options)
            }
        }
        var request = DigestSearch.Request(references: references, digest: which)
        if let maxTags { request.maxTags = maxTags }
        request.registryTags = registryTags
        await finish { [request] in try await DigestSearch.run(request, options: options) }
    }
}
