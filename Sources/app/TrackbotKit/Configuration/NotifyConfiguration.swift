import TOMLKit

/// `[[notify]]` and `[watch]` (see docs/notifications.md). URLs may hold a secret (Slack's
/// webhook URLs do): no message here repeats one.
extension ConfigurationLoader {
    static func notifications(_ root: TOMLTable, _ doc: Document, into c: inout Configuration)
        throws(ConfigurationError)
    {
        if let list = root["notify"] {
            guard let array = list.array else {
                throw doc.error(nil, "notify", "must be an array of tables ([[notify]])")
            }
            for item in array {
                guard let t = item.table else {
                    throw doc.error(nil, "notify", "must be an array of tables ([[notify]])")
                }
                try doc.allow(t, ["type", "name", "url", "url-env", "slack-text"], in: "notify")
                let type = try doc.string(t, "type", in: "notify")
                guard type == "webhook" else {
                    throw doc.error(
                        "notify", "type",
                        type == nil
                            ? "is required in every [[notify]]: type = \"webhook\""
                            : "must be \"webhook\" (the only type of [[notify]] there is)")
                }
                let name = try doc.string(t, "name", in: "notify") ?? "webhook"
                guard !c.notify.contains(where: { $0.name == name }) else {
                    throw doc.error(
                        "notify", "name",
                        "\"\(name)\" is used by two [[notify]] tables; give each its own name = \"…\" (the state records what each was sent)",
                        value: name)
                }
                let url = try doc.string(t, "url", in: "notify")
                let env = try doc.string(t, "url-env", in: "notify")
                guard (url == nil) != (env == nil) else {
                    throw doc.error(
                        "notify", "url",
                        "or url-env: [[notify]] \"\(name)\" needs exactly one of them (url = \"https://…\", or url-env = \"VARIABLE\" to keep a secret URL in the environment)"
                    )
                }
                if let url, !isHTTPURL(url) {
                    throw doc.error("notify", "url", "must start with https:// or http:// ([[notify]] \"\(name)\")")
                }
                c.notify.append(
                    .init(
                        name: name, url: url, urlEnv: env,
                        slackText: try doc.bool(t, "slack-text", in: "notify") ?? false))
            }
        }
        if let w = try doc.table(root, "watch", in: nil) {
            try doc.allow(w, ["heartbeat-file", "heartbeat-url", "heartbeat-url-env"], in: "watch")
            c.watch.heartbeatFile = try doc.string(w, "heartbeat-file", in: "watch")
            c.watch.heartbeatURL = try doc.string(w, "heartbeat-url", in: "watch")
            c.watch.heartbeatURLEnv = try doc.string(w, "heartbeat-url-env", in: "watch")
            if c.watch.heartbeatURL != nil && c.watch.heartbeatURLEnv != nil {
                throw doc.error("watch", "heartbeat-url", "and heartbeat-url-env are both set; set one of them")
            }
            if let url = c.watch.heartbeatURL, !isHTTPURL(url) {
                throw doc.error("watch", "heartbeat-url", "must start with https:// or http://")
            }
        }
    }

    static func isHTTPURL(_ s: String) -> Bool { s.hasPrefix("https://") || s.hasPrefix("http://") }
}
