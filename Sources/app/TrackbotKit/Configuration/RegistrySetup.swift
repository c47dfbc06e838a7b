import Foundation
import Registry
import TrackbotCore

/// The registry client's configuration as every command builds it: rewrites from the
/// configuration file and the command line, and credentials scoped to the configured registry
/// (see docs/configuration.md#credentials).
public enum RegistrySetup {
    /// - Parameter registry: the registry credentials are for; nil for `[registry] host`.
    public static func configuration(_ config: Configuration, options: GlobalOptions,
                                     registry: String? = nil) throws -> RegistryConfiguration {
        let store = try CredentialStore.fromEnvironment(options.environment ?? ProcessInfo.processInfo.environment,
                                                        registry: registry ?? config.registry.host,
                                                        realms: config.registry.credentialRealms)
        return applying(config, options: options, to: RegistryConfiguration(credentials: store))
    }

    /// `base` (a test's, or the one above) with the configuration's and the command line's
    /// rewrites and registry limits.
    public static func applying(_ config: Configuration, options: GlobalOptions, to base: RegistryConfiguration) -> RegistryConfiguration {
        var rc = base
        for rule in config.rewrites + options.rewrites { rc.rewriter.add(rule) }
        rc.maxConcurrentPerHost = config.registry.concurrency
        // Transfers run on the blocking pool: never fewer threads than transfers allowed per host.
        BlockingPool.widenShared(toAtLeast: config.registry.concurrency)
        rc.rateLimitFloor = config.registry.rateLimitFloor
        return rc
    }

    /// `https://host` or `https://host:port`, nothing after it: what `credential-realms` lists.
    static func isCredentialRealm(_ text: String) -> Bool {
        guard text.lowercased().hasPrefix("https://") else { return false }
        var rest = text.dropFirst("https://".count)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        return !rest.isEmpty && !rest.contains { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "@" || $0 == " " }
    }
}
