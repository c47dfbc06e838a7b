import Foundation
import TestSupport
import Testing

@testable import TrackbotKit

/// Which configuration file a run reads (--config > TRACKBOT_CONFIG > ./trackbot.toml >
/// $XDG_CONFIG_HOME/trackbot/trackbot.toml > defaults) and where the state goes by default, held to
/// the XDG Base Directory spec (absolute paths only; `~/.config`, `~/.local/state` otherwise).
@Suite struct ConfigurationDiscoveryTests {
    /// Files that "exist" for the discovery; the working directory's is `trackbot.toml`.
    static func discovery(_ env: [String: String], existing: Set<String>) -> ConfigurationDiscovery {
        ConfigurationDiscovery(environment: env, fileExists: { existing.contains($0) })
    }

    @Test func precedence_configFlagBeatsEnvironmentBeatsWorkingDirectoryBeatsXDG() {
        let env = ["HOME": "/home/u", "XDG_CONFIG_HOME": "/xdg", "TRACKBOT_CONFIG": "/etc/tb.toml"]
        let all: Set = ["trackbot.toml", "/xdg/trackbot/trackbot.toml", "/etc/tb.toml"]
        let d = Self.discovery(env, existing: all)
        #expect(d.configurationFile(explicitPath: "given.toml")! == ("given.toml", .commandLine))
        #expect(d.configurationFile(explicitPath: nil)! == ("/etc/tb.toml", .environment))
        var noEnv = env
        noEnv["TRACKBOT_CONFIG"] = ""  // set but empty: as if unset
        #expect(
            Self.discovery(noEnv, existing: all).configurationFile(explicitPath: nil)! == (
                "trackbot.toml", .workingDirectory
            ))
        #expect(
            Self.discovery(noEnv, existing: ["/xdg/trackbot/trackbot.toml"]).configurationFile(explicitPath: nil)!
                == ("/xdg/trackbot/trackbot.toml", .userConfiguration))
        #expect(Self.discovery(noEnv, existing: []).configurationFile(explicitPath: nil) == nil)
    }

    @Test func xdg_configHome_unsetOrRelativeMeansHomeDotConfig() {
        let home = "/home/u/.config/trackbot/trackbot.toml"
        for env in [["HOME": "/home/u"], ["HOME": "/home/u", "XDG_CONFIG_HOME": "relative/dir"]] {
            #expect(
                Self.discovery(env, existing: [home]).configurationFile(explicitPath: nil)! == (
                    home, .userConfiguration
                ))
        }
    }

    @Test func xdg_stateHome_isTheDefaultStateDirectory() {
        #expect(
            Self.discovery(["HOME": "/home/u", "XDG_STATE_HOME": "/st"], existing: []).defaultStatePath
                == "/st/trackbot/trackbot-state.json")
        #expect(
            Self.discovery(["HOME": "/home/u", "XDG_STATE_HOME": "st"], existing: []).defaultStatePath
                == "/home/u/.local/state/trackbot/trackbot-state.json")
    }

    /// Through the real loader and files: TRACKBOT_CONFIG and the XDG file are read, and the state
    /// (with its lock beside it) defaults to the XDG state directory, not the working directory.
    @Test func runContext_readsTrackbotConfigAndXDGFile_stateDefaultsToXDGStateHome() throws {
        let dir = try TemporaryDirectory()
        let named = dir.appending("named.toml")
        try "library.ref = \"refs/heads/from-env\"\n".write(to: named, atomically: true, encoding: .utf8)
        let xdg = dir.appending("config/trackbot")
        try FileManager.default.createDirectory(at: xdg, withIntermediateDirectories: true)
        try "library.ref = \"refs/heads/from-xdg\"\n".write(
            to: xdg.appendingPathComponent("trackbot.toml"), atomically: true, encoding: .utf8)
        var options = GlobalOptions()
        let base = ["HOME": dir.path, "XDG_CONFIG_HOME": dir.appending("config").path]
        options.environment = base.merging(["TRACKBOT_CONFIG": named.path]) { $1 }
        #expect(try RunContext.load(options).libraryRef == "refs/heads/from-env")
        options.environment = base
        // The tests' working directory holds no trackbot.toml, so the XDG file is next.
        #expect(!FileManager.default.fileExists(atPath: "trackbot.toml"))
        let context = try RunContext.load(options)
        #expect(context.libraryRef == "refs/heads/from-xdg")
        #expect(context.state.path == dir.path + "/.local/state/trackbot/trackbot-state.json")
    }

    @Test func trackbotConfig_namingAMissingFileIsAnErrorNamingTheVariable() {
        var options = GlobalOptions()
        options.environment = ["HOME": "/nonexistent", "TRACKBOT_CONFIG": "/nonexistent/tb.toml"]
        #expect {
            _ = try RunContext.load(options)
        } throws: { error in
            "\(error)".contains("/nonexistent/tb.toml") && "\(error)".contains("TRACKBOT_CONFIG")
        }
    }
}
