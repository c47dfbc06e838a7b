import Foundation
import Registry
import TrackbotCore

/// The registry client's configuration as every command builds it (through `RunContext`):
/// rewrites from the configuration file and the command line, `[registry]` limits, and
/// credentials scoped to the configured registry (see docs/configuration.md#credentials).
public enum RegistrySetup {
    /// - Parameter registry: the registry credentials are for; nil for `[registry] host`.
    public static func configuration(_ config: Configuration, options: GlobalOptions,
                                     registry: String? = nil) throws -> RegistryConfiguration {
        try RunContext(configuration: config, options: options).registryConfiguration(credentialsFor: registry)
    }

    /// `base` (a test's, or the one above) with the configuration's and the command line's
    /// rewrites and registry limits.
    public static func applying(_ config: Configuration, options: GlobalOptions, to base: RegistryConfiguration) throws -> RegistryConfiguration {
        try RunContext(configuration: config, options: options).registryConfiguration(base: base)
    }

    /// `https://host` or `https://host:port` (a readable `URLAuthority`, no user information),
    /// nothing after it but an optional `/`: what `credential-realms` lists.
    static func isCredentialRealm(_ text: String) -> Bool {
        guard let authority = URLAuthority(url: text), authority.scheme == "https",
              let range = URLAuthority.authorityRange(in: text), !text[range].contains("@") else { return false }
        let rest = text[range.upperBound...]
        return rest.isEmpty || rest == "/"
    }
}
