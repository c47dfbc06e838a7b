import Testing

@testable import TrackbotCore

@Suite struct DigestTests {
    @Test func parsesSha256AndSha512() throws {
        let d = try Digest(parsing: "sha256:" + String(repeating: "ab", count: 32))
        #expect(d.algorithm == .sha256)
        #expect(d.short == "abababababab")
        let e = try Digest(parsing: "sha512:" + String(repeating: "0f", count: 64))
        #expect(e.algorithm == .sha512)
    }

    @Test(arguments: [
        "sha256:abc", "md5:" + String(repeating: "a", count: 32),
        "sha256:" + String(repeating: "A", count: 64), "nocolon", "sha256:" + String(repeating: "g", count: 64),
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: DigestError.malformed(text)) { try Digest(parsing: text) }
    }

    @Test func hashesKnownVector() {
        let d = StreamingHasher.digest(Array("abc".utf8))
        #expect(d.description == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let e = StreamingHasher.digest(Array("abc".utf8), .sha512)
        #expect(e.hex.hasPrefix("ddaf35a193617aba"))
    }
}

@Suite struct ArchitectureTests {
    @Test func mapsToPlatforms() {
        #expect(Architecture.arm64v8.platform.description == "linux/arm64/v8")
        #expect(Architecture.i386.platform.description == "linux/386")
        #expect(Architecture.windowsAmd64.platform.description == "windows/amd64")
        #expect(Architecture.s390x.platform.description == "linux/s390x")
        #expect(Architecture(platform: Platform(os: "linux", architecture: "arm64")) == .arm64v8)
        #expect(Architecture(platform: Platform(os: "linux", architecture: "arm", variant: "v7")) == .arm32v7)
        #expect(Architecture(platform: Platform(os: "unknown", architecture: "unknown")) == nil)
    }
}

@Suite struct RewriterAndRedactionTests {
    @Test func longestPrefixWins() throws {
        var r = URLRewriter()
        r.add(try URLRewriter.parseRule("https://github.com/=git://127.0.0.1:9/"))
        r.add(try URLRewriter.parseRule("https://github.com/alpinelinux/=file:///srv/alpine/"))
        #expect(
            r.rewrite("https://github.com/alpinelinux/docker-alpine.git").url == "file:///srv/alpine/docker-alpine.git")
        #expect(
            r.rewrite("https://github.com/docker-library/official-images.git").url
                == "git://127.0.0.1:9/docker-library/official-images.git")
        #expect(r.rewrite("https://gitlab.com/x").rewritten == false)
        #expect(throws: RewriteError.malformed("nothing")) { try URLRewriter.parseRule("nothing") }
    }

    @Test func stripsCredentials() {
        #expect(Redaction.stripCredentials("https://user:tok3n@example.com/a?b") == "https://example.com/a?b")
        #expect(Redaction.stripCredentials("https://example.com/a@b") == "https://example.com/a@b")
        let s = Secret("ghp_supersecret")
        #expect("\(s)" == "<redacted>")
        #expect(Redaction.scrub("failed: ghp_supersecret rejected", secrets: [s]) == "failed: <redacted> rejected")
    }
}
