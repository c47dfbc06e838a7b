import ArgumentParser
import Registry
import Verification
import GitMirror

/// Hidden: the trackbot side of scripts/bench.d/registry.
struct BenchRegistrySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-registry", shouldDisplay: false)
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() async throws { print(try await RegistryBench.run(arguments: arguments), terminator: "") }
}

/// Hidden: the trackbot side of scripts/bench.d/verify.
struct BenchVerifySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-verify", shouldDisplay: false)
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() async throws { print(try VerifyBench.run(arguments: arguments), terminator: "") }
}

/// Hidden: the trackbot side of scripts/bench.d/git.
struct MirrorBenchSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mirror-bench", shouldDisplay: false)
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() async throws { print(try await MirrorBench.run(arguments: arguments), terminator: "") }
}
