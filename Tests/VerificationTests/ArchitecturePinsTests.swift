import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

/// Per-architecture pins of real docker-library Dockerfiles (Tests/Fixtures/pins), each
/// architecture's URLs and checksums compared with what bash computes running the same `RUN`s
/// with every command stubbed (`ShellOracle`).
@Suite struct ArchitecturePinsTests {
    static let nodeDockerfiles = [
        "docker-node/bc0a422bce0f729dd85790639d9f1918143f1235/22/alpine3.24",
        "docker-node/bc0a422bce0f729dd85790639d9f1918143f1235/22/bookworm",
        "docker-node/fd1bf45c51970427bc899084b5381f6827722246/24/alpine3.24",
        "docker-node/fd1bf45c51970427bc899084b5381f6827722246/24/trixie-slim",
        "docker-node/6f0689e044949377103a6c7fe56ede924838f9b0/26/alpine3.24",
        "docker-node/6f0689e044949377103a6c7fe56ede924838f9b0/26/bookworm",
    ]
    static let golang = "golang/7c8c182bfc19ee3169d0596ae63917d2c7166f94/1.26"
    static let python = "python/4f07059567fa61c80397126e8063dbbde011b794/3.10/slim-bookworm"
    static let postgres = "postgres/6edb0a8c4def40c371514b34aef9037ec82d9110/17"
    static let ruby = "ruby/d55e25ae709885250a4e9718c27a09f1e963ca79/3.3"
    static let all =
        nodeDockerfiles + [
            "\(golang)/bookworm", "\(golang)/alpine3.24", python, "\(postgres)/trixie", "\(postgres)/alpine3.23",
            "\(ruby)/slim-trixie", "\(ruby)/alpine3.23",
        ]

    func dockerfile(_ directory: String) throws -> Dockerfile {
        let text = try String(contentsOf: TestPaths.fixture("pins/\(directory)/Dockerfile"), encoding: .utf8)
        return try Dockerfile.parse(text, path: "\(directory)/Dockerfile")
    }

    func pins(_ df: Dockerfile, _ arch: Architecture) throws -> ArchitecturePins {
        try #require(df.architecturePins.first { $0.architecture == arch })
    }

    /// lint and history never read the pins: they parse without resolving them, and lose nothing else.
    @Test func parseWithoutArchitecturePins_sameDockerfileOtherwise() throws {
        let text = try String(
            contentsOf: TestPaths.fixture("pins/\(Self.nodeDockerfiles[0])/Dockerfile"), encoding: .utf8)
        let full = try Dockerfile.parse(Array(text.utf8), path: "Dockerfile")
        var light = try Dockerfile.parse(Array(text.utf8), path: "Dockerfile", resolvingArchitecturePins: false)
        #expect(!full.architecturePins.isEmpty && light.architecturePins.isEmpty)
        light.architecturePins = full.architecturePins
        #expect(light == full)
    }

