import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// Per-architecture pins in `check`: shown per platform without downloading anything, and with
/// `--deep` downloaded from a local HTTP server and compared (`pin-mismatch`).
@Suite("check: per-architecture pins, and --deep downloads them", .serialized)
struct DeepArchitecturePinsTests {
    /// A golang-style `case` arm per architecture (url + sha256) and a node-style tarball looked up
    /// in a clear-signed SHASUMS256.txt.asc; arm64's pinned hash and amd64's list line are wrong
    /// (one alert per image, tag, architecture and kind: two on one platform would make one alert).
    static func dockerfile(port: UInt16, right: String, wrong: String) -> String {
        """
        FROM debian:bookworm-slim
        ENV BASE=http://127.0.0.1:\(port)
        RUN set -eux; \\
            arch="$(dpkg --print-architecture)"; \\
            case "$arch" in \\
                'amd64') url="$BASE/tool-amd64.tgz"; sha256='\(right)' ;; \\
                'arm64') url="$BASE/tool-arm64.tgz"; sha256='\(wrong)' ;; \\
                *) echo >&2 "error: unsupported architecture '$arch'"; exit 1 ;; \\
            esac; \\
            wget -O tool.tgz "$url"; \\
            echo "$sha256 *tool.tgz" | sha256sum -c -
        RUN ARCH= && dpkgArch="$(dpkg --print-architecture)" \\
          && case "${dpkgArch##*-}" in amd64) ARCH='x64';; arm64) ARCH='arm64';; *) exit 1;; esac \\
          && curl -fsSLO "$BASE/node-$ARCH.tar.xz" \\
          && curl -fsSLO "$BASE/SHASUMS256.txt.asc" \\
          && gpg --batch --decrypt --output SHASUMS256.txt SHASUMS256.txt.asc \\
          && grep " node-$ARCH.tar.xz\\$" SHASUMS256.txt | sha256sum -c -

        """
    }

