import ArgumentParser
import TrackbotKit

@main
struct Trackbot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackbot",
        abstract: "Checks that Docker Official Images are what their upstream sources say, and keeps watching.",
        subcommands: [])
}
