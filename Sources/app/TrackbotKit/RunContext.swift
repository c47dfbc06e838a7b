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

    /// Loads the configuration (`--config`, else `./trackbot.toml`, else the defaults) and
    /// combines it with the command line.
    public static func load(_ options: GlobalOptions) throws -> RunContext {
        RunContext(configuration: try ConfigurationLoader.load(explicitPath: options.configPath), options: options)
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

    /// `--state`, else `state`.
    public var state: StateStore { StateStore(path: options.statePath ?? configuration.statePath) }

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
                options.environment ?? ProcessInfo.processInfo.environment,
                registry: registry ?? configuration.registry.host,
                realms: configuration.registry.credentialRealms)
            rc = RegistryConfiguration(credentials: store)
        }
        for rule in rewrites { rc.rewriter.add(rule) }
        rc.maxConcurrentPerHost = configuration.registry.concurrency
        // Transfers run on the blocking pool: never fewer threads than transfers allowed per host.
        BlockingPool.widenShared(toAtLeast: configuration.registry.concurrency)
        rc.rateLimitFloor = configuration.registry.rateLimitFloor
        return rc
    }

    /// The registry client; `--offline` makes asking for one a usage error, before any request.
    /// - Parameter command: named in the error (`digests`, `history`).
    public func registryClient(
        for command: String, credentialsFor registry: String? = nil,
        base: RegistryConfiguration? = nil
    ) throws -> RegistryClient {
        guard !options.offline else {
            throw UsageError("\(command) reads the registry: drop --offline")
        }
        return RegistryClient(configuration: try registryConfiguration(credentialsFor: registry, base: base))
    }
}
