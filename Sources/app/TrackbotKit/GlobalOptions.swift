import Foundation
import Reporting
import TrackbotCore

/// The options every command shares (see docs/configuration.md).
public struct GlobalOptions: Sendable {
    public var configPath: String?
    public var cacheDirectory: String?
    public var statePath: String?
    public var format: OutputFormat = .text
    public var architectures: [Architecture] = []
    public var libraryRef: String?
    /// `--offline`: no network at all (no git fetch, no registry, no GitHub); mirrors are read as
    /// they are.
    public var offline = false
    /// `--no-registry`: git fetches as usual, the registry is not asked.
    public var noRegistry = false
    public var deep = false
    public var dryRun = false
    /// -1 quiet, 0 normal, 1 verbose.
    public var verbosity = 0
    public var rewrites: [URLRewriter.Rule] = []
    /// Where credentials are read from (`TRACKBOT_REGISTRY_*`, `DOCKER_CONFIG`, `HOME`); nil for
    /// the process environment (tests pass their own).
    public var environment: [String: String]?

    /// `environment`, else the process's own.
    var resolvedEnvironment: [String: String] { environment ?? ProcessInfo.processInfo.environment }
    /// Where `-v` lines go; nil for stderr (tests collect them).
    public var logSink: (@Sendable (String) -> Void)?

    public init() {}

    /// Whether the registry may be asked: neither `--offline` nor `--no-registry`.
    public var asksRegistry: Bool { !offline && !noRegistry }

    /// The flag that keeps the registry out, for messages.
    public var registryFlag: String { offline ? "--offline" : "--no-registry" }
}

/// What a command prints and how the process should exit (0 fine, 1 alert, 2 could not check).
public struct CommandResult: Sendable {
    public var output: String
    public var exitCode: Int32
    public var diagnostics: [String]

    /// Diagnostics quote errors and servers' messages: they go to stderr without control
    /// characters or escape sequences. `output` is each renderer's to make safe (the text
    /// report keeps trackbot's own colours).
    public init(output: String, exitCode: Int32 = 0, diagnostics: [String] = []) {
        self.output = output
        self.exitCode = exitCode
        self.diagnostics = diagnostics.map { Sanitize.terminal($0, multiline: true) }
    }
}

/// A problem with what the user asked for; exit status 2.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
