import Foundation
import TOMLKit
import TrackbotCore
import Tracking

/// Reads the TOML configuration, naming the key and line of anything wrong.
public enum ConfigurationLoader {
    /// The file `discovery` finds (`--config`, `TRACKBOT_CONFIG`, `./trackbot.toml`,
    /// `$XDG_CONFIG_HOME/trackbot/trackbot.toml`), else the built-in defaults.
    public static func load(
        explicitPath: String?,
        discovery: ConfigurationDiscovery = ConfigurationDiscovery(environment: ProcessInfo.processInfo.environment)
    ) throws(ConfigurationError) -> Configuration {
        guard let (path, origin) = discovery.configurationFile(explicitPath: explicitPath) else { return .defaults }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path, origin)
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> Configuration {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw .syntax(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw .syntax(path: path, line: 0, message: "\(error)")
        }
        let doc = Document(text: text, path: path)
        var c = Configuration()
        try doc.allow(
            root,
            [
                "state", "cache-dir", "library", "rewrite", "registry", "images", "github", "mute", "git", "deep",
                "verify", "notify", "watch",
            ],
            in: nil)
        if let v = try doc.string(root, "state", in: nil) { c.statePath = v }
        if let v = try doc.string(root, "cache-dir", in: nil) { c.cacheDirectory = v }
        if let lib = try doc.table(root, "library", in: nil) {
            try doc.allow(lib, ["source", "ref"], in: "library")
            if let v = try doc.string(lib, "source", in: "library") { c.librarySource = v }
            if let v = try doc.string(lib, "ref", in: "library") { c.libraryRef = v }
        }
        if let rw = try doc.table(root, "rewrite", in: nil) {
            for key in rw.keys.sorted() {
                guard let to = try doc.string(rw, key, in: "rewrite"), !to.isEmpty, !key.isEmpty else {
                    throw doc.error("rewrite", key, "must map a URL prefix to a non-empty replacement")
                }
                if let problem = URLRewriter.problem(from: key, to: to) {
                    throw doc.error("rewrite", key, problem.description)
                }
                c.rewrites.append(.init(from: key, to: to))
            }
        }
        if let g = try doc.table(root, "git", in: nil) {
            try doc.allow(g, ["stall-timeout"], in: "git")
            if let v = try doc.int(g, "stall-timeout", in: "git", range: 1...3600) { c.git.stallTimeout = v }
        }
        if let reg = try doc.table(root, "registry", in: nil) {
            try doc.allow(reg, ["host", "concurrency", "rate-limit-floor", "credential-realms"], in: "registry")
            if let v = try doc.string(reg, "host", in: "registry") { c.registry.host = v }
            if let v = try doc.int(reg, "concurrency", in: "registry", range: 1...64) { c.registry.concurrency = v }
            if let v = try doc.int(reg, "rate-limit-floor", in: "registry", range: 0...100_000) {
                c.registry.rateLimitFloor = v
            }
            if let realms = try doc.strings(reg, "credential-realms", in: "registry") {
                // Origins only, and https only: a realm over plain http would get the password in clear.
                for realm in realms where !isCredentialRealm(realm) {
                    throw doc.error(
                        "registry", "credential-realms",
                        "\"\(realm)\" is not an https origin (https://host or https://host:port, no path); "
                            + "a realm over plain http never receives credentials", value: realm)
                }
                c.registry.credentialRealms = realms
            }
        }
        if let deep = try doc.table(root, "deep", in: nil) {
            try doc.allow(deep, ["max-download-mib"], in: "deep")
            if let v = try doc.int(deep, "max-download-mib", in: "deep", range: 1...(1 << 20)) {
                c.deep.maxDownloadBytes = Int64(v) << 20
            }
        }
        if let verify = try doc.table(root, "verify", in: nil) {
            try doc.allow(verify, ["keyring"], in: "verify")
            c.verify.keyring = try doc.string(verify, "keyring", in: "verify")
        }
        if let gh = try doc.table(root, "github", in: nil) {
            try doc.allow(gh, ["repository", "labels", "close-resolved"], in: "github")
            if let v = try doc.string(gh, "repository", in: "github") {
                guard v.split(separator: "/").count == 2 else {
                    throw doc.error("github", "repository", "must be OWNER/NAME, got \"\(v)\"")
                }
                c.github.repository = v
            }
            if let v = try doc.strings(gh, "labels", in: "github") { c.github.labels = v }
            if let v = try doc.bool(gh, "close-resolved", in: "github") { c.github.closeResolved = v }
        }
        if let list = root["images"] {
            guard let array = list.array else {
                throw doc.error(nil, "images", "must be an array of tables ([[images]])")
            }
            var seen = Set<String>()
            for item in array {
                guard let t = item.table else {
                    throw doc.error(nil, "images", "must be an array of tables ([[images]])")
                }
                try doc.allow(t, ["name", "tags", "architectures", "upstream"], in: "images")
                guard let name = try doc.string(t, "name", in: "images"), !name.isEmpty else {
                    throw doc.error(nil, "images", "every [[images]] table needs name = \"IMAGE\"")
                }
                guard seen.insert(name).inserted else {
                    throw doc.error("images", "name", "image \"\(name)\" is listed twice", value: name)
                }
                var image = Configuration.WatchedImage(
                    name: name, tags: try doc.strings(t, "tags", in: "images"),
                    architectures: nil, upstream: nil)
                if let arches = try doc.strings(t, "architectures", in: "images") {
                    image.architectures = try arches.map { a throws(ConfigurationError) in
                        try doc.architecture(a, "images", "architectures", warnings: &c.warnings)
                    }
                }
                if let up = try doc.table(t, "upstream", in: "images") {
                    try doc.allow(up, ["repository", "tag-pattern", "line-depth"], in: "images.upstream")
                    guard let repo = try doc.string(up, "repository", in: "images.upstream") else {
                        throw doc.error("images.upstream", "repository", "is required in an upstream table")
                    }
                    let pattern = try doc.string(up, "tag-pattern", in: "images.upstream")
                    if let pattern, (try? Regex(pattern)) == nil {
                        throw doc.error(
                            "images.upstream", "tag-pattern", "is not a valid regular expression: \(pattern)")
                    }
                    image.upstream = .init(
                        repository: repo, tagPattern: pattern,
                        lineDepth: try doc.int(up, "line-depth", in: "images.upstream", range: 0...9))
                }
                c.images.append(image)
            }
        }
        if let list = root["mute"] {
            guard let array = list.array else { throw doc.error(nil, "mute", "must be an array of tables ([[mute]])") }
            for item in array {
                guard let t = item.table else { throw doc.error(nil, "mute", "must be an array of tables ([[mute]])") }
                try doc.allow(t, ["image", "tag", "arch", "kind", "reason", "until"], in: "mute")
                guard let image = try doc.string(t, "image", in: "mute"), !image.isEmpty else {
                    throw doc.error(nil, "mute", "every [[mute]] needs image = \"IMAGE\"")
                }
                guard let reason = try doc.string(t, "reason", in: "mute"),
                    !reason.trimmingCharacters(in: .whitespaces).isEmpty
                else {
                    throw doc.error(
                        "mute", "image", "needs reason = \"…\": say why the alert may be ignored", value: image)
                }
                guard let untilText = try doc.string(t, "until", in: "mute") else {
                    throw doc.error("mute", "image", "needs until = \"YYYY-MM-DD\": a mute must expire", value: image)
                }
                guard let until = Mute.parseUntil(untilText) else {
                    throw doc.error(
                        "mute", "until", "must be a date (2026-12-31) or an RFC 3339 time, got \"\(untilText)\"",
                        value: untilText)
                }
                var kind: FindingKind?
                if let k = try doc.string(t, "kind", in: "mute") {
                    guard let parsed = FindingKind(rawValue: k) else {
                        throw doc.error(
                            "mute", "kind", "unknown finding kind \"\(k)\" (see docs/findings.md)", value: k)
                    }
                    kind = parsed
                }
                let arch = try doc.string(t, "arch", in: "mute").map { a throws(ConfigurationError) in
                    try doc.architecture(a, "mute", "arch", warnings: &c.warnings).rawValue
                }
                c.mutes.append(
                    Mute(
                        image: image, tag: try doc.string(t, "tag", in: "mute"), arch: arch, kind: kind,
                        reason: reason, until: until, untilText: untilText))
            }
        }
        try notifications(root, doc, into: &c)
        return c
    }

