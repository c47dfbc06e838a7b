import Foundation
import Testing

@testable import TrackbotKit

/// `[[notify]]` and `[watch]` in the configuration: each mistake named by key and line, and no
/// message repeats a URL (it may hold a secret).
@Suite struct NotifyConfigurationTests {
    static let secretURL = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"

    @Test func notify_webhookWithURLOrURLEnv() throws {
        let c = try ConfigurationLoader.parse(
            """
            [[notify]]
            type = "webhook"
            url = "\(Self.secretURL)"
            slack-text = true

            [[notify]]
            type = "webhook"
            name = "pager"
            url-env = "PAGER_HOOK"

            [watch]
            heartbeat-file = "/tmp/beat"
            heartbeat-url-env = "PING"
            """, path: "t.toml")
        #expect(c.notify.map(\.name) == ["webhook", "pager"])
        #expect(c.notify[0].url == Self.secretURL && c.notify[0].slackText)
        #expect(c.notify[1].urlEnv == "PAGER_HOOK" && c.notify[1].url == nil && !c.notify[1].slackText)
        #expect(c.watch.heartbeatFile == "/tmp/beat")
        #expect(c.watch.heartbeatURLEnv == "PING")
    }

    @Test(arguments: [
        ("[[notify]]\nurl = \"\(secretURL)\"\n", "notify.type is required in every [[notify]]: type = \"webhook\""),
        ("[[notify]]\ntype = \"email\"\nurl = \"\(secretURL)\"\n", "t.toml:2: notify.type must be \"webhook\""),
        (
            "[[notify]]\ntype = \"webhook\"\nurl = \"\(secretURL)\"\nurl-env = \"X\"\n",
            "t.toml:3: notify.url or url-env: [[notify]] \"webhook\" needs exactly one of them"
        ),
        ("[[notify]]\ntype = \"webhook\"\n", "notify.url or url-env: [[notify]] \"webhook\" needs exactly one of them"),
        (
            "[[notify]]\ntype = \"webhook\"\nurl = \"ftp://x/secretpath\"\n",
            "t.toml:3: notify.url must start with https:// or http:// ([[notify]] \"webhook\")"
        ),
        (
            "[[notify]]\ntype = \"webhook\"\nurl-env = \"A\"\n[[notify]]\ntype = \"webhook\"\nurl-env = \"B\"\n",
            "notify.name \"webhook\" is used by two [[notify]] tables"
        ),
        ("[[notify]]\ntype = \"webhook\"\nurl-env = \"A\"\nretry = 3\n", "t.toml:4: notify.retry unknown key"),
        (
            "[watch]\nheartbeat-url = \"\(secretURL)\"\nheartbeat-url-env = \"P\"\n",
            "t.toml:2: watch.heartbeat-url and heartbeat-url-env are both set"
        ),
        ("[watch]\nheartbeat = true\n", "t.toml:2: watch.heartbeat unknown key"),
    ])
    func notify_mistakesNamedWithoutTheURL(text: String, message: String) throws {
        do {
            _ = try ConfigurationLoader.parse(text, path: "t.toml")
            Issue.record("accepted: \(text)")
        } catch {
            let shown = "\(error)"
            #expect(shown.contains(message), "\(shown)")
            #expect(!shown.contains("XXXXsecret") && !shown.contains("secretpath"), "\(shown)")
        }
    }
}