    @Test func nodeAlpine_x86_64UsesTheMuslBuildAndItsChecksum() throws {
        let df = try dockerfile(Self.nodeDockerfiles[0])
        let amd64 = try pins(df, .amd64)
        #expect(amd64.unsupported == nil)
        let node = try #require(amd64.downloads.first)
        #expect(
            node.url
                == "https://unofficial-builds.nodejs.org/download/release/v22.23.2/node-v22.23.2-linux-x64-musl.tar.xz")
        #expect(node.resolved && node.file == "node-v22.23.2-linux-x64-musl.tar.xz")
        #expect(node.checksum?.algorithm == "sha256")
        #expect(node.checksum?.expected == "2d18b5731055f7efa6c899004909b00ee110e38d3775745f60ec9ccf1f9982e7")
        #expect(node.checksum?.line == 13)
        #expect(node.signature == nil)
        // The yarn RUN: no checksum, a detached signature by the key the loop fetches.
        let yarn = try #require(amd64.downloads.last)
        #expect(yarn.url == "https://yarnpkg.com/downloads/1.22.22/yarn-v1.22.22.tar.gz" && yarn.checksum == nil)
        #expect(yarn.signature?.url == "https://yarnpkg.com/downloads/1.22.22/yarn-v1.22.22.tar.gz.asc")
        #expect(yarn.signature?.keys == ["6A010C5166006599AA17F08146C2130DFD2497F5"])
        #expect(amd64.downloads.count == 2)
    }

    @Test func nodeAlpine_withoutChecksumBuildsFromTheSignedSourceTarball() throws {
        let df = try dockerfile(Self.nodeDockerfiles[0])
        let arm64 = try pins(df, .arm64v8)
        let source = try #require(arm64.downloads.first)
        #expect(source.url == "https://nodejs.org/dist/v22.23.2/node-v22.23.2.tar.xz")
        #expect(source.checksum?.expected == nil && source.checksum?.list == "SHASUMS256.txt")
        #expect(source.checksum?.listURL == "https://nodejs.org/dist/v22.23.2/SHASUMS256.txt.asc")
        #expect(source.signature?.clearsigned == true && source.signature?.signs == "SHASUMS256.txt")
        #expect(source.signature?.keys.count == 9)
        #expect(source.signature?.keys.first == "5BE8A3F6C8A5C01D106C0AD820B1A390B168D356")
    }

    @Test func nodeBookworm_perArchitectureTarballsFromShasums() throws {
        let df = try dockerfile(Self.nodeDockerfiles[1])
        let expected: [Architecture: String] = [
            .amd64: "x64", .arm64v8: "arm64", .arm32v7: "armv7l", .ppc64le: "ppc64le", .s390x: "s390x",
        ]
        for (arch, name) in expected {
            let node = try #require(try pins(df, arch).downloads.first)
            #expect(node.url == "https://nodejs.org/dist/v22.23.2/node-v22.23.2-linux-\(name).tar.xz")
            #expect(node.checksum?.list == "SHASUMS256.txt" && node.checksum?.algorithm == "sha256")
            #expect(node.signature?.url == "https://nodejs.org/dist/v22.23.2/SHASUMS256.txt.asc")
        }
    }

    @Test func nodeBookworm_unsupportedArchitectureIsNotBuilt() throws {
        let df = try dockerfile(Self.nodeDockerfiles[1])
        for arch in [Architecture.i386, .riscv64, .arm32v5, .mips64le] {
            let p = try pins(df, arch)
            #expect(p.unsupported?.message == "unsupported architecture", "\(arch)")
            #expect(p.unsupported?.line == 8 && p.downloads.isEmpty)
        }
    }

    @Test func golang_caseArmSetsUrlAndSha256() throws {
        let df = try dockerfile("\(Self.golang)/bookworm")
        let armhf = try pins(df, .arm32v7)
        let go = try #require(armhf.downloads.first)
        #expect(go.url == "https://dl.google.com/go/go1.26.7.linux-armv6l.tar.gz" && go.file == "go.tgz")
        #expect(go.checksum?.expected == "6a41557335d1d9fa9bfc7439cedcfd0e4df2fc83d916175b5f3eae4685f5fe3f")
        #expect(go.signature?.url == "https://dl.google.com/go/go1.26.7.linux-armv6l.tar.gz.asc")
        #expect(
            go.signature?.keys == [
                "EB4C1BFD4F042F6DDDCCEC917721F63BD38B4796", "2F528D36D67B69EDF998D85778BD65473CB3BD13",
            ])
        let mips = try pins(df, .mips64le)
        #expect(
            mips.unsupported?.message == "error: unsupported architecture 'mips64el' (likely packaging update needed)")
    }

    @Test func python_envChecksumAndPatternRemovalInUrl() throws {
        let df = try dockerfile(Self.python)
        for arch in ArchitectureShellNames.linux {
            let py = try #require(try pins(df, arch).downloads.first)
            #expect(py.url == "https://www.python.org/ftp/python/3.10.20/Python-3.10.20.tar.xz")
            #expect(py.checksum?.expected == "de6517421601e39a9a3bc3e1bc4c7b2f239297423ee05e282598c83ec0647505")
            #expect(py.signature?.keys == ["A035C8C19219BA821ECEA86B64E628F8D684696D"])
        }
    }

    @Test func postgres_gosuPerArchitectureWithDetachedSignature() throws {
        let df = try dockerfile("\(Self.postgres)/trixie")
        let gosu = try #require(try pins(df, .ppc64le).downloads.first)
        #expect(
            gosu.url.hasPrefix("https://github.com/tianon/gosu/releases/download/")
                && gosu.url.hasSuffix("/gosu-ppc64el"))
        #expect(gosu.resolved && gosu.file == "gosu" && gosu.checksum == nil)
        #expect(gosu.signature?.url == gosu.url + ".asc" && gosu.signature?.clearsigned == false)
        #expect(gosu.signature?.keys == ["B42F6819007F00F88E364FD4036A9C25BF357DD4"])
    }

    @Test func noDownloads_noArchitecturePins() throws {
        let df = try Dockerfile.parse("FROM debian\nRUN apt-get update && echo amd64\n")
        #expect(df.architecturePins.isEmpty)
    }

    /// Dockerfiles come from upstreams: nesting, loops, doubling variables and many-star patterns
    /// end in bounded time, saying what they could not follow.
    @Test func hostileScripts_areBounded() throws {
        let words = (0..<100).map(String.init).joined(separator: " ")
        let loops =
            "RUN for a in \(words); do for b in \(words); do for c in \(words); do curl -fsSLO https://example.org/$a$b$c; done; done; done"
        let looped = try Dockerfile.parse("FROM debian\n\(loops)\n")
        let amd64 = try pins(looped, .amd64)
        #expect(amd64.incomplete && amd64.downloads.count < ShellEvaluation.maxSteps)
        #expect(amd64.downloads.first?.url == "https://example.org/000")

        let doubling =
            "RUN a=x" + String(repeating: " && a=$a$a", count: 40) + " && curl -fsSLO \"https://example.org/$a\""
        let doubled = try pins(try Dockerfile.parse("FROM debian\n\(doubling)\n"), .amd64)
        #expect(doubled.downloads.first?.resolved == false)

        let nested = "RUN " + String(repeating: "{ ", count: 5000) + "curl -fsSLO https://example.org/x"
        _ = try Dockerfile.parse("FROM debian\n\(nested)\n")

        let stars =
            "RUN v=" + String(repeating: "a", count: 1000) + " && case \"$v\" in "
            + String(repeating: "*a", count: 200)
            + "b) curl -fsSLO https://example.org/b ;; *) curl -fsSLO https://example.org/other ;; esac"
        let starred = try pins(try Dockerfile.parse("FROM debian\n\(stars)\n"), .amd64)
        #expect(starred.downloads.map(\.url) == ["https://example.org/other"])
    }

    /// The arms of bashbrew's `scripts/bashbrew-host-arch.sh` `case "$arch"`, which maps these
    /// names back to a bashbrew architecture (`armhf` goes on to ask /etc/os-release).
    static let hostArchArms: [(patterns: [String], arch: String)] = [
        (["amd64", "x86_64"], "amd64"), (["arm64", "aarch64"], "arm64v8"), (["armel"], "arm32v5"),
        (["armv6*"], "arm32v6"), (["armv7*"], "arm32v7"), (["i[3456]86", "x86"], "i386"), (["mips64el"], "mips64le"),
        (["ppc64el", "ppc64le"], "ppc64le"), (["riscv64"], "riscv64"), (["s390x"], "s390x"),
        (["armhf"], "arm32v6 or arm32v7"),
    ]

    @Test func bashbrewHostArch_namesMapBack() throws {
        var agree = 0
        for arch in ArchitectureShellNames.linux {
            let names = try #require(ArchitectureShellNames(arch))
            for name in [names.dpkg, names.apk, names.uname].compactMap({ $0 }) {
                let arm = Self.hostArchArms.first { $0.patterns.contains { ShellGlob.matches(name, $0) } }
                if name == "armhf" {
                    #expect([.arm32v6, .arm32v7].contains(arch))
                } else if name == "mips64" || name == "armv5tel" {
                    // bashbrew has no arm for these `uname -m` answers (its TODO: `mips64` is both
                    // endiannesses; ARMv5 is known only by dpkg's `armel`): it stops with "unknown architecture".
                    #expect(arm == nil)
                } else {
                    #expect(arm?.arch == arch.rawValue, "\(arch) \(name)")
                }
                agree += 1
            }
        }
        // 10 dpkg names, 8 apk names (no Alpine arm32v5 or mips64le), 10 uname names.
        #expect(agree == 28)
    }

    /// Every architecture of every fixture: the URLs fetched, the hashes checked and the lists
    /// looked up are the ones bash computes.
    @Test func everyArchitecture_matchesBash() throws {
        var compared = 0
        var fetched = 0
        var checked = 0
        var looked = 0
        var exited = 0
        for directory in Self.all {
            let df = try dockerfile(directory)
            for arch in ArchitectureShellNames.linux {
                let names = try #require(ArchitectureShellNames(arch))
                let oracle = try ShellOracle.run(df, names)
                let p = try pins(df, arch)
                let ours = Set(
                    p.downloads.flatMap { [$0.url, $0.checksum?.listURL, $0.signature?.url].compactMap { $0 } })
                #expect(ours == Set(oracle.fetched), "\(directory) \(arch)")
                let checks = Set(p.downloads.compactMap { d in d.checksum?.expected.map { "\($0) \(d.file)" } })
                #expect(checks == Set(oracle.checked), "\(directory) \(arch)")
                let lists = Set(p.downloads.compactMap { d in d.checksum?.list.map { "\(d.file) \($0)" } })
                #expect(lists == Set(oracle.looked), "\(directory) \(arch)")
                #expect((p.unsupported != nil) == oracle.exited, "\(directory) \(arch)")
                compared += 1
                fetched += oracle.fetched.count
                checked += oracle.checked.count
                looked += oracle.looked.count
                exited += oracle.exited ? 1 : 0
            }
        }
        #expect(compared == 130)
        #expect(
            ShellOracle.confined("echo x > /etc/apt/y; a >> /b 2>/dev/null")
                == "echo x > ./etc/apt/y; a >> ./b 2>/dev/null")
        // What bash saw, so that agreeing is not agreeing on nothing.
        #expect([fetched, checked, looked, exited] == [Int]([279, 73, 40, 41]))
    }
}
