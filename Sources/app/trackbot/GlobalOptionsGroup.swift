import ArgumentParser
import Reporting
import TrackbotCore
import TrackbotKit

extension OutputFormat: ExpressibleByArgument {}

/// Options every subcommand accepts.
struct GlobalOptionsGroup: ParsableArguments {
    @Option(help: "Configuration file (TOML); default ./trackbot.toml when present.")
    var config: String?
    @Option(help: "Where git mirrors are kept (default $XDG_CACHE_HOME/trackbot).")
    var cacheDir: String?
    @Option(help: "State file recording what was seen.")
    var state: String?
    @Option(help: "Output format: text, json or markdown.")
    var format: OutputFormat = .text
    @Option(help: "Only these architectures (comma-separated bashbrew names, e.g. amd64,arm64v8).")
    var arch: String?
    @Option(help: "Branch, tag or commit of official-images to read.")
    var libraryRef: String?
    @Option(help: "Rewrite URLs starting with FROM to start with TO (repeatable), like git's insteadOf.")
    var rewrite: [String] = []
    @Flag(help: "Do not contact the registry.")
    var offline = false
    @Flag(help: "Download layers and compare their content with the rootfs tarball.")
    var deep = false
    @Flag(help: "Write no state and touch no issue.")
    var dryRun = false
    @Flag(name: .shortAndLong, help: "Only errors and findings.")
    var quiet = false
    @Flag(name: .shortAndLong, help: "More detail on stderr.")
    var verbose = false

    func resolved() throws -> GlobalOptions {
        var o = GlobalOptions()
        o.configPath = config
        o.cacheDirectory = cacheDir
        o.statePath = state
        o.format = format
        o.libraryRef = libraryRef
        o.offline = offline
        o.deep = deep
        o.dryRun = dryRun
        o.verbosity = quiet ? -1 : verbose ? 1 : 0
        if let arch {
            o.architectures = try arch.split(separator: ",").map {
                let name = $0.trimmingCharacters(in: .whitespaces)
                guard let a = Architecture(rawValue: name) else {
                    throw ValidationError("--arch: unknown architecture \"\(name)\" (known: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return a
            }
        }
        o.rewrites = try rewrite.map { text in
            do { return try URLRewriter.parseRule(text) } catch { throw ValidationError("--rewrite: \(error)") }
        }
        return o
    }
}

import Foundation

/// Prints a command's result and exits with its status; errors go to stderr with status 2.
func finish(_ body: () async throws -> CommandResult) async -> Never {
    do {
        let result = try await body()
        for line in result.diagnostics { FileHandle.standardError.write(Data("trackbot: \(line)\n".utf8)) }
        FileHandle.standardOutput.write(Data(result.output.utf8))
        exit(result.exitCode)
    } catch {
        // An error may quote a server or a file: no control characters reach the terminal.
        FileHandle.standardError.write(Data("trackbot: error: \(Sanitize.terminal("\(error)", multiline: true))\n".utf8))
        exit(2)
    }
}
