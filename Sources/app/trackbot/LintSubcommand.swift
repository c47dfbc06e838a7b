import ArgumentParser
import TrackbotKit

struct LintSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract:
            "official-images' CI rules (naughty-from, -constraints, -sharedtags, -commits, latest tags) over library files.",
        discussion: """
            Reads library/IMAGE at --library-ref, or at an open pull request's head with --pr N (then, \
            without IMAGE, the library files the pull request changes, as official-images CI picks them). \
            Each problem is given as library/IMAGE:LINE, the rule, and what to do. The architectures of \
            pinned external FROM images come from the registry; with --no-registry or --offline (no network \
            at all: the git mirrors as they are) they are reported as not \
            checked. Exit status: 0 clean, 1 a rule fails, 2 a usage or input error.
            """)

    @Argument(help: "Image names (default: the pull request's changed library files, else the configured watch list).")
    var images: [String] = []
    @Option(name: .customLong("pr"), help: "Lint this official-images pull request's head.")
    var pullRequest: Int?
    @Option(help: "The official-images git URL (default: from the configuration).")
    var library: String?
    @OptionGroup var global: Flags.Sources
    @OptionGroup var offline: Flags.Offline

    func run() async throws {
        var options = try global.resolved()
        offline.apply(to: &options)
        await finish {
            try await LintCommand.run(
                .init(images: images, pullRequest: pullRequest, library: library), options: options)
        }
    }
}