    @Test func pinsPerPlatform_shownAndWithDeepDownloadedAndCompared() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let served = world.dir.appending("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        var hashes: [String: String] = [:]
        for name in ["tool-amd64.tgz", "tool-arm64.tgz", "node-x64.tar.xz", "node-arm64.tar.xz"] {
            let bytes = Data("the \(name) a build downloads\n".utf8)
            try bytes.write(to: served.appendingPathComponent(name))
            hashes[name] = StreamingHasher.digest(bytes).hex
        }
        let wrong = String(repeating: "ab", count: 32)
        // Clear-signed as nodejs.org signs it; the x64 line is wrong. Its signature is not checked.
        let asc = """
            -----BEGIN PGP SIGNED MESSAGE-----
            Hash: SHA256

            \(wrong)  node-x64.tar.xz
            \(hashes["node-arm64.tar.xz"]!)  node-arm64.tar.xz
            -----BEGIN PGP SIGNATURE-----

            iQIzBAEBCAAdFiEE
            -----END PGP SIGNATURE-----

            """
        try Data(asc.utf8).write(to: served.appendingPathComponent("SHASUMS256.txt.asc"))
        let server = try await ServerProcess.staticFiles(served, logDirectory: world.dir.url)
        defer { server.stop() }
        let commit = try world.commit(
            "tool",
            files: [
                "Dockerfile": Self.dockerfile(port: server.port, right: hashes["tool-amd64.tgz"]!, wrong: wrong)
            ])
        try world.upstreamGit("tool", ["push", "--quiet", "origin", "main"])
        try world.library(
            "tool",
            SyntheticWorld.libraryFile(
                repo: "tool", entries: [("1", "refs/heads/main", commit, "Architectures: amd64, arm64v8, s390x\n")]))

        // Without --deep: each platform's pins are shown, nothing is downloaded.
        let text = try await CheckCommand.run(
            .init(references: ["tool"]), options: world.options(.text, noRegistry: true))
        let port = server.port
        #expect(
            text.output.contains(
                "pin http://127.0.0.1:\(port)/tool-arm64.tgz sha256:\(wrong) (Dockerfile:7)"), "\(text.output)")
        #expect(
            text.output.contains(
                "pin http://127.0.0.1:\(port)/node-x64.tar.xz sha256 from SHASUMS256.txt (http://127.0.0.1:\(port)/SHASUMS256.txt.asc) (Dockerfile:17); SHASUMS256.txt signed, 0 keys listed"
            ), "\(text.output)")
        #expect(
            text.output.contains(
                "not built for this architecture: \"error: unsupported architecture 's390x'\" (Dockerfile:3)"),
            "\(text.output)")
        let json = try await CheckCommand.run(.init(references: ["tool"]), options: world.options(noRegistry: true))
        let platforms = try Self.platforms(json.output)
        let amd64Pins = try #require(platforms["amd64"]?["pins"] as? [String: Any])
        let downloads = try #require(amd64Pins["downloads"] as? [[String: Any]])
        #expect(
            downloads.compactMap { $0["url"] as? String } == [
                "http://127.0.0.1:\(port)/tool-amd64.tgz", "http://127.0.0.1:\(port)/node-x64.tar.xz",
            ])
        #expect((downloads.first?["checksum"] as? [String: Any])?["expected"] as? String == hashes["tool-amd64.tgz"])
        #expect(Self.served(server) == [])

        // --deep: amd64's list line and arm64's pinned hash do not match what is served.
        let (deep, report) = try await world.check(["tool"], noRegistry: true, deep: true)
        #expect(deep.exitCode == 1, "\(deep.output)")
        let findings = report.findings.sorted { ($0.arch ?? "") < ($1.arch ?? "") }
        #expect(findings.map(\.kind) == ["pin-mismatch", "pin-mismatch"], "\(deep.output)")
        #expect(findings.map(\.arch) == ["amd64", "arm64v8"] && findings.allSatisfy { $0.severity == "alert" })
        #expect(findings.map(\.expected) == ["sha256:\(wrong)", "sha256:\(wrong)"])
        #expect(
            findings.map(\.actual) == [
                "sha256:\(hashes["node-x64.tar.xz"]!)", "sha256:\(hashes["tool-arm64.tgz"]!)",
            ])
        #expect(
            findings[0].message.contains(
                "node-x64.tar.xz does not match SHASUMS256.txt line 1 (http://127.0.0.1:\(port)/SHASUMS256.txt.asc) at Dockerfile:17"
            ),
            "\(findings[0].message)")
        #expect(findings[1].message.contains("the sha256 pinned at Dockerfile:7"), "\(findings[1].message)")
        // What matched is said, each once, and nothing is said to match that did not.
        let matched = (try DeepSignatureTests.notes(deep.output)["1"] ?? []).filter {
            $0.contains("--deep: downloaded")
        }
        #expect(
            matched.contains {
                $0.hasPrefix("amd64: --deep: downloaded http://127.0.0.1:\(port)/tool-amd64.tgz (")
                    && $0.contains("): sha256:\(hashes["tool-amd64.tgz"]!) matches the sha256 pinned at Dockerfile:")
            }, "\(matched)")
        #expect(matched.count == 2, "\(matched)")
        #expect(!matched.contains { $0.contains("tool-arm64.tgz") || $0.contains("node-x64.tar.xz") }, "\(matched)")
        // The list once, each file once; s390x's build stops before downloading anything.
        #expect(
            Self.served(server).sorted() == [
                "/SHASUMS256.txt.asc", "/node-arm64.tar.xz", "/node-x64.tar.xz", "/tool-amd64.tgz", "/tool-arm64.tgz",
            ])
    }

    static func platforms(_ output: String) throws -> [String: [String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let images = object?["images"] as? [[String: Any]] ?? []
        let tags = images.flatMap { $0["tags"] as? [[String: Any]] ?? [] }
        let platforms = tags.flatMap { $0["platforms"] as? [[String: Any]] ?? [] }
        return Dictionary(platforms.map { ($0["arch"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Paths the static file server answered, from its log (`"GET /path HTTP/1.1" 200 -`).
    static func served(_ server: ServerProcess) -> [String] {
        server.log().components(separatedBy: "\"GET ").dropFirst().compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
    }
}

/// `--deep` and the signatures a Dockerfile checks with gpg: keys made here with gpg, a keyring
/// exported for `[verify] keyring`, signatures checked by gpgv.
@Suite("check --deep: signatures of per-architecture pins", .serialized)
struct DeepSignatureTests {
    /// A throwaway gpg home with a key per name; fingerprints by name.
    final class Keys {
        let home: String
        var fingerprints: [String: String] = [:]

        init(_ names: [String]) throws {
            home = try #require(
                String(validatingCString: mkdtemp(strdup("/tmp/tbgpg.XXXXXX"))), "a gpg home")
            for name in names {
                try Self.gpg(
                    home,
                    [
                        "--passphrase", "", "--quick-gen-key", "\(name) <\(name)@example.invalid>", "ed25519", "sign",
                        "never",
                    ])
                let listing = try Self.gpg(home, ["--with-colons", "--list-keys", "\(name)@example.invalid"])
                fingerprints[name] = listing.split(separator: "\n").first { $0.hasPrefix("fpr:") }
                    .map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) }
            }
        }

        @discardableResult
        static func gpg(_ home: String, _ arguments: [String]) throws -> String {
            try run(try findTool("gpg", package: "gnupg"), ["--batch", "--homedir", home] + arguments)
        }

        func sign(_ file: URL, by name: String, clear: Bool, output: URL) throws {
            try Self.gpg(
                home,
                ["--local-user", fingerprints[name]!, "--armor", "--output", output.path]
                    + (clear ? ["--clearsign"] : ["--detach-sign"]) + [file.path])
        }

        func exportKeyring(_ names: [String], to file: URL) throws {
            try Self.gpg(home, ["--output", file.path, "--export"] + names.map { fingerprints[$0]! })
        }

        deinit {
            _ = try? run("/usr/bin/gpgconf", ["--homedir", home, "--kill", "all"])
            try? FileManager.default.removeItem(atPath: home)
        }
    }

    static func dockerfile(port: UInt16, key: String, hash: String, tool: String) -> String {
        """
        FROM debian:bookworm-slim
        ENV BASE=http://127.0.0.1:\(port)
        RUN for key in \(key); do gpg --batch --keyserver keyserver.ubuntu.com --recv-keys "$key"; done \\
          && curl -fsSLO "$BASE/\(tool)" && curl -fsSLO "$BASE/\(tool).asc" \\
          && gpg --batch --verify \(tool).asc \(tool) \\
          && echo "\(hash)  \(tool)" | sha256sum -c - \\
          && curl -fsSLO "$BASE/data.tar.xz" && curl -fsSLO "$BASE/SHASUMS256.txt.asc" \\
          && gpg --batch --decrypt --output SHASUMS256.txt SHASUMS256.txt.asc \\
          && grep " data.tar.xz\\$" SHASUMS256.txt | sha256sum -c -

        """
    }

    @Test func signedByListedKey_keysNotChecked_unlistedKey_badSignature() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let keys = try Keys(["maintainer", "stranger"])
        let maintainer = try #require(keys.fingerprints["maintainer"])
        let stranger = try #require(keys.fingerprints["stranger"])
        let served = world.dir.appending("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws -> URL {
            let url = served.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url
        }
        let tool = try write("tool.tgz", "the tool\n")
        _ = try write("bad.tgz", "not what was signed\n")
        _ = try write("data.tar.xz", "the data\n")
        try keys.sign(tool, by: "maintainer", clear: false, output: served.appendingPathComponent("tool.tgz.asc"))
        // bad.tgz.asc is a good signature of other content: gpgv says BADSIG.
        try keys.sign(tool, by: "maintainer", clear: false, output: served.appendingPathComponent("bad.tgz.asc"))
        let list = try write("SHASUMS256.txt", "\(StreamingHasher.digest(Data("the data\n".utf8)).hex)  data.tar.xz\n")
        try keys.sign(list, by: "stranger", clear: true, output: served.appendingPathComponent("SHASUMS256.txt.asc"))
        let server = try await ServerProcess.staticFiles(served, logDirectory: world.dir.url)
        defer { server.stop() }
        let hash = { (name: String) in
            StreamingHasher.digest(try Data(contentsOf: served.appendingPathComponent(name))).hex
        }
        let commit = try world.commit(
            "signed",
            files: [
                "good/Dockerfile": Self.dockerfile(
                    port: server.port, key: "\(maintainer) \(stranger)", hash: try hash("tool.tgz"), tool: "tool.tgz"),
                "unlisted/Dockerfile": Self.dockerfile(
                    port: server.port, key: maintainer, hash: try hash("tool.tgz"), tool: "tool.tgz"),
                "bad/Dockerfile": Self.dockerfile(
                    port: server.port, key: "\(maintainer) \(stranger)", hash: try hash("bad.tgz"), tool: "bad.tgz"),
            ])
        try world.upstreamGit("signed", ["push", "--quiet", "origin", "main"])
        try world.library(
            "signed",
            SyntheticWorld.libraryFile(
                repo: "signed",
                entries: [
                    ("good", "refs/heads/main", commit, "Directory: good\n"),
                    ("unlisted", "refs/heads/main", commit, "Directory: unlisted\n"),
                    ("bad", "refs/heads/main", commit, "Directory: bad\n"),
                ]))
        let port = server.port

        // No keyring: every signature is "signed, keys not checked", and no signature is fetched.
        let (plain, _) = try await world.check(["signed"], noRegistry: true, deep: true)
        let unchecked = try Self.notes(plain.output)
        #expect(
            unchecked["good"]?.contains(
                "amd64: --deep: tool.tgz signed, keys not checked (http://127.0.0.1:\(port)/tool.tgz.asc; no [verify] keyring configured)"
            ) == true, "\(unchecked)")
        #expect(
            unchecked["good"]?.contains {
                $0.hasPrefix(
                    "amd64: --deep: SHASUMS256.txt signed, keys not checked (http://127.0.0.1:\(port)/SHASUMS256.txt.asc"
                )
            } == true, "\(unchecked)")
        #expect(!DeepArchitecturePinsTests.served(server).contains("/tool.tgz.asc"))

        // A keyring with both keys: gpgv says who signed.
        let keyring = world.dir.appending("keyring.gpg")
        try keys.exportKeyring(["maintainer", "stranger"], to: keyring)
        let config = try String(contentsOfFile: world.configPath, encoding: .utf8)
        try Data((config + "\n[verify]\nkeyring = \"\(keyring.path)\"\n").utf8).write(
            to: URL(fileURLWithPath: world.configPath))
        let (deep, report) = try await world.check(["signed"], noRegistry: true, deep: true)
        let notes = try Self.notes(deep.output)
        #expect(
            notes["good"]?.contains(
                "amd64: --deep: tool.tgz signed by \(maintainer) (http://127.0.0.1:\(port)/tool.tgz.asc)") == true,
            "\(notes)")
        #expect(
            notes["good"]?.contains(
                "amd64: --deep: SHASUMS256.txt signed by \(stranger) (http://127.0.0.1:\(port)/SHASUMS256.txt.asc)")
                == true, "\(notes)")
        // The clear-signed list is downloaded once per run: its check reuses the pins' download.
        #expect(
            DeepArchitecturePinsTests.served(server).filter { $0 == "/SHASUMS256.txt.asc" }.count == 2,
            "\(DeepArchitecturePinsTests.served(server))")
        let findings = Dictionary(grouping: report.findings) { $0.tag ?? "" }
        #expect(findings["good"] == nil, "\(report.findings)")
        let unlisted = try #require(findings["unlisted"]?.first)
        #expect(unlisted.kind == "pin-mismatch" && unlisted.actual == stranger && unlisted.expected == maintainer)
        #expect(unlisted.message.contains("a key unlisted/Dockerfile:3 does not list"), "\(unlisted.message)")
        let badSignature = try #require(findings["bad"]?.first)
        #expect(badSignature.kind == "pin-mismatch" && badSignature.severity == "alert")
        #expect(badSignature.message.contains("does not verify bad.tgz against the keyring"), "\(badSignature.message)")
        #expect(badSignature.actual?.contains("BADSIG") == true, "\(badSignature.actual ?? "")")
        #expect(deep.exitCode == 1)
    }

    /// Each tag's notes, from the JSON report.
    static func notes(_ output: String) throws -> [String: [String]] {
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let images = object?["images"] as? [[String: Any]] ?? []
        let tags = images.flatMap { $0["tags"] as? [[String: Any]] ?? [] }
        return Dictionary(
            tags.map { ($0["tag"] as? String ?? "", $0["notes"] as? [String] ?? []) }, uniquingKeysWith: { a, _ in a })
    }
}
