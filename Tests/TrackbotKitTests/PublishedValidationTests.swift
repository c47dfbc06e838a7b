import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// What the registry publishes goes through the same OCI validator as a layout: the index of
/// every tag (when it is fetched), and with `--deep` the platform's manifest, config and layer.
/// Each refusal is a `manifest-invalid` alert naming the document, the field and the rule.
@Suite("published documents: the OCI validator on what the registry serves", .serialized)
struct PublishedValidationTests {
    /// An upstream `FROM scratch` + `ADD rootfs.tar.gz /` image named `name`, tag `1`, whose
    /// library entry is pushed; returns the rootfs tarball.
    static func scratchImage(_ world: SyntheticWorld, _ name: String, files: [String: String]) throws -> URL {
        let rootfs = try world.rootfs(files)
        let work = try world.upstream(name)
        try FileManager.default.copyItem(at: rootfs, to: work.appendingPathComponent("rootfs.tar.gz"))
        let sha = try run(try findTool("sha256sum", package: "coreutils"), [rootfs.path]).prefix(64)
        let commit = try world.commit(
            name,
            files: [
                "Dockerfile": "FROM scratch\nADD rootfs.tar.gz /\nCMD [\"/bin/sh\"]\n",
                "rootfs.tar.gz.sha256": "\(sha)  rootfs.tar.gz\n",
            ])
        try world.upstreamGit(name, ["push", "--quiet", "origin", "main"])
        try world.library(
            name, SyntheticWorld.libraryFile(repo: name, entries: [("1", "refs/heads/main", commit, "")]))
        return rootfs
    }

    /// An OCI index over `manifest` (amd64), with `descriptor` edits, as a blob of `builder`.
    static func index(
        _ builder: OCILayoutBuilder, _ manifest: BuiltBlob, edit: (inout [String: Any]) -> Void = { _ in }
    ) throws -> BuiltBlob {
        var d = manifest.descriptor(platform: ["architecture": "amd64", "os": "linux"])
        edit(&d)
        return try builder.json(
            ["schemaVersion": 2, "mediaType": MediaType.ociIndex, "manifests": [d]], mediaType: MediaType.ociIndex)
    }

    @Test func imageSpec_publishedIndex_invalidArtifactTypeIsManifestInvalid() async throws {
        let world = try await offPool { try SyntheticWorld() }
        _ = try Self.scratchImage(world, "flaky", files: ["bin/sh": "#!fake\n", "etc/os-release": "ID=flaky\n"])
        let builder = try OCILayoutBuilder(world.dir.appending("flaky-oci"))
        let manifest = try builder.image(architecture: "amd64", content: "ID=flaky\n")
        let index = try Self.index(builder, manifest) { $0["artifactType"] = "foo/.bar" }
        try world.registry.pushDirect(
            layout: builder.directory, manifests: [manifest, index], repository: "library/flaky", tag: "1")

        let (first, report) = try await world.check(["flaky"])
        #expect(first.exitCode == 1, "\(first.output)")
        let f = try #require(report.findings.first { $0.kind == "manifest-invalid" }, "\(report.findings)")
        #expect(f.severity == "alert" && f.tag == "1" && f.arch == nil)
        #expect(
            f.message
                == "index \(index.digest) manifests[0].artifactType: \"foo/.bar\" is not a media type (type/subtype, RFC 6838) [image-spec/artifact-type]",
            "\(f.message)")
        #expect(report.findings.filter { $0.kind == "manifest-invalid" }.count == 1)

        // The index is not fetched again (its digest did not change): the alert stays open.
        let (second, again) = try await world.check(["flaky"])
        #expect(second.exitCode == 1, "\(second.output)")
        let kept = try #require(again.findings.first { $0.kind == "manifest-invalid" }, "\(again.findings)")
        #expect(kept.message.hasPrefix(f.message) && kept.alertStatus == "open", "\(kept)")
    }

    @Test func publishedIndexOfAValidImageIsNotFlagged() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let rootfs = try Self.scratchImage(world, "fine", files: ["bin/sh": "#!fake\n", "etc/os-release": "ID=fine\n"])
        try world.publish("fine", tag: "1", rootfs: rootfs)
        let (result, report) = try await world.check(["fine"], deep: true)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(!report.findings.contains { $0.kind == "manifest-invalid" }, "\(report.findings)")
    }

    @Test func ggcr_deep_configPlatformAndDuplicateLayerPathsAreManifestInvalid() async throws {
        let world = try await offPool { try SyntheticWorld() }
        _ = try Self.scratchImage(world, "twice", files: ["bin/sh": "#!fake\n", "etc/os-release": "ID=twice\n"])
        let builder = try OCILayoutBuilder(world.dir.appending("twice-oci"))
        // One layer holding etc/os-release twice, a config saying variant v3 where the index says none.
        let layer = try builder.layer([
            (path: "bin/sh", content: "#!fake\n"), (path: "etc/os-release", content: "ID=old\n"),
            (path: "etc/os-release", content: "ID=twice\n"),
        ])
        let config = try builder.json(
            [
                "architecture": "amd64", "os": "linux", "variant": "v3",
                "rootfs": ["type": "layers", "diff_ids": [layer.diffID.description]],
            ], mediaType: MediaType.ociConfig)
        let manifest = try builder.json(
            [
                "schemaVersion": 2, "mediaType": MediaType.ociManifest, "config": config.descriptor(),
                "layers": [layer.blob.descriptor()],
            ], mediaType: MediaType.ociManifest)
        let index = try Self.index(builder, manifest)
        try world.registry.pushDirect(
            layout: builder.directory, manifests: [manifest, index], repository: "library/twice", tag: "1")

        // Without --deep only the index is read, and it is valid.
        let (plain, rp) = try await world.check(["twice"])
        #expect(!rp.findings.contains { $0.kind == "manifest-invalid" }, "\(plain.output)")

        let (deep, report) = try await world.check(["twice"], deep: true)
        #expect(deep.exitCode == 1, "\(deep.output)")
        // One alert for the platform, naming each problem.
        let invalid = report.findings.filter { $0.kind == "manifest-invalid" }
        let f = try #require(invalid.first, "\(report.findings)")
        #expect(invalid.count == 1 && f.severity == "alert" && f.tag == "1" && f.arch == "amd64")
        #expect(
            f.message == "2 problems: "
                + "config \(config.digest) variant: is \"v3\" but the index's descriptor of \(manifest.digest).platform.variant says nothing [ggcr/platform]; "
                + "layer \(layer.blob.digest): holds 1 path more than once: \"etc/os-release\" [ggcr/layer-duplicate-path]",
            "\(f.message)")
    }
}
