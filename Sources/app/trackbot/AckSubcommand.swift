import ArgumentParser
import Reporting
import TrackbotKit

struct AckSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Answer open alerts: record who, when and why in the state; they stop counting.",
        discussion: """
            For a digest-drift alert the digest it names becomes the trusted one. The next report \
            shows the acknowledgement once. No network is used.
            """)

    @Argument(help: "IMAGE or IMAGE:TAG whose alerts to answer.")
    var reference: String
    @Option(help: "The alert kind, e.g. digest-drift.")
    var kind: String
    @Option(name: .customLong("arch"), help: "Only this architecture (bashbrew name).")
    var arch: String?
    @Option(help: "Why the alert may be closed (recorded, and shown in later reports).")
    var reason: String
    @Option(help: "Who answers (default: $USER).")
    var by: String?
    @OptionGroup var global: Flags.StateFile

    func run() async throws {
        let options = global.resolved()
        await finish {
            try await AckCommand.run(
                .init(reference: reference, kind: kind, arch: arch, reason: reason, by: by), options: options)
        }
    }
}
