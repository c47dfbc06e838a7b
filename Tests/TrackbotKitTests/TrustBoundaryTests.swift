import Foundation
import GitHub
import OfficialImages
import Registry
import Reporting
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import TrackbotKit

/// What comes from outside (upstream files, library files, registries) never gets the user's
/// credentials, never keeps credentials of its own in what trackbot stores or prints, and never
/// writes escape sequences to the user's terminal, reports or issues.
@Suite("trust boundaries: credentials, URLs with credentials, escape sequences", .serialized)
struct TrustBoundaryTests {
    static let rootfs = ["bin/sh": "#!fake shell\n", "etc/os-release": "ID=synthetic\n"]
    /// A fake success line in green, a cleared screen, a window title, a C1 CSI: what a hostile
    /// file or server would draw.
    static let hostile = "\u{1B}[2J\u{1B}[32mall images verified OK\u{1B}[0m\u{1B}]0;pwned\u{07}\u{9B}31m\u{7F}\r"

    /// No ESC, BEL, CR, DEL or C1 character anywhere in `text`.
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains {
            $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D || (0x7F...0x9F).contains($0.value)
        }
    }

    @Test func aRegistryNamedByAnUpstreamFROMNeverReceivesTheCredentials() async throws {
        let world = try await offPool { try SyntheticWorld() }
        // Another registry (another port), which asks for Basic credentials as a hostile one would.
        let other = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.dir.url)
        try other.rules(
            #"[{"action":"status","status":401,"anonymous":true,"match":"/v2/","headers":{"WWW-Authenticate":"Basic realm=\"other\""}}]"#
        )
        let commit = try world.commit(
            "child", files: ["Dockerfile": "FROM \(other.host)/library/base:1\nCMD [\"true\"]\n"])
        try world.upstreamGit("child", ["push", "--quiet", "origin", "main"])
        try world.library(
            "child",
            SyntheticWorld.libraryFile(repo: "child", entries: [("1", nil, commit, "GitFetch: refs/heads/main\n")]))
        let rootfs = try world.rootfs(Self.rootfs)
        try world.publish("base", tag: "1", rootfs: rootfs)
        try world.publish("child", tag: "1", rootfs: rootfs, extra: "etc/child")

        // TRACKBOT_REGISTRY_USER/PASSWORD without TRACKBOT_REGISTRY_HOST: for the configured
        // registry (docker.io, rewritten to the world's registry) and nothing else.
        let password = "from-env-" + UUID().uuidString
        let store = try CredentialStore.fromEnvironment([
            "TRACKBOT_REGISTRY_USER": "bot", "TRACKBOT_REGISTRY_PASSWORD": password,
            "HOME": world.dir.path,
        ])
        let result = try await CheckCommand.run(
            .init(references: ["child:1"]), options: world.options(),
            registryConfiguration: RegistryConfiguration(credentials: store))
        let seen = try other.requests()
        #expect(!seen.isEmpty, "the parent was not looked up on the other registry: \(result.output)")
        #expect(seen.allSatisfy { !$0.authorization }, "\(seen)")
        #expect(!result.output.contains(password))
        // The parent could not be looked up, and the report says why.
        #expect(result.output.contains("none are configured"), "\(result.output)")
    }

    @Test func registryCredentialsFollowTheConfiguredRegistryHost() async throws {
        // What the commands build from the configuration and the environment.
        var config = Configuration()
        config.registry.host = "registry.example"
        var options = GlobalOptions()
        options.environment = [
            "TRACKBOT_REGISTRY_USER": "bot", "TRACKBOT_REGISTRY_PASSWORD": "pw-123456", "HOME": "/nonexistent",
        ]
        let rc = try RunContext(configuration: config, options: options).registryConfiguration()
        #expect(
            rc.credentials.credentials(for: RegistryEndpoint(registry: "registry.example"), rewriter: rc.rewriter)?
                .username == "bot")
        #expect(rc.credentials.credentials(for: RegistryEndpoint(registry: "docker.io"), rewriter: rc.rewriter) == nil)
        #expect(
            rc.credentials.credentials(for: RegistryEndpoint(registry: "127.0.0.1:5000"), rewriter: rc.rewriter) == nil)
        #expect(rc.credentials.credentialRealms(rewriter: rc.rewriter).isEmpty)
        // Docker Hub by default, with its token service trusted by default.
        let hub = try RunContext(configuration: Configuration(), options: options).registryConfiguration()
        #expect(
            hub.credentials.credentials(for: RegistryEndpoint(registry: "docker.io"), rewriter: hub.rewriter)?.username
                == "bot")
        #expect(hub.credentials.credentialRealms(rewriter: hub.rewriter) == ["https://auth.docker.io"])
        // `credential-realms` replaces the default, and must list https origins.
        let realms = try ConfigurationLoader.parse(
            "[registry]\ncredential-realms = [\"https://auth.example.com\"]\n", path: "t.toml")
        #expect(
            try RunContext(configuration: realms, options: options).registryConfiguration().credentials
                .credentialRealms(rewriter: URLRewriter())
                == ["https://auth.example.com"])
        for bad in ["http://auth.example.com", "https://auth.example.com/token", "auth.example.com"] {
            #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.parse("[registry]\ncredential-realms = [\"\(bad)\"]\n", path: "t.toml")
            }
        }
        // TRACKBOT_REGISTRY_HOST names the one registry instead.
        options.environment?["TRACKBOT_REGISTRY_HOST"] = "mirror.example:5000"
        let mirror = try RunContext(configuration: Configuration(), options: options).registryConfiguration()
        #expect(
            mirror.credentials.credentials(for: RegistryEndpoint(registry: "docker.io"), rewriter: mirror.rewriter)
                == nil)
        #expect(
            mirror.credentials.credentials(
                for: RegistryEndpoint(registry: "mirror.example:5000"), rewriter: mirror.rewriter) != nil)
    }

    @Test func credentialsInAGitRepoURLNeverReachStateReportsOrIssues() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let secret = "hunter2-" + UUID().uuidString.prefix(8)
        let rootfs = try world.rootfs(Self.rootfs)
        let work = try world.upstream("distro")
        _ = try world.layout(rootfs: rootfs, single: true, into: work.appendingPathComponent("oci"))
        let commit = try world.commit("distro", message: "oci layout")
        try world.upstreamGit("distro", ["push", "--quiet", "origin", "main"])
        let library = """
            Maintainers: Test <test@example.invalid> (@test)
            GitRepo: https://bot:\(secret)@github.com/up/distro.git

            Tags: 1
            GitFetch: refs/heads/main
            GitCommit: \(commit)
            Builder: oci-import
            File: index.json
            Directory: oci
            arm64v8-GitRepo: https://bot:\(secret)@github.com/up/distro.git

            """
        try world.library("distro", library)
        // The published image names another repository, with credentials of its own in the
        // annotation: a provenance alert whose expected and actual values are both URLs.
        let out = world.dir.appending("oci-annotated")
        _ = try run(
            try findTool("python3", package: "python3"),
            [
                TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", out.path,
                "--tag", "t",
                "--platform", "amd64=\(rootfs.path)",
                "--annotation",
                "org.opencontainers.image.source=https://ann:\(secret)@github.com/other/distro.git#\(commit):oci",
                "--annotation", "org.opencontainers.image.revision=\(commit)",
            ])
        try world.registry.push(layout: out, tag: "t", repository: "library/distro", as: "1")

        let token = "ghp_trust" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let github = try await GitHubStandIn.start(token: token, logDirectory: world.dir.url)
        var settings = GitHubSettings(apiURL: github.url, token: Secret(token))
        settings.mutationSpacing = 0
        try Data("\n[github]\nrepository = \"acme/images\"\n".utf8).append(to: world.configPath)

        var outputs: [String] = []
        var diagnostics: [String] = []
        for format in [OutputFormat.json, .markdown, .text] {
            let result = try await CheckCommand.run(
                .init(references: ["distro:1"], openIssues: format == .json, github: settings),
                options: world.options(format, arch: [.amd64]))
            outputs.append(result.output)
            diagnostics += result.diagnostics
        }
        for line in diagnostics { #expect(!line.contains(secret), "\(line)") }
        let json = try JSONDecoder().decode(SyntheticWorld.Report.self, from: Data(outputs[0].utf8))
        #expect(json.findings.contains { $0.kind == "provenance-mismatch" }, "\(outputs[0])")
        #expect(
            outputs[0].contains("https://github.com/up/distro.git"),
            "the repository is still named, without credentials")
        for text in outputs { #expect(!text.contains(secret), "\(text)") }
        let state = try String(contentsOfFile: world.statePath, encoding: .utf8)
        #expect(state.contains("https://github.com/up/distro.git"))
        #expect(!state.contains(secret) && !state.contains("bot:"))
        let issues = try github.issues(repo: "acme/images")
        #expect(!issues.isEmpty)
        for issue in issues { #expect(!issue.body.contains(secret) && !issue.title.contains(secret), "\(issue.body)") }
        #expect(try github.requests().allSatisfy { !$0.body.contains(secret) })
        // The library file carried credentials: the report says they were dropped.
        #expect(outputs[2].contains("credentials"), "\(outputs[2])")
    }

    @Test func escapeSequencesFromALibraryFileNeverReachOutput() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let commit = try world.commit("evil", files: ["Dockerfile": "FROM scratch\nCMD [\"true\"]\n"])
        try world.upstreamGit("evil", ["push", "--quiet", "origin", "main"])
        let file = """
            Maintainers: Evil\(Self.hostile) <evil@example.invalid> (@evil)
            GitRepo: https://github.com/up/evil.git

            Tags: 1
            GitFetch: refs/heads/main
            GitCommit: \(commit)
            Directory: dir\(Self.hostile)
            File: Dockerfile\(Self.hostile)

            """
        try world.library("evil", file)
        // Through check (the directory is in the platform line and in the error) in every format…
        for format in [OutputFormat.text, .markdown, .json] {
            let result = try await CheckCommand.run(
                .init(references: ["evil:1"]), options: world.options(format, noRegistry: true))
            #expect(Self.isClean(result.output), "\(format): \(result.output.debugDescription)")
            #expect(result.diagnostics.allSatisfy(Self.isClean))
        }
        // …and through library, from a folder of library files.
        let folder = world.dir.appending("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(file.utf8).write(to: folder.appendingPathComponent("evil"))
        for format in [OutputFormat.text, .markdown, .json] {
            var options = world.options(format)
            options.configPath = world.configPath
            let result = try await LibraryCommand.run(.init(reference: "evil", library: folder.path), options: options)
            #expect(Self.isClean(result.output), "\(format): \(result.output.debugDescription)")
            #expect(result.output.contains("all images verified OK"), "the text stays, without its escapes")
        }
    }

    @Test func reportsAndIssuesCarryNoEscapeSequencesButKeepTrackbotsOwnColours() throws {
        let h = Self.hostile
        let source = ArchitectureSource(
            gitRepo: "https://example.invalid/r\(h).git", gitFetch: "refs/heads/main",
            gitCommit: String(repeating: "a", count: 40), directory: "d\(h)", file: "Dockerfile", builder: "")
        var finding = Finding(
            kind: .digestDrift, severity: .alert, image: "img\(h)", tag: "1", arch: "amd64",
            message: "moved\(h)\nsecond line", expected: "e\(h)", actual: "a\(h)")
        finding.alertStatus = .open
        finding.openSince = "2026-01-01\(h)"
        let platform = PlatformReport(
            arch: "amd64", platform: "linux/amd64", source: source, digest: nil, previousDigest: nil,
            expectedDigest: nil, parent: "p\(h)", parentDigest: nil,
            verified: [.checksum(path: "v\(h)", algorithm: .sha256, listedAt: [FileLine(file: "c\(h)", line: 1)])],
            worst: .alert,
            status: .couldNotBeChecked, statusDetail: "registry said\(h)")
        let tag = TagReport(
            tag: "1", entryTags: ["1", "x\(h)"], indexDigest: nil, previousIndexDigest: nil,
            platforms: [platform], notes: [.deepNothingPublished(arch: "amd64", tarball: "note\(h)")])
        let image = ImageReport(
            name: "img\(h)", libraryCommit: "c\(h)", tags: [tag], findings: [finding],
            error: "server said\(h)", notes: ["image note\(h)"])
        let report = CheckReport(images: [image])
        for format in [OutputFormat.text, .markdown, .json] {
            let out = try CheckReportRenderer.render(report, format: format)
            #expect(Self.isClean(out), "\(format): \(out.debugDescription)")
            #expect(out.contains("all images verified OK"))
        }
        // With colours, the only escape sequences are trackbot's own SGR codes, and the fake
        // green line is not green.
        let coloured = try CheckReportRenderer.render(report, format: .text, color: true)
        #expect(coloured.contains("\u{1B}[31;1m✗\u{1B}[0m"))
        #expect(!coloured.contains("\u{1B}[32mall images"))
        let withoutOwn = coloured.replacing(#/\x1B\[(0|1|31|32|33|36|31;1)m/#, with: "")
        #expect(Self.isClean(withoutOwn), "\(withoutOwn.debugDescription)")
        // A value never starts a line of its own in text output.
        #expect(!coloured.split(separator: "\n").contains { $0.hasPrefix("second line") })

        let record = AlertRecord(finding, image: "img\(h)", now: "2026-01-01T00:00:00Z")
        let issue = IssueContent(try #require(AlertGroup.groups([record]).first))
        #expect(Self.isClean(issue.title) && !issue.title.contains("\n"), "\(issue.title.debugDescription)")
        #expect(Self.isClean(issue.body), "\(issue.body.debugDescription)")
        #expect(issue.body.contains("all images verified OK"))
    }
}
