import Testing
import TrackbotKit

/// `[rewrite]` keys and values with white space around them could never match a URL.
@Suite struct RewriteConfigurationTests {
    @Test func rewrite_configuredSpacesAreRefusedWithFileAndLine() {
        let text = """
            state = "s.json"
            [rewrite]
            "https://github.com/ " = "http://127.0.0.1:1/"
            """
        do {
            _ = try ConfigurationLoader.parse(text, path: "t.toml")
            Issue.record("a rule with a trailing space was accepted")
        } catch {
            #expect("\(error)".hasPrefix("t.toml:3: rewrite.https://github.com/ "), "\(error)")
            #expect("\(error)".contains("write https://github.com/=http://127.0.0.1:1/"), "\(error)")
        }
        #expect(
            (try? ConfigurationLoader.parse(
                "[rewrite]\n\"https://github.com/\" = \"http://127.0.0.1:1/\"\n", path: "t.toml"))?
                .rewrites.count == 1)
    }
}
