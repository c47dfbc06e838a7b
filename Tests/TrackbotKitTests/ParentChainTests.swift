import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// Issue 14: an image built FROM an official image is traced to its roots: its layers against
/// its parent's, then the parent checked as its own library entry says, down to the rootfs
/// tarball's checksum. The parent is alpine:3.20 made from the real docker-alpine tarballs.
@Suite("parent chains: a node-like image on the real alpine:3.20", .serialized)
struct ParentChainTests {
    /// official-images at commit 87b6256 plus `library/nodelike`, and the nodelike upstream, in
    /// the world's git daemon; returns the official-images commit to check at.
    static func addNodelike(_ world: AlpineWorld) throws -> String {
        let git = world.dir.appending("git")
        let upstreamBare = git.appendingPathComponent("example/docker-nodelike.git")
        try FileManager.default.createDirectory(at: upstreamBare, withIntermediateDirectories: true)
        try TestSupport.git(["init", "--quiet", "--bare", upstreamBare.path])
        let up = world.dir.appending("work-nodelike")
        try FileManager.default.createDirectory(
            at: up.appendingPathComponent("22/alpine3.20"), withIntermediateDirectories: true)
        try TestSupport.git(["init", "--quiet", "-b", "main"], in: up)
        try "FROM alpine:3.20\nRUN echo node > /usr/local/bin/node\nCMD [\"node\"]\n".write(
            to: up.appendingPathComponent("22/alpine3.20/Dockerfile"), atomically: true, encoding: .utf8)
        try TestSupport.git(["add", "-A"], in: up)
        try TestSupport.git(["commit", "--quiet", "-m", "22 on alpine 3.20"], in: up)
        try TestSupport.git(["push", "--quiet", upstreamBare.path, "main"], in: up)
        let upstreamCommit = try TestSupport.git(["rev-parse", "HEAD"], in: up)
            .trimmingCharacters(in: .whitespacesAndNewlines)

        let library = world.dir.appending("work-official-images")
        let officialBare = git.appendingPathComponent("docker-library/official-images.git")
        try TestSupport.git(["clone", "--quiet", officialBare.path, library.path])
        try TestSupport.git(["checkout", "--quiet", "-b", "nodelike", AlpineWorld.commit87], in: library)
        try """
        Maintainers: Test <test@example.invalid> (@test)
        GitRepo: https://github.com/example/docker-nodelike.git
        GitFetch: refs/heads/main

        Tags: 22.11.0-alpine3.20, 22-alpine3.20
        Architectures: amd64, arm64v8
        GitCommit: \(upstreamCommit)
        Directory: 22/alpine3.20

        Tags: 22-onsomethingelse
        Architectures: amd64
        GitCommit: \(upstreamCommit)
        Directory: 22/alpine3.20
        File: Dockerfile
        Constraints: !aufs
        """.write(to: library.appendingPathComponent("library/nodelike"), atomically: true, encoding: .utf8)
        try TestSupport.git(["add", "-A"], in: library)
        try TestSupport.git(["commit", "--quiet", "-m", "nodelike"], in: library)
        try TestSupport.git(["push", "--quiet", "origin", "nodelike"], in: library)
        return try TestSupport.git(["rev-parse", "HEAD"], in: library).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The node-like layer (a tiny rootfs) on `base`'s layers, pushed as `library/nodelike:TAG`.
    static func publishNodelike(_ world: AlpineWorld, tags: [String], base: URL, baseName: String?) throws {
        let staging = world.dir.appending("nodelike-root-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(
            at: staging.appendingPathComponent("usr/local/bin"), withIntermediateDirectories: true)
        try "node\n".write(to: staging.appendingPathComponent("usr/local/bin/node"), atomically: true, encoding: .utf8)
        let tarball = world.dir.appending("nodelike-\(UUID().uuidString.prefix(6)).tar.gz")
        _ = try run(try requireTool("tar", package: "tar"), ["-czf", tarball.path, "-C", staging.path, "."])
        let out = world.dir.appending("nodelike-oci-\(UUID().uuidString.prefix(6))")
        var args = [
            TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", out.path,
            "--tag", "t", "--base", base.path,
        ]
        if let baseName { args += ["--base-name", baseName] }
        for arch in ["amd64", "arm64v8"] { args += ["--platform", "\(arch)=\(tarball.path)"] }
        _ = try run(try requireTool("python3", package: "python3"), args)
        for tag in tags { try world.registry.push(layout: out, tag: "t", repository: "library/nodelike", as: tag) }
    }

    func platform(_ json: [String: Any], tag: String, arch: String) -> [String: Any]? {
        let images = json["images"] as? [[String: Any]] ?? []
        let tags = images.first { $0["name"] as? String == "nodelike" }?["tags"] as? [[String: Any]] ?? []
        let platforms = tags.first { $0["tag"] as? String == tag }?["platforms"] as? [[String: Any]] ?? []
        return platforms.first { $0["arch"] as? String == arch }
    }

    @Test func aNodeLikeImageIsTracedThroughAlpineToTheRootfsTarball() async throws {
        let world = try await offPool {
            try AlpineWorld(images: "[[images]]\nname = \"nodelike\"\narchitectures = [\"amd64\", \"arm64v8\"]\n")
        }
        let ref = try await offPool { try Self.addNodelike(world) }
        try await world.publish(tags: ["3.20.3", "3.20", "3", "latest"])
        let alpine = try await offPool { try world.layout() }
        let impostor = try await offPool { try world.layout(extraFile: "etc/impostor") }
        try await offPool {
            try Self.publishNodelike(
                world, tags: ["22.11.0-alpine3.20", "22-alpine3.20"], base: alpine, baseName: "alpine:3.20")
            // Claims the same Dockerfile, but is built on another image's layers.
            try Self.publishNodelike(world, tags: ["22-onsomethingelse"], base: impostor, baseName: nil)
        }

        let result = try await CheckCommand.run(
            .init(references: ["nodelike"]), options: world.options(.json, libraryRef: ref))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let findings = json["findings"] as? [[String: Any]] ?? []
        let kinds = findings.map { "\($0["kind"] as? String ?? "")/\($0["tag"] as? String ?? "")" }

        // The good tags: built on alpine:3.20, whose own amd64 source is the real tarball.
        for (arch, dir) in [("amd64", "x86_64"), ("arm64v8", "aarch64")] {
            let p = try #require(platform(json, tag: "22-alpine3.20", arch: arch), "\(result.output)")
            let verified = p["verified"] as? [String] ?? []
            #expect(verified.contains { $0.contains("built on alpine:3.20 sha256:") }, "\(verified)")
            let chain = try #require(p["chain"] as? [[String: Any]], "\(p)")
            #expect(chain.count == 1)
            let link = try #require(chain.first)
            #expect(link["image"] as? String == "alpine:3.20" && link["base"] as? String == "scratch")
            #expect((link["problems"] as? [String] ?? []).isEmpty, "\(link)")
            let linkVerified = link["verified"] as? [String] ?? []
            #expect(
                linkVerified.contains("\(dir)/alpine-minirootfs-3.20.3-\(dir).tar.gz sha512 (checksums.sha512:1)")
                    || linkVerified.contains { $0.hasPrefix("\(dir)/alpine-minirootfs-3.20.3-\(dir).tar.gz sha512") },
                "\(linkVerified)")
            #expect((link["source"] as? [String: Any])?["gitCommit"] as? String == AlpineWorld.alpineCommit)
        }
        #expect(!kinds.contains { $0.hasPrefix("parent-") && $0.hasSuffix("/22-alpine3.20") }, "\(kinds)")

        // The impostor: its first layer is not alpine:3.20's.
        let mismatch = try #require(
            findings.first {
                $0["kind"] as? String == "parent-mismatch" && $0["tag"] as? String == "22-onsomethingelse"
            },
            "\(kinds)")
        #expect(mismatch["severity"] as? String == "alert" && mismatch["arch"] as? String == "amd64")
        #expect(result.exitCode == 1)

        // The text report shows the chain down to the tarball and scratch.
        let text = try await CheckCommand.run(
            .init(references: ["nodelike:22-alpine3.20"]), options: world.options(.text, libraryRef: ref))
        #expect(text.output.contains("→ alpine:3.20 sha256:"), "\(text.output)")
        #expect(
            text.output.contains(
                "(docker-alpine@7d63673 x86_64): ✓ x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz sha512"),
            "\(text.output)")
        #expect(text.output.contains("→ scratch"))
    }
}
