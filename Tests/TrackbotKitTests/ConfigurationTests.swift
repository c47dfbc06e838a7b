import Foundation
import Registry
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

@Suite struct ConfigurationTests {
    @Test func shippedExampleReads() throws {
        let c = try ConfigurationLoader.load(
            explicitPath: TestPaths.packageRoot.appendingPathComponent("config/trackbot.toml").path)
        #expect(c.images.map(\.name) == ["alpine", "busybox", "debian", "node", "ubuntu"])
        #expect(c.images[0].tags == ["3.20", "latest", "edge"])
        #expect(c.images[2].architectures == [.amd64, .arm64v8])
        #expect(c.images[0].upstream?.repository == "https://github.com/alpinelinux/docker-alpine.git")
        #expect(c.registry.rateLimitFloor == 10)
        #expect(c.github.labels == ["trackbot", "supply-chain"])
        #expect(c.librarySource == Configuration.officialImages)
    }

    @Test func builtInDefaultsWatchTheSameImages() throws {
        #expect(Configuration.defaults.images.map(\.name) == ["alpine", "busybox", "debian", "node", "ubuntu"])
    }

    @Test func rewritesAndRegistry() throws {
        let c = try ConfigurationLoader.parse(
            """
            [rewrite]
            "https://github.com/" = "git://127.0.0.1:9418/"
            [registry]
            concurrency = 3
            """, path: "t.toml")
        #expect(c.rewrites == [.init(from: "https://github.com/", to: "git://127.0.0.1:9418/")])
        #expect(c.registry.concurrency == 3)
    }

    private func expectError(_ text: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ConfigurationLoader.parse(text, path: "t.toml")
            Issue.record("expected: \(expected)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description == expected, sourceLocation: sourceLocation)
        }
    }

    @Test func badConfigNamesKeyAndLine() {
        expectError(
            "[[images]]\nname = \"alpine\"\ntags = [3.20]\n",
            "t.toml:3: images.tags must be a list of strings; quote every element (\"3.20\", not 3.20)")
        expectError(
            "state = \"s.json\"\n\n[registry]\nconcurency = 3\n",
            "t.toml:4: registry.concurency unknown key (known here: concurrency, credential-realms, host, rate-limit-floor)"
        )
        expectError(
            "[registry]\nconcurrency = 0\n",
            "t.toml:2: registry.concurrency must be a whole number from 1 to 64")
        expectError(
            "[[images]]\nname = \"debian\"\narchitectures = [\"amd64\", \"arm46\"]\n",
            "t.toml:3: images.architectures unknown architecture \"arm46\"; did you mean arm64? (known: amd64, arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x, windows-amd64)"
        )
        expectError(
            "[[images]]\nname = \"a\"\n[[images]]\nname = \"a\"\n", "t.toml:2: images.name image \"a\" is listed twice")
        expectError("[github]\nrepository = \"nope\"\n", "t.toml:2: github.repository must be OWNER/NAME, got \"nope\"")
    }

    @Test func syntaxErrorNamesLine() {
        do {
            _ = try ConfigurationLoader.parse("state = \"a\"\n[registry\n", path: "t.toml")
            Issue.record("expected a syntax error")
        } catch {
            guard case .syntax(let path, let line, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(path == "t.toml")
            #expect(line == 2)
        }
    }

    /// bashbrew-host-arch.sh's host names, as `--arch` takes them: stored as bashbrew's name, with
    /// a warning that names the file, line, key and the name to write instead.
    @Test func bashbrewHostArch_aliasesInConfigurationStoredCanonicalWithWarning() throws {
        let c = try ConfigurationLoader.parse(
            """
            [[images]]
            name = "debian"
            architectures = ["x86_64", "arm64v8", "AARCH64"]

            [[mute]]
            image = "debian"
            arch = "aarch64"
            reason = "r"
            until = "2099-01-01"
            """, path: "t.toml")
        #expect(c.images[0].architectures == [.amd64, .arm64v8, .arm64v8])
        #expect(c.mutes[0].arch == "arm64v8")
        #expect(
            c.warnings == [
                "t.toml:3: images.architectures \"x86_64\" is the bashbrew architecture amd64; read as amd64 (write that to silence this)",
                "t.toml:3: images.architectures \"AARCH64\" is the bashbrew architecture arm64v8; read as arm64v8 (write that to silence this)",
                "t.toml:7: mute.arch \"aarch64\" is the bashbrew architecture arm64v8; read as arm64v8 (write that to silence this)",
            ])
        #expect(
            try ConfigurationLoader.parse("[[images]]\nname = \"a\"\narchitectures = [\"amd64\"]\n", path: "t.toml")
                .warnings.isEmpty)
    }

    @Test func bashbrewHostArch_armhfAndUnknownMuteArchAreErrors() {
        expectError(
            "[[mute]]\nimage = \"a\"\narch = \"armhf\"\nreason = \"r\"\nuntil = \"2099-01-01\"\n",
            "t.toml:3: mute.arch unknown architecture \"armhf\" (armhf is arm32v7 on Debian but arm32v6 on Alpine and Raspbian: name one) (known: amd64, arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x, windows-amd64)"
        )
        expectError(
            "[[mute]]\nimage = \"a\"\narch = \"s390\"\nreason = \"r\"\nuntil = \"2099-01-01\"\n",
            "t.toml:3: mute.arch unknown architecture \"s390\"; did you mean s390x? (known: amd64, arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x, windows-amd64)"
        )
    }
}

@Suite struct DigestsUsesConfigurationTests {
    @Test func configuredRewriteIsAppliedWithoutTheFlag() async throws {
        let dir = try TemporaryDirectory("digests-config")
        let registry = try await LocalRegistry.start(root: dir.appending("registry"), workDirectory: dir.url)
        let oci = try await singlePlatformLayout(in: dir)
        try registry.push(layout: oci, tag: "t", repository: "library/cfg", as: "1")
        let config = dir.appending("trackbot.toml")
        try Data("[rewrite]\n\"docker.io\" = \"\(registry.url)\"\n".utf8).write(to: config)
        var options = GlobalOptions()
        options.configPath = config.path
        let result = try await DigestsCommand.run(reference: "cfg:1", options: options)
        #expect(result.output.contains("docker.io/library/cfg:1"))
        #expect(result.output.contains("amd64"))
    }
}
