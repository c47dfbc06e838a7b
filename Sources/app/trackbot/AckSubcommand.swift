import ArgumentParser
import Reporting
import TrackbotCore
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
    @Option(name: .customLong("arch"), help: "Only this architecture (bashbrew name, or an alias such as arm64).")
    var arch: String?
    @Option(help: "Only this platform (os/arch[/variant], e.g. linux/arm64); instead of --arch.")
    var platform: String?
    @Option(help: "Why the alert may be closed (recorded, and shown in later reports).")
    var reason: String
    @Option(help: "Who answers (default: $USER).")
    var by: String?
    @OptionGroup var global: Flags.StateFile

    func run() async throws {
        let options = global.resolved()
        if arch != nil && platform != nil { throw ValidationError("ack: give --arch or --platform, not both") }
        // The state records bashbrew's names, so an alias or a platform is turned into one first.
        let architecture =
            try arch.map { try ArchitectureArgument.resolve($0, flag: "--arch") }
            ?? platform.map { try ArchitectureArgument.resolve($0, flag: "--platform") }
        await finish {
            try await AckCommand.run(
                .init(reference: reference, kind: kind, arch: architecture?.rawValue, reason: reason, by: by),
                options: options)
        }
    }
}
