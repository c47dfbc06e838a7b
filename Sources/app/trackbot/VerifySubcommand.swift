import ArgumentParser
import Foundation
import TrackbotKit

struct VerifySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Checksums and OCI layouts of one upstream directory (a folder, or REPO#COMMIT:DIR).")

    @Argument(help: "A local folder, or REPO#COMMIT:DIR as in the org.opencontainers.image.source annotation.")
    var source: String
    @Option(help: "The library entry's File (default Dockerfile; index.json for oci-import).")
    var file: String?
    @Option(help: "The library entry's Builder (oci-import verifies an OCI layout).")
    var builder: String?
    @OptionGroup var configuration: Flags.Configuration
    @OptionGroup var output: Flags.Output
    @OptionGroup var logging: Flags.Logging
    @OptionGroup var git: Flags.Git
    @OptionGroup var rewrite: Flags.Rewrite

    func run() async throws {
        var options = GlobalOptions()
        configuration.apply(to: &options)
        output.apply(to: &options)
        logging.apply(to: &options)
        git.apply(to: &options)
        try rewrite.apply(to: &options)
        await finish {
            try await VerifyCommand.run(.init(source: source, file: file, builder: builder), options: options)
        }
    }
}
