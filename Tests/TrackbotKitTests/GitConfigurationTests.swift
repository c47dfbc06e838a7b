import Foundation
import TestSupport
import Testing

@testable import TrackbotKit

/// `[git]` in the configuration file.
@Suite struct GitConfigurationTests {
    @Test func stallTimeoutIsReadAndChecked() throws {
        #expect(Configuration.defaults.git.stallTimeout == 120)
        let shipped = try ConfigurationLoader.load(
            explicitPath: TestPaths.packageRoot.appendingPathComponent("config/trackbot.toml").path)
        #expect(shipped.git.stallTimeout == 120)
        let c = try ConfigurationLoader.parse("[git]\nstall-timeout = 15\n", path: "t.toml")
        #expect(c.git.stallTimeout == 15)
        #expect(GitSources(options: GlobalOptions(), configuration: c).cache.stallTimeout == .seconds(15))
        for (text, message) in [
            ("[git]\nstall-timeout = 0\n", "t.toml:2: git.stall-timeout must be a whole number from 1 to 3600"),
            ("[git]\nstall-timeout = \"2m\"\n", "t.toml:2: git.stall-timeout must be a whole number from 1 to 3600"),
            ("[git]\nstal-timeout = 5\n", "t.toml:2: git.stal-timeout unknown key (known here: stall-timeout)"),
        ] {
            do {
                _ = try ConfigurationLoader.parse(text, path: "t.toml")
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description == message)
            }
        }
    }
}
