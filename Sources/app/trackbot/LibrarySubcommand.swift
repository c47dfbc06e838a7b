import ArgumentParser
import TrackbotKit

struct LibrarySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library",
        abstract: "The parsed library entries of an image, resolved per architecture (like `bashbrew cat`).")

    @Argument(help: "IMAGE or IMAGE:TAG (a tag or shared tag).")
    var reference: String
    @Option(help: "A folder of library files, or an official-images checkout.")
    var library: String
    @Option(help: "Another version of the library file: print what changed from it to the one in --library.")
    var diff: String?
    @OptionGroup var global: GlobalOptionsGroup

    func run() async throws {
        let options = try global.resolved()
        await finish {
            try await LibraryCommand.run(.init(reference: reference, library: library, diffAgainst: diff), options: options)
        }
    }
}
