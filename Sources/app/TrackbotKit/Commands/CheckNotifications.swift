import Foundation
import HTTPTransport
import Reporting
import TrackbotCore
import Tracking

/// The `[[notify]]` step of `check` and `watch` (see docs/notifications.md): each webhook is
/// sent, in one POST per run, the alerts that are new or changed since it was last sent them,
/// with the same bookkeeping as GitHub issues (`CheckIssues`): what was sent is recorded in the
/// state, so unchanged alerts are not sent again. A POST is never retried within a run (it is
/// not idempotent); a failed one records nothing, so the next run sends the same alerts again.
enum CheckNotifications {
    struct Webhook: Sendable {
        var name: String
        var url: SecretURL
        var slackText: Bool
        var label: String { "webhook \"\(name)\" (\(url.shown))" }
    }

    /// Resolves every webhook's URL before any work: a `url-env` that is not set stops the run
    /// before anything is fetched, as a missing GITHUB_TOKEN does.
    static func prepare(_ config: Configuration, environment: [String: String]) throws -> [Webhook] {
        try config.notify.map { n in
            let url = try SecretURL.resolve(
                url: n.url, env: n.urlEnv, environment: environment, what: "[[notify]] \"\(n.name)\"")
            // The loader allows no [[notify]] without one of the two.
            guard let url else { throw UsageError("[[notify]] \"\(n.name)\" has no url or url-env") }
            return Webhook(name: n.name, url: url, slackText: n.slackText)
        }
    }

    /// What `webhook` has not been sent yet: open alerts it never saw, and alerts whose status
    /// or values changed since it was sent them (an alert first seen muted or acknowledged is not
    /// news). Alerts of images not in `images` (not checked this run) are left for a later run.
    static func pending(
        for webhook: Webhook, alerts: [AlertRecord], images: Set<String>, mutes: [Mute], now: Date
    ) -> [(record: AlertRecord, status: AlertStatus, seenBefore: Bool)] {
        alerts.filter { images.contains($0.image) }.sorted { $0.id < $1.id }.compactMap { record in
            let status = AlertLedger.status(of: record, mutes: mutes, now: now)
            let sent = record.notified?[webhook.name]
            guard sent != WebhookPayload.fingerprint(record, status: status), status == .open || sent != nil else {
                return nil
            }
            return (record, status, sent != nil)
        }
    }

    /// Sends each webhook its pending alerts and records what was accepted. Returns diagnostics
    /// lines, and whether a webhook or the state failed.
    static func send(
        _ webhooks: [Webhook], alerts: [AlertRecord], images: Set<String>, mutes: [Mute], store: StateStore,
        now: Date, dryRun: Bool, client: HTTPClient = HTTPClient(maxPerHost: 2, maxRedirects: 0)
    ) async -> (lines: [String], failed: Bool) {
        var lines: [String] = []
        var failed = false
        // webhook name → alert id → what it was sent
        var accepted: [String: [String: String]] = [:]
        for webhook in webhooks {
            let pending = pending(for: webhook, alerts: alerts, images: images, mutes: mutes, now: now)
            guard !pending.isEmpty else { continue }
            let count = "\(pending.count) alert\(pending.count == 1 ? "" : "s")"
            if dryRun {
                lines.append("dry run: \(webhook.label) would be sent \(count)")
                continue
            }
            do {
                var headers = HTTPHeaders()
                headers.set("Content-Type", "application/json")
                headers.set("User-Agent", "trackbot")
                let body = try WebhookPayload(alerts: pending, slackText: webhook.slackText).body()
                let response = try await client.send(
                    HTTPRequest(
                        .post, webhook.url.value.value, headers: headers, body: body, secrets: webhook.url.secrets,
                        bodyLimit: 64 << 10, totalTimeout: 30))
                guard response.isSuccess else {
                    lines.append(
                        "\(webhook.label): HTTP \(response.status); \(count) not recorded as sent, the next run sends them again"
                    )
                    failed = true
                    continue
                }
                lines.append("\(webhook.label): sent \(count)")
                accepted[webhook.name] = Dictionary(
                    pending.map { ($0.record.id, WebhookPayload.fingerprint($0.record, status: $0.status)) },
                    uniquingKeysWith: { a, _ in a })
            } catch {
                lines.append(
                    "\(webhook.label): \(webhook.url.scrub("\(error)")); \(count) not recorded as sent, the next run sends them again"
                )
                failed = true
            }
        }
        guard !accepted.isEmpty else { return (lines, failed) }
        do {
            try await store.withLock {
                var state = try store.load()
                state.updateAlerts { alert in
                    for (webhook, sent) in accepted {
                        guard let fingerprint = sent[alert.id] else { continue }
                        alert.notified = (alert.notified ?? [:]).merging([webhook: fingerprint]) { _, new in new }
                    }
                }
                try store.save(state)
            }
        } catch {
            lines.append("notify: sent, but the state was not updated (\(error)); the next run sends the alerts again")
            failed = true
        }
        return (lines, failed)
    }
}
