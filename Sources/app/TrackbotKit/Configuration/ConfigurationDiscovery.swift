import Foundation

/// Which configuration file a run reads, and where its state goes when nothing says, from the
/// command line and the environment alone (no file is read here). The precedence, first found wins:
/// `--config FILE`, `TRACKBOT_CONFIG`, `./trackbot.toml`, `$XDG_CONFIG_HOME/trackbot/trackbot.toml`
/// (default `~/.config`), then the built-in defaults (docs/configuration.md).
public struct ConfigurationDiscovery: Sendable {
    /// Where the chosen file came from; named in errors and by `-v`.
    public enum Origin: String, Sendable, Equatable {
        case commandLine = "--config"
        case environment = "TRACKBOT_CONFIG"
        case workingDirectory = "./trackbot.toml"
        case userConfiguration = "$XDG_CONFIG_HOME/trackbot/trackbot.toml"
    }

    public var environment: [String: String]
    /// Whether a file exists; tests pass their own.
    public var fileExists: @Sendable (String) -> Bool

    public init(
        environment: [String: String],
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.environment = environment
        self.fileExists = fileExists
    }

    /// The file to read and why; nil for the built-in defaults. A file named by `--config` or
    /// `TRACKBOT_CONFIG` is returned even when missing, so that reading it fails loudly: a file the
    /// user named is never silently replaced by another one.
    public func configurationFile(explicitPath: String?) -> (path: String, origin: Origin)? {
        if let explicitPath { return (explicitPath, .commandLine) }
        if let named = environment["TRACKBOT_CONFIG"], !named.isEmpty { return (named, .environment) }
        if fileExists("trackbot.toml") { return ("trackbot.toml", .workingDirectory) }
        let user = Self.baseDirectory("XDG_CONFIG_HOME", orHome: ".config", environment) + "/trackbot/trackbot.toml"
        if fileExists(user) { return (user, .userConfiguration) }
        return nil
    }

    /// The state file when neither `--state` nor `state` names one:
    /// `$XDG_STATE_HOME/trackbot/trackbot-state.json` (default `~/.local/state`); its lock is beside it.
    public var defaultStatePath: String {
        Self.baseDirectory("XDG_STATE_HOME", orHome: ".local/state", environment) + "/trackbot/trackbot-state.json"
    }

    /// An XDG base directory: the variable when it holds an absolute path (the XDG spec ignores
    /// relative ones), else `$HOME/<fallback>`.
    static func baseDirectory(_ variable: String, orHome fallback: String, _ environment: [String: String]) -> String {
        if let dir = environment[variable], dir.hasPrefix("/") { return dir }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/" + fallback
    }
}
