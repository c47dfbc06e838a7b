import Foundation
import PackagePlugin

/// Gives the trackbot executable its `--version`: `scripts/build-info` writes `BuildInfo.swift`
/// from the `VERSION` file and the checkout's HEAD commit ("unknown commit" when the sources are
/// not a git checkout, as in a release tarball).
///
/// A build command whose inputs are the files git rewrites whenever HEAD moves (`HEAD`, its
/// reflog, `packed-refs`), so a commit, merge, reset or checkout reruns it. A prebuild command
/// was not enough: SwiftPM runs those only when it plans the build again, and a build after a
/// commit that changed no source reuses the old plan, so the binary named the previous commit.
/// SwiftPM sandboxes plugins only on macOS.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        var inputs = [root.appending(path: "VERSION"), root.appending(path: "scripts/build-info")]
        if let git = Self.gitDirectory(of: root) {
            inputs += ["HEAD", "logs/HEAD", "packed-refs"].map { git.appending(path: $0) }
                .filter { FileManager.default.fileExists(atPath: $0.path) }
        }
        return [
            .buildCommand(
                displayName: "trackbot version and commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [root.appending(path: "scripts/build-info").path, root.path, output.path],
                inputFiles: inputs, outputFiles: [output.appending(path: "BuildInfo.swift")])
        ]
    }

    /// The package's git directory: `.git`, or in a worktree the directory its `.git` file names.
    static func gitDirectory(of root: URL) -> URL? {
        let dotGit = root.appending(path: ".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("gitdir:") })
        else { return nil }
        let path = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appending(path: path)
    }
}