    /// Finds lines for keys by reading the text, since the TOML library keeps no positions.
    struct Document {
        let lines: [Substring]
        let path: String

        init(text: String, path: String) {
            lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            self.path = path
        }

        func line(of key: String, in table: String?, value: String? = nil) -> Int {
            var current: String?
            var fallback = 0
            for (i, raw) in lines.enumerated() {
                let l = raw.trimmingCharacters(in: .whitespaces)
                if l.hasPrefix("[") {
                    current = l.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    continue
                }
                let k = l.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                if k == key, current == table {
                    if let value, !l.contains(value) {
                        if fallback == 0 { fallback = i + 1 }
                        continue
                    }
                    return i + 1
                }
            }
            return fallback
        }

        /// An architecture as `--arch` takes it: bashbrew's name, or an alias (`aarch64`) stored as
        /// bashbrew's name with a warning naming the place, so the file can be corrected.
        func architecture(_ text: String, _ table: String, _ key: String, warnings: inout [String])
            throws(ConfigurationError) -> Architecture
        {
            guard let named = Architecture.named(text) else {
                let known = Architecture.allCases.map(\.rawValue) + Architecture.aliases.keys.sorted()
                let guess = NearestNames.didYouMean(text, among: known)
                throw error(table, key, Architecture.unknownNameMessage(text, suggestion: guess), value: text)
            }
            if named.alias || named.architecture.rawValue != text {
                warnings.append(
                    "\(path):\(line(of: key, in: table, value: text)): \(table).\(key) \"\(text)\" is the bashbrew "
                        + "architecture \(named.architecture); read as \(named.architecture) (write that to silence this)"
                )
            }
            return named.architecture
        }

