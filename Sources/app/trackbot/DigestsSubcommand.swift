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
            """)

    @Argument(help: "The reference, e.g. node:22 or ghcr.io/owner/name:tag.")
    var reference: String
    @OptionGroup var configuration: Flags.Configuration
    @OptionGroup var output: Flags.Output
    @OptionGroup var rewrite: Flags.Rewrite

    func run() async throws {
        var options = GlobalOptions()
        configuration.apply(to: &options)
        output.apply(to: &options)
        try rewrite.apply(to: &options)
        await finish { try await DigestsCommand.run(reference: reference, options: options) }
    }
}
