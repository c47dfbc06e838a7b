import ArgumentParser
import TrackbotKit

struct HistorySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "The image config's history beside the Dockerfile at the library's commit.",
        discussion: """
            Per platform (--arch, default amd64). Rows: = same, ≠ differs, + only in the image's \
            history, - only in the Dockerfile, ^ from the parent image. Differences are \
            history-mismatch warnings. Exit status as for check.
            """)

    @Argument(help: "IMAGE:TAG, e.g. alpine:3.20.")
    var reference: String
    @Option(help: "official-images as a git URL or a folder of library files (default from the config).")
    var library: String?
    @OptionGroup var global: Flags.Sources
    @OptionGroup var platforms: Flags.Platforms

    func run() async throws {
        var options = try global.resolved()
        try platforms.apply(to: &options)
        await finish { try await HistoryCommand.run(.init(reference: reference, library: library), options: options) }
    }
}
