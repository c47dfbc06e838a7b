import ArgumentParser
import Foundation
import TrackbotCore

/// One architecture as `--arch` or `--platform` names it, turned into bashbrew's name. An alias
/// (`arm64`, `x86_64`) or a platform is accepted with a note on stderr naming the architecture it
/// stands for, so what the report calls it is no surprise.
enum ArchitectureArgument {
    static func resolve(_ name: String, flag: String) throws -> Architecture {
        if flag == "--platform" {
            guard let a = Architecture(platformText: name) else {
                throw ValidationError(
                    "--platform: \"\(name)\" is not a platform bashbrew builds for; write os/arch[/variant] "
                        + "(known: \(Architecture.allCases.map(\.platform.description).joined(separator: ", ")))")
            }
            note("--platform \(name) is the bashbrew architecture \(a)")
            return a
        }
        guard let named = Architecture.named(name) else {
            throw ValidationError("--arch: " + Architecture.unknownNameMessage(name))
        }
        if named.alias { note("--arch \(name) is the bashbrew architecture \(named.architecture)") }
        return named.architecture
    }

    private static func note(_ text: String) {
        FileHandle.standardError.write(Data("trackbot: note: \(text)\n".utf8))
    }
}
