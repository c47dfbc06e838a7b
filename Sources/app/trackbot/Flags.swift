import ArgumentParser
import Foundation
import Reporting
import TrackbotCore
import TrackbotKit

extension OutputFormat: ExpressibleByArgument {}

/// The command line's options, one group per concern. A subcommand takes the groups whose
/// concern it has (`@OptionGroup var registry: Flags.Registry`), so a flag that would not apply
/// is a usage error (exit status 2) rather than silently ignored: `library --deep`, `digests --arch`.
/// Each group writes what it parsed into the `GlobalOptions` the command runs with.
enum Flags {
    /// `--config`: every command that reads the configuration file.
    struct Configuration: ParsableArguments {
        @Option(
            help:
                "Configuration file (TOML); default $TRACKBOT_CONFIG, else ./trackbot.toml, else $XDG_CONFIG_HOME/trackbot/trackbot.toml."
        )
        var config: String?

        func apply(to o: inout GlobalOptions) { o.configPath = config }
    }

    /// `--format`: commands that render a report.
    struct Output: ParsableArguments {
        @Option(help: "Output format: text, json or markdown.")
        var format: OutputFormat = .text

        func apply(to o: inout GlobalOptions) { o.format = format }
    }

    /// `-q`, `-v`: commands that show progress on stderr (git fetches) or may say nothing.
    struct Logging: ParsableArguments {
        @Flag(name: .shortAndLong, help: "Only errors and findings.")
        var quiet = false
        @Flag(name: .shortAndLong, help: "More detail on stderr.")
        var verbose = false

        func apply(to o: inout GlobalOptions) { o.verbosity = quiet ? -1 : verbose ? 1 : 0 }
    }

    /// `--rewrite`: commands that contact a git server or a registry.
    struct Rewrite: ParsableArguments {
        @Option(help: "Rewrite URLs starting with FROM to start with TO (repeatable), like git's insteadOf.")
        var rewrite: [String] = []

        func apply(to o: inout GlobalOptions) throws {
            o.rewrites = try rewrite.map { text in
                do { return try URLRewriter.parseRule(text) } catch { throw ValidationError("--rewrite: \(error)") }
            }
        }
    }

    /// `--cache-dir`: commands that fetch into the git mirrors.
    struct Git: ParsableArguments {
        @Option(help: "Where git mirrors are kept (default $XDG_CACHE_HOME/trackbot).")
        var cacheDir: String?

        func apply(to o: inout GlobalOptions) { o.cacheDirectory = cacheDir }
    }

    /// `--library-ref`: commands that read official-images.
    struct Library: ParsableArguments {
        @Option(help: "Branch, tag or commit of official-images to read.")
        var libraryRef: String?

        func apply(to o: inout GlobalOptions) { o.libraryRef = libraryRef }
    }

    /// `--arch`, `--platform`: commands that work per architecture.
    struct Platforms: ParsableArguments {
        @Option(
            help: """
                Only these architectures (comma-separated bashbrew names, e.g. amd64,arm64v8; \
                arm64, aarch64, x86_64 and the other host names bashbrew maps are accepted).
                """)
        var arch: String?
        @Option(help: "Only these platforms (comma-separated os/arch[/variant], e.g. linux/arm64,linux/arm/v7).")
        var platform: String?

        func apply(to o: inout GlobalOptions) throws {
            guard arch != nil || platform != nil else { return }
            var chosen: [Architecture] = []
            for (flag, text) in [("--arch", arch), ("--platform", platform)] {
                for name in (text ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    let named = try ArchitectureArgument.resolve(name, flag: flag)
                    if !chosen.contains(named) { chosen.append(named) }
                }
            }
            o.architectures = chosen
        }
    }

    /// `--offline`, `--no-registry`, `--deep`: what `check` and `watch` ask of the network.
    struct Registry: ParsableArguments {
        @OptionGroup var offline: Flags.Offline
        @Flag(help: "Download layers and compare their content with the rootfs tarball.")
        var deep = false

        func apply(to o: inout GlobalOptions) {
            offline.apply(to: &o)
            o.deep = deep
        }
    }

