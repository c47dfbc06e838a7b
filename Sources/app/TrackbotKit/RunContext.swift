import Foundation
import Registry
import TrackbotCore
import Tracking

/// What one run works with, built once from the configuration file and the command line: the
/// git sources, official-images, the registry client and the state store. Every command takes
/// them from here, so a setting of the configuration file (a `[rewrite]`, `[registry]`) reaches
/// every command that contacts what it configures, and the command line overrides it the same way
/// everywhere (see docs/configuration.md).
public struct RunContext: Sendable {
    /// The configuration file (or the built-in defaults).
    public let configuration: Configuration
    /// The command line.
    public let options: GlobalOptions
    /// Upstream and official-images repositories: the mirror cache (`--cache-dir`, `cache-dir`),
    /// rewrites from both, `[git]`.
    let sources: GitSources

    /// Loads the configuration (`--config`, `TRACKBOT_CONFIG`, `./trackbot.toml`,
    /// `$XDG_CONFIG_HOME/trackbot/trackbot.toml`, else the defaults) and combines it with the
    /// command line.
    public static func load(_ options: GlobalOptions) throws -> RunContext {
        let discovery = ConfigurationDiscovery(environment: options.resolvedEnvironment)
        let configuration = try ConfigurationLoader.load(explicitPath: options.configPath, discovery: discovery)
        // Warnings are not errors: shown once per load, and not with -q.
        if options.verbosity >= 0 {
            for warning in configuration.warnings {
                FileHandle.standardError.write(Data("trackbot: warning: \(Sanitize.terminal(warning))\n".utf8))
            }
        }
        return RunContext(configuration: configuration, options: options)
    }

    public init(configuration: Configuration, options: GlobalOptions) {
        self.configuration = configuration
        self.options = options
        sources = GitSources(options: options, configuration: configuration)
    }

    /// The configuration file's rewrites, then the command line's (`--rewrite`).
    public var rewrites: [URLRewriter.Rule] { configuration.rewrites + options.rewrites }

    /// `--library-ref`, else `[library] ref`.
    public var libraryRef: String { options.libraryRef ?? configuration.libraryRef }

    /// `--state`, else `state`, else `$XDG_STATE_HOME/trackbot/trackbot-state.json`; the lock is
    /// `<state>.lock` beside it.
    public var state: StateStore {
        StateStore(
            path: options.statePath ?? configuration.statePath
                ?? ConfigurationDiscovery(environment: options.resolvedEnvironment)
                .defaultStatePath)
    }

    /// `--arch`; nil when not given.
    public var architectures: [Architecture]? { options.architectures.isEmpty ? nil : options.architectures }

    /// official-images: `--library` (a request's override), else `[library] source`, at `libraryRef`.
    func library(_ override: String? = nil) -> LibrarySource {
        LibrarySource.make(source: override ?? configuration.librarySource, ref: libraryRef, sources: sources)
    }

    /// official-images at another ref (`library --diff-ref`).
    func library(_ override: String?, ref: String) -> LibrarySource {
        LibrarySource.make(source: override ?? configuration.librarySource, ref: ref, sources: sources)
    }

    /// The registry client's settings: rewrites from both, `[registry]` concurrency and
    /// rate-limit floor, and credentials scoped to one registry (`registry`, else `[registry] host`).
    /// - Parameter base: a test's settings (retries, credentials) to start from instead of the
    ///   environment's credentials.
    public func registryConfiguration(
        credentialsFor registry: String? = nil,
        base: RegistryConfiguration? = nil
    ) throws -> RegistryConfiguration {
        var rc: RegistryConfiguration
        if let base {
            rc = base
        } else {
            let store = try CredentialStore.fromEnvironment(
                options.resolvedEnvironment,
                registry: registry ?? configuration.registry.host,
                realms: configuration.registry.credentialRealms)
            rc = RegistryConfiguration(credentials: store)
        }
        for rule in rewrites { rc.rewriter.add(rule) }
        rc.maxConcurrentPerHost = configuration.registry.concurrency
        // Transfers run on the blocking pool: never fewer threads than transfers allowed per host.
        BlockingPool.widenShared(toAtLeast: configuration.registry.concurrency)
        rc.rateLimitFloor = configuration.registry.rateLimitFloor
        rc.requestLog = rc.requestLog ?? Log.handler(options)
        return rc
    }

    /// The registry client; `--offline` or `--no-registry` makes asking for one a usage error,
    /// before any request.
    /// - Parameter command: named in the error (`digests`, `history`).
    public func registryClient(
        for command: String, credentialsFor registry: String? = nil,
        base: RegistryConfiguration? = nil
    ) throws -> RegistryClient {
        guard options.asksRegistry else {
            throw UsageError("\(command) reads the registry: drop \(options.registryFlag)")
        }
        return RegistryClient(configuration: try registryConfiguration(credentialsFor: registry, base: base))
    }

    /// `--offline` asks no network: what would need it is refused before anything starts.
    func refuseNetworkWhenOffline(openIssues: Bool = false) throws {
        guard options.offline else { return }
        if openIssues { throw UsageError("--offline contacts no GitHub: drop --open-issues (or --offline)") }
        if options.deep {
            throw UsageError("--offline downloads nothing: drop --deep (or --offline; --no-registry keeps git fetches)")
        }
    }

    /// With `--offline`: how old each mirror read is (when it last fetched), one note each;
    /// none with `-q` (only errors and findings).
    func mirrorAgeNotes() -> [String] {
        options.offline && options.verbosity >= 0 ? sources.cache.ages.notes() : []
    }

    /// With `--offline`: the mirrors read and how old each is, for the report; nil otherwise.
    func mirrorAges() -> [MirrorAge]? {
        options.offline ? sources.cache.ages.reported() : nil
    }
}
