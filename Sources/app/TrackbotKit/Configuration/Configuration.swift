import Foundation
import Registry
import TrackbotCore
import Tracking

/// Everything a run needs to know besides the command line (see docs/configuration.md).
public struct Configuration: Sendable, Equatable {
    public struct Registry: Sendable, Equatable {
        /// Where official images are published.
        public var host = "docker.io"
        /// Requests in flight per registry host.
        public var concurrency = 8
        /// Stop cleanly when `ratelimit-remaining` falls below this (0: never). The default is
        /// the registry client's own (1: stop when no pull remains, instead of running into 429s),
        /// so every command and the client agree on one value.
        public var rateLimitFloor = Configuration.Registry.defaultRateLimitFloor

        /// `registry.rate-limit-floor` when the configuration does not set it.
        public static let defaultRateLimitFloor = RegistryConfiguration().rateLimitFloor
        /// `credential-realms`: token realms on another origin that may receive the registry's
        /// credentials (https origins); nil for the default (Docker Hub's for docker.io).
        public var credentialRealms: [String]?
    }

    public struct Upstream: Sendable, Equatable {
        /// The upstream git repository whose tags to watch.
        public var repository: String
        /// A regular expression the interesting tags match.
        public var tagPattern: String?
        /// How many numbers of a tag name its release line (`line-depth`; 1 for node's `v22`);
        /// nil for all numbers but the last (`v3.20.3` → `v3.20`, `REL_17_2` → `REL_17`).
        public var lineDepth: Int?
    }

    public struct WatchedImage: Sendable, Equatable {
        public var name: String
        /// Only these tags (or shared tags); nil for all.
        public var tags: [String]?
        /// Only these architectures; nil for all.
        public var architectures: [Architecture]?
        public var upstream: Upstream?
    }

    public struct GitHub: Sendable, Equatable {
        /// `OWNER/NAME` where issues are opened.
        public var repository: String?
        public var labels: [String] = ["trackbot"]
        /// Comment on and close an issue when its finding is gone.
        public var closeResolved = true
    }

    public struct Git: Sendable, Equatable {
        /// Seconds a git server may send (or take) nothing before the fetch gives up.
        public var stallTimeout = 120
    }

    public struct Deep: Sendable, Equatable {
        /// Most bytes one `ADD --checksum` download may bring under `--deep` (1 GiB).
        public var maxDownloadBytes: Int64 = 1 << 30
    }

    /// `[verify]`: how `--deep` checks signatures.
    public struct Verify: Sendable, Equatable {
        /// A binary OpenPGP keyring (`gpg --export KEY… > keyring.gpg`) that `gpgv` checks the
        /// signatures a Dockerfile verifies against; nil: signatures are "signed, keys not checked".
        public var keyring: String?
    }

    /// `[[notify]]`: where new and changed alerts are posted (see docs/notifications.md).
    public struct Notify: Sendable, Equatable {
        /// Names the webhook in messages and in the state's record of what it was sent.
        public var name: String
        /// The URL as written in the file; it may hold a secret, so it is never shown.
        public var url: String?
        /// `url-env`: the environment variable that holds the URL.
        public var urlEnv: String?
        /// `slack-text`: add a `text` field, which Slack-compatible webhooks show.
        public var slackText = false
    }

    /// `[watch]`: what a `watch` run does once it has finished.
    public struct Watch: Sendable, Equatable {
        /// Written (so its modification time moves) after each completed run.
        public var heartbeatFile: String?
        /// Fetched with GET after each completed run; it may hold a secret, so it is never shown.
        public var heartbeatURL: String?
        /// `heartbeat-url-env`: the environment variable that holds the heartbeat URL.
        public var heartbeatURLEnv: String?
    }

    public static let officialImages = "https://github.com/docker-library/official-images.git"

    public var librarySource = Configuration.officialImages
    public var libraryRef = "refs/heads/master"
    public var cacheDirectory: String?
    /// `state`; nil: `$XDG_STATE_HOME/trackbot/trackbot-state.json` (`ConfigurationDiscovery`).
    public var statePath: String?
    public var rewrites: [URLRewriter.Rule] = []
    public var registry = Registry()
    public var images: [WatchedImage] = []
    public var github = GitHub()
    /// `[git]`: fetching from git servers.
    public var git = Git()
    /// `[deep]`: what `--deep` may download.
    public var deep = Deep()
    /// `[verify]`: the keyring signatures are checked against under `--deep`.
    public var verify = Verify()
    /// `[[mute]]`: alerts reported as info until a date, with a reason.
    public var mutes: [Mute] = []
    /// `[[notify]]`: webhooks sent new and changed alerts.
    public var notify: [Notify] = []
    /// `[watch]`: the heartbeat of `watch`.
    public var watch = Watch()
    /// What the file said in a form it should not (an architecture alias), each with its
    /// file:line; shown on stderr when the configuration is loaded.
    public var warnings: [String] = []

    public init() {}

    /// The built-in watch list, the same as config/trackbot.toml.
    public static var defaults: Configuration {
        var c = Configuration()
        c.images = ["alpine", "busybox", "debian", "node", "ubuntu"].map {
            WatchedImage(name: $0, tags: nil, architectures: nil, upstream: nil)
        }
        return c
    }

    /// `$XDG_CACHE_HOME/trackbot`, else `~/.cache/trackbot`.
    public var resolvedCacheDirectory: String {
        if let dir = cacheDirectory { return (dir as NSString).expandingTildeInPath }
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/trackbot" }
        return (env["HOME"] ?? NSTemporaryDirectory()) + "/.cache/trackbot"
    }
}