        func error(_ table: String?, _ key: String, _ message: String, value: String? = nil) -> ConfigurationError {
            .invalid(
                path: path, line: line(of: key, in: table, value: value),
                key: table.map { "\($0).\(key)" } ?? key, message: message)
        }

        func allow(_ t: TOMLTable, _ known: Set<String>, in table: String?) throws(ConfigurationError) {
            for key in t.keys where !known.contains(key) {
                throw error(table, key, "unknown key (known here: \(known.sorted().joined(separator: ", ")))")
            }
        }

        func string(_ t: TOMLTable, _ key: String, in table: String?) throws(ConfigurationError) -> String? {
            guard let v = t[key] else { return nil }
            guard let s = v.string else { throw error(table, key, "must be a string (quote it: \(key) = \"…\")") }
            return s
        }

        func bool(_ t: TOMLTable, _ key: String, in table: String?) throws(ConfigurationError) -> Bool? {
            guard let v = t[key] else { return nil }
            guard let b = v.bool else { throw error(table, key, "must be true or false") }
            return b
        }

        func int(_ t: TOMLTable, _ key: String, in table: String?, range: ClosedRange<Int>) throws(ConfigurationError)
            -> Int?
        {
            guard let v = t[key] else { return nil }
            guard let i = v.int, range.contains(i) else {
                throw error(table, key, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return i
        }

        func table(_ t: TOMLTable, _ key: String, in table: String?) throws(ConfigurationError) -> TOMLTable? {
            guard let v = t[key] else { return nil }
            guard let tt = v.table else { throw error(table, key, "must be a table ([\(key)])") }
            return tt
        }

        /// A list of strings; tags must be quoted ("3.20"), or TOML would read a number.
        func strings(_ t: TOMLTable, _ key: String, in table: String?) throws(ConfigurationError) -> [String]? {
            guard let v = t[key] else { return nil }
            guard let a = v.array else {
                throw error(table, key, "must be a list of strings, e.g. [\"3.20\", \"latest\"]")
            }
            var out: [String] = []
            for item in a {
                guard let s = item.string else {
                    throw error(table, key, "must be a list of strings; quote every element (\"3.20\", not 3.20)")
                }
                out.append(s)
            }
            return out
        }
    }
}

public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The file, and what named it (`--config`, `TRACKBOT_CONFIG`, …).
    case unreadable(String, ConfigurationDiscovery.Origin)
    case syntax(path: String, line: Int, message: String)
    case invalid(path: String, line: Int, key: String, message: String)

    public var description: String {
        switch self {
        case .unreadable(let p, let origin):
            return "cannot read configuration \(p) (named by \(origin.rawValue)): check that path, or unset it"
        case .syntax(let p, let line, let m): return "\(p):\(line): TOML syntax error: \(m)"
        case .invalid(let p, let line, let key, let m): return "\(p):\(line): \(key) \(m)"
        }
    }
}

extension ConfigurationLoader {
    /// `https://host` or `https://host:port` (a readable `URLAuthority`, no user information),
    /// nothing after it but an optional `/`: what `credential-realms` lists.
    static func isCredentialRealm(_ text: String) -> Bool {
        guard let authority = URLAuthority(url: text), authority.scheme == "https",
            let range = URLAuthority.authorityRange(in: text), !text[range].contains("@")
        else { return false }
        let rest = text[range.upperBound...]
        return rest.isEmpty || rest == "/"
    }
}