    /// `--offline` (no network at all) and `--no-registry` (git as usual, no registry):
    /// commands that may ask the registry but need not (`lint`, `prs`, and `check`, `watch`).
    struct Offline: ParsableArguments {
        @Flag(
            help:
                "No network at all: read the git mirrors as they are (the report says how old), ask no registry and no GitHub."
        )
        var offline = false
        @Flag(help: "Do not contact the registry (what needs it is reported as not checked); git fetches as usual.")
        var noRegistry = false

        func apply(to o: inout GlobalOptions) {
            o.offline = offline
            o.noRegistry = noRegistry
        }
    }

    /// `--state`: commands that read the state file.
    struct State: ParsableArguments {
        @Option(help: "State file recording what was seen (default $XDG_STATE_HOME/trackbot/trackbot-state.json).")
        var state: String?

        func apply(to o: inout GlobalOptions) { o.statePath = state }
    }

    /// `--dry-run`: commands that write the state or touch issues.
    struct DryRun: ParsableArguments {
        @Flag(help: "Write no state and touch no issue.")
        var dryRun = false

        func apply(to o: inout GlobalOptions) { o.dryRun = dryRun }
    }

    /// What `check` and `watch` take: every concern (what `Sources` takes, and the rest).
    struct Check: ParsableArguments {
        @OptionGroup var sources: Flags.Sources
        @OptionGroup var platforms: Flags.Platforms
        @OptionGroup var registry: Flags.Registry
        @OptionGroup var state: Flags.State
        @OptionGroup var dryRun: Flags.DryRun

        func resolved() throws -> GlobalOptions {
            var o = try sources.resolved()
            try platforms.apply(to: &o)
            registry.apply(to: &o)
            state.apply(to: &o)
            dryRun.apply(to: &o)
            return o
        }
    }

    /// What commands that read official-images and upstreams take (`library`, `prs`, `upstream`).
    struct Sources: ParsableArguments {
        @OptionGroup var configuration: Flags.Configuration
        @OptionGroup var output: Flags.Output
        @OptionGroup var logging: Flags.Logging
        @OptionGroup var library: Flags.Library
        @OptionGroup var git: Flags.Git
        @OptionGroup var rewrite: Flags.Rewrite

        func resolved() throws -> GlobalOptions {
            var o = GlobalOptions()
            configuration.apply(to: &o)
            output.apply(to: &o)
            logging.apply(to: &o)
            library.apply(to: &o)
            git.apply(to: &o)
            try rewrite.apply(to: &o)
            return o
        }
    }

    /// What commands that only read and write the state file take (`ack`, `issues sync`).
    struct StateFile: ParsableArguments {
        @OptionGroup var configuration: Flags.Configuration
        @OptionGroup var state: Flags.State
        @OptionGroup var dryRun: Flags.DryRun

        func resolved() -> GlobalOptions {
            var o = GlobalOptions()
            configuration.apply(to: &o)
            state.apply(to: &o)
            dryRun.apply(to: &o)
            return o
        }
    }
}

/// Prints a command's result and exits with its status; errors go to stderr with status 2.
func finish(_ body: () async throws -> CommandResult) async -> Never {
    do {
        let result = try await warningOfUnusedRewrites(body)
        for line in result.diagnostics { FileHandle.standardError.write(Data("trackbot: \(line)\n".utf8)) }
        FileHandle.standardOutput.write(Data(result.output.utf8))
        exit(result.exitCode)
    } catch {
        // An error may quote a server or a file: no control characters reach the terminal.
        FileHandle.standardError.write(
            Data("trackbot: error: \(Sanitize.terminal("\(error)", multiline: true))\n".utf8))
        exit(2)
    }
}

/// Runs one command as one run of rewrites: each rule that pointed no git or registry URL
/// elsewhere is a warning after the run's own diagnostics (a typo sends traffic to the public host).
func warningOfUnusedRewrites(_ body: () async throws -> CommandResult) async throws -> CommandResult {
    let usage = RewriteUsage()
    var result = try await RewriteUsage.$current.withValue(usage) { try await body() }
    // A rule is the user's own text: no control characters reach the terminal.
    result.diagnostics += usage.warnings.map { Sanitize.terminal($0, multiline: false) }
    return result
}
