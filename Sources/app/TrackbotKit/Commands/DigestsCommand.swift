import Foundation
import Registry
import Reporting
import TrackbotCore

/// `trackbot digests REF`: what a reference publishes, index and per platform.
public enum DigestsCommand {
    public static func run(reference: String, options: GlobalOptions,
                           configuration: RegistryConfiguration? = nil) async throws -> CommandResult {
        // The configuration file's rewrites apply too: an air-gapped user's mirror must never be
        // bypassed for the public registry.
        let file = try ConfigurationLoader.load(explicitPath: options.configPath)
        let parsed = try ImageReference(parsing: reference)
        // The user named the registry: the credentials (if any) are for it.
        var config = try configuration
            ?? RegistryConfiguration(credentials: CredentialStore.fromEnvironment(options.environment ?? ProcessInfo.processInfo.environment,
                                                                                  registry: parsed.registry,
                                                                                  realms: file.registry.credentialRealms))
        for rule in file.rewrites + options.rewrites { config.rewriter.add(rule) }
        let image = try await RegistryClient(configuration: config).resolve(parsed)
        return CommandResult(output: try DigestsReport.render(image, format: options.format))
    }
}
