import Foundation
import Registry
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// One `RunContext` per run, built from the configuration file and the command line, gives every
/// command the same git sources, registry client and state store: a setting of the file reaches
/// every command that contacts what it configures.
@Suite struct RunContextTests {
    @Test func theRegistryClientCarriesTheRegistrySettingsWhateverItStartsFrom() throws {
        var config = Configuration()
        config.registry.concurrency = 3
        config.registry.rateLimitFloor = 7
        config.rewrites = [.init(from: "docker.io", to: "http://127.0.0.1:9")]
        var options = GlobalOptions()
        options.environment = [:]
        let context = RunContext(configuration: config, options: options)
        for rc in [
            try context.registryConfiguration(),
            try context.registryConfiguration(base: RegistryConfiguration(retry: RetryPolicy(maxAttempts: 1))),
        ] {
            #expect(rc.maxConcurrentPerHost == 3)
            #expect(rc.rateLimitFloor == 7)
            #expect(rc.rewriter.rewrite("docker.io/v2/").url == "http://127.0.0.1:9/v2/")
        }
        options.noRegistry = true
        #expect(throws: UsageError.self) {
            _ = try RunContext(configuration: config, options: options).registryClient(for: "digests")
        }
    }

    /// Configuration, registry client and the docs agree on one default.
    @Test func theRateLimitFloorHasOneDefaultAndTheDocsSayIt() throws {
        #expect(Configuration().registry.rateLimitFloor == RegistryConfiguration().rateLimitFloor)
        #expect(Configuration().registry.rateLimitFloor == 1)
        #expect(
            try ConfigurationLoader.parse("[registry]\nhost = \"docker.io\"\n", path: "t.toml").registry.rateLimitFloor
                == 1)
        let context = RunContext(configuration: .defaults, options: GlobalOptions())
        #expect(try context.registryConfiguration(base: RegistryConfiguration(rateLimitFloor: 0)).rateLimitFloor == 1)
        let docs = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        #expect(docs.contains("| `registry.rate-limit-floor` | 1 |"))
    }

    /// `verify REPO#COMMIT:DIR` fetches through the configuration file's `[rewrite]`, never from
    /// github.com, with no --rewrite on the command line.
    @Test func verifyHonoursTheConfigurationFilesRewrite() async throws {
        let dir = try TemporaryDirectory("verify-config")
        let git = dir.appending("git")
        try FileManager.default.createDirectory(
            at: git.appendingPathComponent("alpinelinux"), withIntermediateDirectories: true)
        try GitRepositories.fromBundle("docker-alpine-v3.20.bundle", into: git, name: "alpinelinux/docker-alpine.git")
        let daemon = try GitDaemon(base: git, logDirectory: dir.url)
        let config = dir.appending("trackbot.toml")
        try Data(
            """
            cache-dir = "\(dir.appending("cache").path)"
            [rewrite]
            "https://github.com/" = "git://127.0.0.1:\(daemon.server.port)/"
            """.utf8
        ).write(to: config)
        var options = GlobalOptions()
        options.configPath = config.path
        options.format = .json
        let source = "https://github.com/alpinelinux/docker-alpine.git#7d63673353bd39d92ba42f6effcc199aeebd45ee:aarch64"
        let result = try await VerifyCommand.run(.init(source: source), options: options)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.output.contains("alpine-minirootfs-3.20.3-aarch64.tar.gz"))
        // The mirror came from the configured cache-dir, fetched from the daemon.
        #expect(FileManager.default.fileExists(atPath: dir.appending("cache/git").path))
    }
}

/// `digests` and `history` with `[registry]` in the configuration file, through the fault proxy
/// (which reports a rate limit and logs what it was asked).
@Suite(.serialized) struct RegistrySettingsReachEveryCommandTests {
    /// ratelimit-remaining 3 on every manifest answer.
    static let lowLimit =
        #"[{"action":"headers","match":"/manifests/","headers":{"ratelimit-limit":"100;w=21600","ratelimit-remaining":"3;w=21600"}}]"#

    @Test func digestsHonoursRegistryAndMakesNoRequestOffline() async throws {
        let dir = try TemporaryDirectory("digests-registry")
        let registry = try await LocalRegistry.start(root: dir.appending("registry"), workDirectory: dir.url)
        let proxy = try await FaultProxy.start(upstream: registry.url, workDirectory: dir.url)
        let oci = try await singlePlatformLayout(in: dir)
        try registry.push(layout: oci, tag: "t", repository: "library/cfg", as: "1")
        let config = dir.appending("trackbot.toml")
        try Data("[rewrite]\n\"docker.io\" = \"\(proxy.url)\"\n[registry]\nrate-limit-floor = 5\n".utf8).write(
            to: config)
        var options = GlobalOptions()
        options.configPath = config.path
        options.environment = [:]

        // --no-registry: refused before any request.
        options.noRegistry = true
        await #expect(throws: UsageError.self) {
            _ = try await DigestsCommand.run(reference: "cfg:1", options: options)
        }
        #expect(try proxy.requests().isEmpty)

        // Online, under the configured floor: the manifest GET is not made.
        options.noRegistry = false
        try proxy.rules(Self.lowLimit)
        do {
            _ = try await DigestsCommand.run(reference: "cfg:1", options: options)
            Issue.record("expected the configured rate-limit floor to stop digests")
        } catch let error as RegistryError {
            guard case .rateLimitFloor(_, let remaining, let floor, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(remaining == 3 && floor == 5)
        }
        #expect(try proxy.requests().filter { $0.method == "GET" && $0.path.contains("/manifests/") }.isEmpty)
    }

