import ArgumentParser
import TrackbotKit

struct UpstreamSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream",
        abstract: "Upstream tags newer than what the library references, per release line.",
        discussion: """
            Per image, the [images.upstream] repository, tag-pattern and line-depth of the configuration; the \
            remote's tags are listed without cloning and ordered by version and date (v3.20.10 > v3.20.9; \
            Ubuntu's dist-<suite>-<arch>-<serial>-<hash> by serial). A tag's release line is its numbers but \
            the last (v3.20.3 → v3.20, REL_17_2 → REL_17) or the first line-depth of them (1: v22.11.0 → v22). \
            Reported: each referenced line's newer tags, and lines newer than any the library references.
            """)

    @Argument(help: "Image names (default: every configured image with an upstream table).")
    var images: [String] = []
    @Option(
        help: "The official-images source: a git URL or a folder of library files (default: from the configuration).")
    var library: String?
    @Flag(
        name: .customLong("pre"), help: "Count pre-release tags (-rc1, -beta.2, a1, _RC1) as newer; skipped by default."
    )
    var preReleases = false
    @OptionGroup var global: Flags.Sources

    func run() async throws {
        let options = try global.resolved()
        await finish {
            try await UpstreamCommand.run(
                .init(images: images, library: library, preReleases: preReleases), options: options)
        }
    }
}
