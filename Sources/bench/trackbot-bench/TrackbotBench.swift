import ArgumentParser
import Foundation

/// The trackbot side of scripts/bench.d/*: workloads timed beside their peer tools (git,
/// sha256sum, skopeo…). A separate executable, so that benchmark code never ships in trackbot.
@main
struct TrackbotBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackbot-bench",
        abstract: "Benchmark workloads for scripts/bench (not part of trackbot).",
        subcommands: [RegistryWorkload.self, VerifyWorkload.self, GitWorkload.self, LibraryBenchSubcommand.self])
}

/// scripts/bench.d/registry.
struct RegistryWorkload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "Resolve many tags of one repository.")
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() async throws { print(try await RegistryBench.run(arguments: arguments), terminator: "") }
}

/// scripts/bench.d/verify and bombs.
struct VerifyWorkload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Hash, decompress and list artefacts.")
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() async throws { print(try VerifyBench.run(arguments: arguments), terminator: "") }
}

/// scripts/bench.d/git.
struct GitWorkload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "git", abstract: "Fetch into and read from a mirror.")
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() async throws { print(try await MirrorBench.run(arguments: arguments), terminator: "") }
}
