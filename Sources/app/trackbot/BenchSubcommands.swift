import ArgumentParser
import Registry

/// Hidden: the trackbot side of scripts/bench.d/registry.
struct BenchRegistrySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-registry", shouldDisplay: false)
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    func run() async throws { print(try await RegistryBench.run(arguments: arguments), terminator: "") }
}
