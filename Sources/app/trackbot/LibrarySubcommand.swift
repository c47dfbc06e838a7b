import ArgumentParser
import TrackbotKit

struct LibrarySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library",
        abstract: "The parsed library entries of an image, resolved per architecture (like `bashbrew cat`).",
        discussion: """
            Reads library/IMAGE from official-images at --library-ref (default: the configured ref, \
            refs/heads/master), or from a folder of library files. --diff-ref REF prints what changed \
            in the file from REF to --library-ref, e.g. `trackbot library node --diff-ref 6317ead --library-ref 87b6256`.
            """)

    @Argument(help: "IMAGE or IMAGE:TAG (a tag or shared tag).")
    var reference: String
    @Option(
        help:
            "official-images as a git URL or a folder of library files (default: the configured [library] source, https://github.com/docker-library/official-images.git)."
    )
    var library: String?
    @Option(help: "Another version of the library file on disk: print what changed from it to the one read.")
    var diff: String?
    @Option(
        help:
            "Another official-images branch, tag or commit: print what changed in the file from there to --library-ref."
    )
    var diffRef: String?
    @OptionGroup var global: Flags.Sources
    @OptionGroup var platforms: Flags.Platforms

    func run() async throws {
        var options = try global.resolved()
        try platforms.apply(to: &options)
        await finish {
            try await LibraryCommand.run(
                .init(reference: reference, library: library, diffAgainst: diff, diffRef: diffRef),
                options: options)
        }
    }
}