    @Test func historyHonoursTheRateLimitFloor() async throws {
        let world = try SyntheticWorld()
        let commit = try world.commit(
            "hist", files: ["match/Dockerfile": "FROM scratch\nADD rootfs.tar.gz /\nCMD [\"/bin/sh\"]\n"])
        try world.upstreamGit("hist", ["push", "--quiet", "origin", "main"])
        try world.library(
            "hist",
            SyntheticWorld.libraryFile(
                repo: "hist", entries: [("match", "refs/heads/main", commit, "Directory: match\n")]))
        try world.publish("hist", tag: "match", rootfs: try world.rootfs(["bin/sh": "#!fake\n"]))
        let proxy = try FaultProxy(upstream: world.registry.url, workDirectory: world.dir.url)
        // The world's configuration, with the registry behind the proxy and a floor above what it reports.
        var text = try String(contentsOfFile: world.configPath, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "\"docker.io\" = \"\(world.registry.url)\"", with: "\"docker.io\" = \"\(proxy.url)\"")
        text += "\n[registry]\nrate-limit-floor = 5\nconcurrency = 2\n"
        let config = world.dir.appending("floor.toml")
        try Data(text.utf8).write(to: config)
        var options = world.options()
        options.configPath = config.path

        let good = try await HistoryCommand.run(.init(reference: "hist:match"), options: options)
        #expect(good.exitCode == 0, "\(good.output)")
        func manifestGETs() throws -> Int {
            try proxy.requests().filter { $0.method == "GET" && $0.path.contains("/manifests/") }.count
        }
        let before = try manifestGETs()
        try proxy.rules(Self.lowLimit)
        let stopped = try await HistoryCommand.run(.init(reference: "hist:match"), options: options)
        #expect(stopped.exitCode == 2, "\(stopped.output)")
        #expect(stopped.output.contains("below the floor of 5"), "\(stopped.output)")
        #expect(try manifestGETs() == before, "the floor stops manifest GETs before they are made")
    }
}

/// Each command takes only the option groups it uses: a flag that would not apply is a usage
/// error (exit status 2), and every flag the scripts and docs use is still accepted.
@Suite struct CommandLineFlagsTests {
    func status(_ arguments: [String]) throws -> (status: Int32, output: String) {
        do {
            return (0, try run(try TestPaths.trackbotBinary(), arguments))
        } catch TestSupportError.commandFailed(_, let status, let output) {
            return (status, output)
        }
    }

    @Test func flagsThatDoNotApplyAreRefused() throws {
        for arguments in [
            ["library", "alpine", "--deep"], ["digests", "alpine:3.20", "--arch", "amd64"],
            ["library", "alpine", "--offline"],
            ["verify", ".", "--state", "s.json"], ["alerts", "--dry-run"], ["history", "alpine:3.20", "--deep"],
            ["upstream", "--arch", "amd64"],
            ["ack", "demo:1.0", "--kind", "digest-drift", "--reason", "r", "--format", "json"],
        ] {
            let (status, output) = try status(arguments)
            #expect(status == 2, "\(arguments.joined(separator: " ")): \(output)")
            #expect(output.contains("Unknown option"), "\(arguments.joined(separator: " ")): \(output)")
        }
        // digests takes --offline only to refuse it with the reason (it reads the registry).
        let (status, output) = try status(["digests", "alpine:3.20", "--offline"])
        #expect(status == 2 && output.contains("digests reads the registry: drop --offline"), "\(output)")
    }

    @Test func theFlagsEachCommandUsesAreKept() throws {
        let expected: [String: [String]] = [
            "check": [
                "--config", "--format", "--quiet", "--verbose", "--library-ref", "--arch", "--offline", "--deep",
                "--cache-dir", "--rewrite", "--state", "--dry-run", "--library", "--output",
            ],
            "watch": [
                "--config", "--format", "--arch", "--offline", "--deep", "--cache-dir", "--rewrite", "--state",
                "--dry-run", "--shard", "--every", "--open-issues", "--github-repo", "--output",
            ],
            "library": [
                "--config", "--format", "--library-ref", "--arch", "--cache-dir", "--rewrite", "--library", "--diff",
                "--diff-ref",
            ],
            "history": ["--config", "--format", "--library-ref", "--arch", "--cache-dir", "--rewrite", "--library"],
            "verify": ["--config", "--format", "--cache-dir", "--rewrite", "--file", "--builder"],
            "digests": ["--config", "--format", "--rewrite"],
            "prs": [
                "--config", "--format", "--library-ref", "--cache-dir", "--rewrite", "--pr", "--library",
                "--no-upstream-log", "--no-lint", "--offline",
            ],
            "lint": [
                "--config", "--format", "--quiet", "--library-ref", "--cache-dir", "--rewrite", "--pr", "--library",
                "--offline",
            ],
            "upstream": ["--config", "--format", "--library-ref", "--cache-dir", "--rewrite", "--library"],
            "ack": ["--config", "--state", "--dry-run", "--kind", "--arch", "--reason", "--by"],
            "alerts": ["--config", "--state", "--format"],
        ]
        for (command, flags) in expected {
            let help = try run(try TestPaths.trackbotBinary(), [command, "--help"])
            for flag in flags { #expect(help.contains(flag), "trackbot \(command) --help lacks \(flag)") }
        }
        let sync = try run(try TestPaths.trackbotBinary(), ["issues", "sync", "--help"])
        for flag in ["--config", "--state", "--dry-run", "--github-repo"] {
            #expect(sync.contains(flag), "issues sync lacks \(flag)")
        }
    }
}
