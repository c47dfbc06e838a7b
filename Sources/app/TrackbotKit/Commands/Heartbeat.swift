import Foundation
import HTTPTransport
import TrackbotCore

/// `[watch] heartbeat-file` and `heartbeat-url`: after each completed `watch` run, the file is
/// rewritten (its modification time is the last run's end) and the URL fetched with GET, so a
/// monitor notices a watch that stopped running. A heartbeat that fails is a diagnostic, never
/// the run's failure: the run itself went well or badly on its own.
struct Heartbeat: Sendable {
    var file: String?
    var url: SecretURL?

    /// Resolves the URL before any work, as `[[notify]]` does.
    static func prepare(_ config: Configuration, environment: [String: String]) throws -> Heartbeat {
        Heartbeat(
            file: config.watch.heartbeatFile.map { ($0 as NSString).expandingTildeInPath },
            url: try SecretURL.resolve(
                url: config.watch.heartbeatURL, env: config.watch.heartbeatURLEnv, environment: environment,
                what: "[watch] heartbeat"))
    }

    /// Returns diagnostics lines (empty when all went well).
    func beat(
        exitCode: Int32, now: Date = Date(), client: HTTPClient = HTTPClient(maxPerHost: 1, maxRedirects: 3)
    ) async -> [String] {
        var lines: [String] = []
        if let file {
            let text =
                "trackbot watch: run finished \(ISO8601DateFormatter().string(from: now)), exit status \(exitCode)\n"
            do {
                let url = URL(fileURLWithPath: file)
                try? FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                lines.append("heartbeat: could not write \(file) (\(error)); the run itself is unaffected")
            }
        }
        if let url {
            // GET is idempotent, but one ping per run is enough: no retry here either.
            do {
                let response = try await client.send(
                    HTTPRequest(.get, url.value.value, secrets: url.secrets, bodyLimit: 64 << 10, totalTimeout: 30))
                if !response.isSuccess {
                    lines.append(
                        "heartbeat: GET \(url.shown) answered HTTP \(response.status); the run itself is unaffected")
                }
            } catch {
                lines.append("heartbeat: \(url.scrub("\(error)")); the run itself is unaffected")
            }
        }
        return lines
    }
}
