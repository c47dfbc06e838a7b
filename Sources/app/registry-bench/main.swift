import Registry
let output = try await RegistryBench.run(arguments: Array(CommandLine.arguments.dropFirst()))
print(output, terminator: "")
