import ArgumentParser
import Foundation
import TrackbotKit

struct CheckSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Trace, verify and compare images with the recorded state (the manual run).",
        discussion: "Exit status: 0 nothing needs attention, 1 an alert, 2 something could not be checked.")

    @Argument(help: "IMAGE or IMAGE:TAG, one or more.")
    var references: [String]
    @Option(help: "official-images as a git URL or a folder of library files (default from the config).")
    var library: String?
    @Option(
        help: "Also write the report as FORMAT (text, json, markdown, sarif) to FILE, from the same run (repeatable).")
    var output: [String] = []
    @OptionGroup var global: Flags.Check

    func run() async throws {
        let options = try global.resolved()
        await finish {
            let outputs = try output.map(ReportDestination.parse)
            return try await CheckCommand.run(
                .init(references: references, library: library, outputs: outputs), options: options)
        }
    }
}
