import CGit2
import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import GitMirror

/// libgit2 reads no git configuration outside the mirror: not /etc/gitconfig (which maps
/// https://github.com/ to a local folder on these machines), not ~/.gitconfig, not XDG.
@Suite struct HermeticGitTests {
    @Test func libgit2SearchesNoConfigurationFolder() {
        for (level, name) in [
            (GIT_CONFIG_LEVEL_SYSTEM, "system"), (GIT_CONFIG_LEVEL_XDG, "XDG"),
            (GIT_CONFIG_LEVEL_GLOBAL, "global"), (GIT_CONFIG_LEVEL_PROGRAMDATA, "programdata"),
        ] {
            #expect(libgit2SearchPath(level) == "", "the \(name) search path is empty")
        }
    }

    /// A user's `url.<folder>.insteadOf` would send a fetch to a local folder after trackbot's URL
    /// policy approved the URL. trackbot runs as its own process here, with HOME and
    /// XDG_CONFIG_HOME holding such a rule (libgit2 reads them once, at initialisation).
    @Test func insteadOfFromTheUsersGitConfigIsIgnored() async throws {
        let temp = try TemporaryDirectory("gitmirror-insteadof")
        let served = temp.appending("served"), elsewhere = temp.appending("elsewhere")
        let work = temp.appending("work"), decoy = temp.appending("decoy-work")
        try GitRepositories.working(
            at: work, files: ["app/Dockerfile": "FROM scratch\nCOPY hello /\n", "app/hello": "real\n"])
        let real = try git(["rev-parse", "HEAD"], in: work).trimmingCharacters(in: .whitespacesAndNewlines)
        try GitRepositories.working(
            at: decoy, files: ["app/Dockerfile": "FROM scratch\nCOPY hello /\n", "app/hello": "decoy\n"])
        let fake = try git(["rev-parse", "HEAD"], in: decoy).trimmingCharacters(in: .whitespacesAndNewlines)
        try git(["clone", "--quiet", "--bare", work.path, served.appendingPathComponent("repo.git").path])
        try git(["clone", "--quiet", "--bare", decoy.path, elsewhere.appendingPathComponent("repo.git").path])
        let daemon = try await GitDaemon.start(base: served, logDirectory: temp.url)
        let base = "git://127.0.0.1:\(daemon.server.port)/"

        let home = temp.appending("home")
        let rule = "[url \"\(elsewhere.path)/\"]\n\tinsteadOf = \(base)\n"
        try FileManager.default.createDirectory(
            at: home.appendingPathComponent(".config/git"), withIntermediateDirectories: true)
        try rule.write(to: home.appendingPathComponent(".gitconfig"), atomically: true, encoding: .utf8)
        try rule.write(to: home.appendingPathComponent(".config/git/config"), atomically: true, encoding: .utf8)
        // The rule is real: the git CLI with that HOME fetches the decoy.
        let cli = try run(
            try findTool("git", package: "git"), ["ls-remote", base + "repo.git", "HEAD"],
            environment: [
                "HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
                "GIT_CONFIG_NOSYSTEM": "1",
            ])
        #expect(cli.hasPrefix(fake))

        let cacheDir = temp.appending("cache")
        let cwd = temp.appending("cwd")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        let result = try await runTrackbot(
            ["verify", "\(base)repo.git#\(real):app", "--cache-dir", cacheDir.path],
            cwd: cwd,
            environment: [
                "HOME": home.path,
                "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
            ])
        #expect(result.status == 0, "trackbot verify failed: \(result.output)")
        // The mirror holds the daemon's commit and nothing of the decoy.
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: cacheDir.appendingPathComponent("git").path)
            .filter { $0.hasSuffix(".git") }
        let mirror = try #require(mirrors.first, "no mirror in \(mirrors)")
        let directory = cacheDir.appendingPathComponent("git").appendingPathComponent(mirror).path
        #expect(
            (try? git(["--git-dir", directory, "cat-file", "-e", real])) != nil, "the daemon's commit is in the mirror")
        #expect((try? git(["--git-dir", directory, "cat-file", "-e", fake])) == nil, "the decoy's commit is not")
    }
}

/// Runs the trackbot binary without blocking a cooperative thread: exit status and all output.
func runTrackbot(_ arguments: [String], cwd: URL, environment: [String: String]) async throws -> (
    status: Int32, output: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try TestPaths.trackbotBinary())
    process.arguments = arguments
    process.currentDirectoryURL = cwd
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let log = cwd.appendingPathComponent("trackbot-\(UUID().uuidString.prefix(8)).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    defer { try? handle.close() }
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try spawn { try process.run() } } catch { continuation.resume(throwing: error) }
    }
    return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
}
