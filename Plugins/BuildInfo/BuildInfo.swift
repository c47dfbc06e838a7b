import Foundation
import PackagePlugin

/// Gives the trackbot executable its `--version`: before every build, `scripts/build-info` writes
/// `BuildInfo.swift` from the `VERSION` file and the checkout's HEAD commit ("unknown commit"
/// when the sources are not a git checkout, as in a release tarball). A prebuild command, so it
/// runs on every build and a new commit is never missed; the file is rewritten only when it
/// changes, so an unchanged commit recompiles nothing. SwiftPM sandboxes plugins only on macOS.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "trackbot version and commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [root.appending(path: "scripts/build-info").path, root.path, output.path],
                outputFilesDirectory: output)
        ]
    }
}
