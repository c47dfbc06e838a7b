import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

@Suite struct DockerfileTests {
    func fixture(_ name: String) throws -> (Dockerfile, [String]) {
        let url = TestPaths.fixture("verification/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return (try Dockerfile.parse(text, path: name), text.components(separatedBy: "\n"))
    }

    /// 1-based line of the first fixture line containing `needle`.
    func line(_ lines: [String], _ needle: String) -> Int {
        (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    @Test func alpine() throws {
        let (df, _) = try fixture("alpine.Dockerfile")
        #expect(df.parent == "scratch" && df.parentIsScratch)
        #expect(df.stages.count == 1 && df.externalImages.isEmpty)
        #expect(df.contextSources.map(\.path) == ["alpine-minirootfs-3.20.3-x86_64.tar.gz"])
        #expect(df.contextSources.first?.destination == "/")
        #expect(
            df.instructions.map(\.raw) == [
                "FROM scratch", "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz /", "CMD [\"/bin/sh\"]",
            ])
        #expect(df.pins.isEmpty)
    }

    @Test func multiStageWithArgsInFrom() throws {
        let (df, lines) = try fixture("multistage.Dockerfile")
        #expect(df.directives == ["syntax": "docker/dockerfile:1"])
        #expect(df.globalArgs == ["GO_VERSION": "1.22", "BASE": "debian", "SUITE": String?.none] as [String: String?])
        #expect(df.stages.map(\.base) == ["golang:1.22-bookworm", "build", "debian:bookworm-slim"])
        #expect(df.stages.map(\.name) == ["build", "test", String?.none])
        #expect(df.stages.map(\.baseStage) == [nil, 0, nil])
        #expect(df.stages[0].platform == "$BUILDPLATFORM")
        #expect(df.parent == "debian:bookworm-slim")
        #expect(df.externalImages == ["golang:1.22-bookworm", "debian:bookworm-slim", "busybox:1.36"])
        #expect(df.contextSources.map(\.path) == ["go.mod", "go.sum", "cmd", "docker-entrypoint.sh"])
        let run = try #require(df.instructions.first { $0.keyword == "RUN" })
        #expect(run.flags == [InstructionFlag(name: "mount", value: "type=cache,target=/root/.cache/go-build")])
        #expect(run.arguments == "go build -o /out/app ./cmd/app")
        #expect(run.line == line(lines, "RUN --mount") && run.endLine == run.line + 1)
        #expect(df.instructions.map(\.stage) == [nil, nil, nil, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2])

        // The final stage built on an earlier one: the parent is that stage's base.
        let chained = try Dockerfile.parse("FROM alpine:3.20 AS base\nRUN true\nFROM base AS final\nFROM final\n")
        #expect(chained.parent == "alpine:3.20")
        #expect(chained.externalImages == ["alpine:3.20"])
    }

    @Test func nodeAlpinePins() throws {
        let (df, lines) = try fixture("node-alpine.Dockerfile")
        #expect(df.parent == "alpine:3.20")
        #expect(df.contextSources.map(\.path) == ["docker-entrypoint.sh"])
        #expect(df.instructions.map(\.keyword) == ["FROM", "ENV", "RUN", "ENV", "RUN", "COPY", "ENTRYPOINT", "CMD"])
        // Comment lines inside the continuation are dropped from the arguments, kept in raw.
        let run = df.instructions[2]
        #expect(!run.arguments.contains("# backup build") && run.raw.contains("# backup build"))
        #expect(run.endLine == line(lines, "&& npm --version"))
        #expect(df.pins.count == 2)
        let checksum = try #require(df.pins.first { $0.kind == .variable })
        #expect(checksum.variable == "CHECKSUM")
        #expect(checksum.algorithm == "sha256")
        #expect(checksum.expected == "2a2cb3de1cf9a8ab4c8b4bd5d4f5cc1f1b7ba7e2c8a2c0f6a2b2b1a0f3c4d5e6")
        #expect(
            checksum.url
                == "https://unofficial-builds.nodejs.org/download/release/v22.11.0/node-v22.11.0-linux-x64-musl.tar.xz")
        #expect(checksum.file == "node-v22.11.0-linux-x64-musl.tar.xz")
        #expect(checksum.line == run.line && checksum.sourceLine == line(lines, "CHECKSUM=\"2a2c"))
        let list = try #require(df.pins.first { $0.kind == .checksumList })
        #expect(list.expected == nil)
        #expect(list.file == "node-v22.11.0.tar.xz")
        #expect(list.url == "https://nodejs.org/dist/v22.11.0/node-v22.11.0.tar.xz")
        #expect(list.checksumList == "SHASUMS256.txt")
        #expect(list.checksumListURL == "https://nodejs.org/dist/v22.11.0/SHASUMS256.txt.asc")
        #expect(list.sourceLine == line(lines, "grep \" node-v"))
    }

    @Test func nodeDebianShasumsGrep() throws {
        let text = #"""
            FROM buildpack-deps:bookworm
            ENV NODE_VERSION 22.11.0
            RUN ARCH= && dpkgArch="$(dpkg --print-architecture)" \
                && case "${dpkgArch##*-}" in \
                  amd64) ARCH='x64';; \
                  arm64) ARCH='arm64';; \
                  *) echo "unsupported architecture"; exit 1 ;; \
                esac \
                && curl -fsSLO --compressed "https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz" \
                && curl -fsSLO --compressed "https://nodejs.org/dist/v$NODE_VERSION/SHASUMS256.txt.asc" \
                && gpg --batch --decrypt --output SHASUMS256.txt SHASUMS256.txt.asc \
                && grep " node-v$NODE_VERSION-linux-$ARCH.tar.xz\$" SHASUMS256.txt | sha256sum -c - \
                && tar -xJf "node-v$NODE_VERSION-linux-$ARCH.tar.xz" -C /usr/local --strip-components=1 --no-same-owner
            """#
        let df = try Dockerfile.parse(text)
        #expect(df.pins.count == 1)
        let pin = try #require(df.pins.first)
        #expect(pin.kind == .checksumList && pin.algorithm == "sha256" && pin.expected == nil)
        #expect(pin.file == "node-v22.11.0-linux-$ARCH.tar.xz")
        #expect(pin.url == "https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-$ARCH.tar.xz")
        #expect(pin.checksumListURL == "https://nodejs.org/dist/v22.11.0/SHASUMS256.txt.asc")
        #expect(pin.line == 3 && pin.sourceLine == 12)
    }

    @Test func addChecksumAndFlags() throws {
        let (df, lines) = try fixture("add-checksum.Dockerfile")
        #expect(df.parent == "debian:bookworm-slim")
        let add = df.instructions[2]
        #expect(add.keyword == "ADD" && add.line == line(lines, "ADD --checksum") && add.endLine == add.line + 1)
        #expect(
            add.flag("checksum") == .some("sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c"))
        #expect(
            df.instructions[3].flags == [
                InstructionFlag(name: "chmod", value: "755"), InstructionFlag(name: "link", value: nil),
            ])
        #expect(df.instructions[4].flag("keep-git-dir") == .some("true"))
        #expect(df.contextSources.map(\.path) == ["config/app.conf"])
        #expect(df.contextSources.first?.destination == "/etc/app/")
        #expect(df.pins.map(\.kind) == [.addChecksum, .addUnpinned, .addUnpinned, .inlineCheck, .inlineCheck])
        let tini = df.pins[0]
        #expect(tini.url == "https://github.com/krallin/tini/releases/download/v0.19.0/tini-amd64")
        #expect(
            tini.algorithm == "sha256"
                && tini.expected == "93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c")
        #expect(tini.sourceLine == line(lines, "ADD --checksum"))
        #expect(df.pins[1].url == "https://example.com/install.sh" && df.pins[1].expected == nil)
        #expect(df.pins[2].url == "https://github.com/moby/buildkit.git#v0.14.1")
        // A 64-hex hash handed to sha512sum is still read as written; the file has a `*`.
        let star = df.pins[3]
        #expect(star.file == "rootfs.tar.xz" && star.algorithm == "sha512" && star.url == nil)
        let helm = df.pins[4]
        #expect(helm.file == "/tmp/helm.tgz" && helm.url == "https://get.helm.sh/helm-v3.15.2-linux-amd64.tar.gz")
        #expect(helm.expected == "2694b91c3e501cff57caf650e639604a274645f61af2ea4d601677b746b44fe2")
        #expect(helm.sourceLine == line(lines, "2694b91c"))
    }

    @Test func heredocsAndBacktickEscape() throws {
        let (df, lines) = try fixture("heredoc-escape.Dockerfile")
        #expect(df.escape == "`")
        #expect(df.directives == ["escape": "`", "syntax": "docker/dockerfile:1"])
        #expect(df.instructions.map(\.keyword) == ["FROM", "ENV", "RUN", "RUN", "COPY", "RUN", "FROM", "COPY", "CMD"])
        let env = df.instructions[1]
        #expect(env.arguments == "APP_HOME=C:\\app     MODE=release")
        let first = df.instructions[2]
        #expect(
            first.heredocs == [
                Heredoc(
                    name: "EOF", content: "set -e\necho \"building in $APP_HOME\"\n", stripTabs: false, quoted: false)
            ])
        #expect(first.line == line(lines, "RUN <<EOF") && first.endLine == first.line + 3)
        let two = df.instructions[3]
        #expect(two.heredocs.map(\.name) == ["EOT", "EOS"])
        #expect(two.heredocs[0].content == "echo tab stripped\n" && two.heredocs[0].stripTabs)
        #expect(two.heredocs[1].content == "echo second heredoc\n")
        let copy = df.instructions[4]
        #expect(copy.heredocs.first?.content == "Welcome \\ to the image\n")
        let apk = df.instructions[5]
        #expect(DockerfileWords.split(apk.arguments, escape: "`") == ["apk", "add", "--no-cache", "curl", "git"])
        #expect(apk.line == line(lines, "RUN apk add") && apk.endLine == line(lines, "      git"))
        #expect(df.instructions[6].line == line(lines, "FROM build"))
        #expect(df.parent == "alpine:3.20")
        #expect(df.contextSources.isEmpty)
        #expect(df.externalImages == ["alpine:3.20"])
    }

    @Test func variableForms() {
        let vars = ["A": "1", "E": ""]
        func x(_ s: String) -> String { DockerfileWords.expand(s, escape: "\\") { vars[$0] } }
        #expect(x("$A-${A}-${B:-def}-${E:-emp}-${E-set}-${A:+alt}-${B:+alt}-$B.") == "1-1-def-emp--alt--.")
        #expect(x("\\$A") == "$A")
    }

    @Test func errorsNameTheLine() {
        #expect(
            throws: VerificationError.malformedDockerfile(
                path: "Dockerfile", line: 2, reason: "the heredoc <<EOF is never closed by a line \"EOF\"")
        ) {
            _ = try Dockerfile.parse("FROM alpine\nRUN <<EOF\necho hi\n")
        }
        #expect(
            throws: VerificationError.malformedDockerfile(
                path: "Dockerfile", line: 1, reason: "RUN before the first FROM")
        ) {
            _ = try Dockerfile.parse("RUN true\nFROM alpine\n")
        }
        #expect(
            throws: VerificationError.malformedDockerfile(
                path: "Dockerfile", line: 1, reason: "invalid escape character \"x\" (it must be \\ or `)")
        ) {
            _ = try Dockerfile.parse("# escape=x\nFROM alpine\n")
        }
    }
}

@Suite struct DockerfileFormTests {
    @Test func jsonFormSourcesAndLowercaseKeywords() throws {
        let df = try Dockerfile.parse(
            "from debian:12\nadd [\"root fs.tar.gz\", \"./b.tar\", \"/\"]\nCOPY --link=true [\"x\", \"/x\"]\n")
        #expect(df.instructions.map(\.keyword) == ["FROM", "ADD", "COPY"])
        #expect(df.instructions[1].json == ["root fs.tar.gz", "./b.tar", "/"])
        #expect(df.contextSources.map(\.path) == ["root fs.tar.gz", "b.tar", "x"])
        #expect(df.contextSources.map(\.destination) == ["/", "/", "/x"])
        #expect(df.instructions[2].flags == [InstructionFlag(name: "link", value: "true")])
    }

    @Test func windowsLineEndingsAndTrailingContinuation() throws {
        let df = try Dockerfile.parse("FROM alpine\r\nRUN echo a \\\r\n  && echo b\r\n")
        #expect(df.instructions.count == 2)
        #expect(df.instructions[1].arguments == "echo a   && echo b")
        #expect(df.instructions[1].line == 2 && df.instructions[1].endLine == 3)
    }
}

@Suite struct RustShapedPinTests {
    /// rust's Dockerfile: the hash and the target triple are set per `case` branch, the URL in a variable.
    @Test func hashPerBranchAndUrlInAVariable() throws {
        let text = #"""
            FROM buildpack-deps:bookworm
            ENV RUST_VERSION=1.82.0
            RUN set -eux; \
                dpkgArch="$(dpkg --print-architecture)"; \
                case "${dpkgArch##*-}" in \
                    amd64) rustArch='x86_64-unknown-linux-gnu'; rustupSha256='6aeece6993e902708983b209d04c0d1dbb14ebb405ddb87def578d41f920f56d' ;; \
                    arm64) rustArch='aarch64-unknown-linux-gnu'; rustupSha256='1cffbf51e63e634c746f741de50649bbbcbd9dbe1de363c9ecef64e278dba2b2' ;; \
                    *) echo >&2 "unsupported architecture: ${dpkgArch}"; exit 1 ;; \
                esac; \
                url="https://static.rust-lang.org/rustup/archive/1.27.1/${rustArch}/rustup-init"; \
                wget "$url"; \
                echo "${rustupSha256} *rustup-init" | sha256sum -c -; \
                chmod +x rustup-init
            """#
        let df = try Dockerfile.parse(text)
        #expect(df.pins.map(\.kind) == [.variable, .variable])
        #expect(
            df.pins.map(\.expected) == [
                "6aeece6993e902708983b209d04c0d1dbb14ebb405ddb87def578d41f920f56d",
                "1cffbf51e63e634c746f741de50649bbbcbd9dbe1de363c9ecef64e278dba2b2",
            ])
        #expect(
            df.pins.map(\.url) == [
                "https://static.rust-lang.org/rustup/archive/1.27.1/x86_64-unknown-linux-gnu/rustup-init",
                "https://static.rust-lang.org/rustup/archive/1.27.1/aarch64-unknown-linux-gnu/rustup-init",
            ])
        #expect(df.pins.map(\.file) == ["rustup-init", "rustup-init"])
        #expect(df.pins.map(\.sourceLine) == [6, 7])
        #expect(df.pins.allSatisfy { $0.variable == "rustupSha256" && $0.line == 3 })
    }
}
