import ArgumentParser
import TrackbotKit

struct UpstreamSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream",
        abstract: "Upstream tags newer than what the library references.",
        discussion: """
            Per image, the [images.upstream] repository and tag-pattern of the configuration; the remote's \
            tags are listed without cloning and ordered by version and date (v3.20.10 > v3.20.9; Ubuntu's \
            dist-<suite>-<arch>-<serial>-<hash> by serial).
            """)

    @Argument(help: "Image names (default: every configured image with an upstream table).")
    var images: [String] = []
    @Option(
        help: "The official-images source: a git URL or a folder of library files (default: from the configuration).")
    var library: String?
    @OptionGroup var global: Flags.Sources

    func run() async throws {
        let options = try global.resolved()
        await finish { try await UpstreamCommand.run(.init(images: images, library: library), options: options) }
    }
}
