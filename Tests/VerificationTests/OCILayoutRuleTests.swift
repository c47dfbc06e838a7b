import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

/// The validator's rules on a layout on disk, through `Verifier` as `check` and `verify` call it:
/// a Debian-shaped oci-import layout broken one rule at a time. Before the validator each of
/// these layouts verified clean.
@Suite struct OCILayoutRuleTests {
    let tmp: TemporaryDirectory

    init() throws { tmp = try TemporaryDirectory("verify-oci-rules") }

    func layout(
        _ compression: VerificationFixtures.LayerCompression = .gzip, layerTar: URL? = nil
    ) throws -> VerificationFixtures.Layout {
        try VerificationFixtures.makeLayout(
            in: tmp.appending("repo/amd64/oci"), compression: compression, layerTar: layerTar)
    }

    /// The layout's problems, through the single entry point.
    func problems() throws -> [OCIProblem] {
        let report = try Verifier(tree: try LocalSourceTree(root: tmp.appending("repo").path))
            .verify(directory: "amd64/oci", file: "index.json", builder: "oci-import")
        let layout = try #require(report.layout)
        #expect(layout.findings.map(\.message) == layout.problems.map(\.description))
        #expect(layout.findings.allSatisfy { $0.kind == .layoutInvalid && $0.severity == .alert })
        return layout.problems
    }

    func blobPath(_ digest: String) -> String { "amd64/oci/blobs/sha256/" + digest.dropFirst(7) }
    var indexPath: String { "amd64/oci/index.json" }

    func rules(_ problems: [OCIProblem]) -> [String] { problems.map { "\($0.rule.rawValue) \($0.field)" } }

    @Test func bashbrew_ociImport_xzLayerIsRefusedAndStillVerified() throws {
        let made = try layout(.xz)
        let problems = try problems()
        #expect(rules(problems) == ["bashbrew/oci-import-media-type layers[0].mediaType"])
        #expect(problems.first?.document == blobPath(made.manifestDigest))
        let report = try OCILayoutVerifier(tree: try LocalSourceTree(root: tmp.appending("repo").path))
            .verify(directory: "amd64/oci")
        #expect(report.layers.first?.diffID?.description == made.diffID)
    }

    @Test func bashbrew_ociImport_dockerMediaTypesAreRefused() throws {
        var made = try layout()
        try VerificationFixtures.rewriteManifest(&made) { manifest in
            manifest["mediaType"] = MediaType.dockerManifest
            var config = manifest["config"] as! [String: Any]
            config["mediaType"] = MediaType.dockerConfig
            manifest["config"] = config
            var layers = manifest["layers"] as! [[String: Any]]
            layers[0]["mediaType"] = "application/vnd.docker.image.rootfs.diff.tar.gzip"
            manifest["layers"] = layers
        }
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { index in
            var m = index["manifests"] as! [[String: Any]]
            m[0]["mediaType"] = MediaType.dockerManifest
            index["manifests"] = m
        }
        #expect(
            rules(try problems()) == [
                "bashbrew/oci-import-media-type manifests[0].mediaType",
                "bashbrew/oci-import-media-type config.mediaType",
                "bashbrew/oci-import-media-type layers[0].mediaType",
            ])
    }

    @Test func bashbrew_ociImport_nonDistributableLayerIsRefused() throws {
        var made = try layout()
        try VerificationFixtures.rewriteManifest(&made) { manifest in
            var layers = manifest["layers"] as! [[String: Any]]
            layers[0]["mediaType"] = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
            manifest["layers"] = layers
        }
        let p = try #require(try problems().first)
        #expect(p.rule == .ociImportMediaType && p.message.contains("non-distributable"))
    }

    @Test func ggcr_validateLayer_duplicatePathInALayer() throws {
        let tar = tmp.appending("dup.tar")
        try TarWriter.archive([
            (path: "etc/os-release", content: "ID=one\n"), (path: "bin/sh", content: "#!\n"),
            (path: "etc/os-release", content: "ID=two\n"),
        ]).write(to: tar)
        let made = try layout(layerTar: tar)
        let problems = try problems()
        #expect(rules(problems) == ["ggcr/layer-duplicate-path "])
        #expect(problems.first?.document == blobPath(made.layerDigest))
        #expect(problems.first?.message.contains("\"etc/os-release\"") == true)
    }

    @Test func ggcr_validatePlatform_indexPlatformDiffersFromTheConfig() throws {
        let made = try layout()
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { index in
            var m = index["manifests"] as! [[String: Any]]
            m[0]["platform"] = ["architecture": "arm64", "os": "linux", "variant": "v8"]
            index["manifests"] = m
        }
        let problems = try problems()
        #expect(rules(problems) == ["ggcr/platform architecture", "ggcr/platform variant"])
        #expect(problems.allSatisfy { $0.document == blobPath(made.configDigest) })
        #expect(
            problems.first?.message == "is \"amd64\" but \(indexPath) manifests[0].platform.architecture says \"arm64\""
        )
    }

    @Test func imageSpec_config_envVolumesAndRootfsType() throws {
        var made = try layout()
        try VerificationFixtures.rewriteConfig(&made) { config in
            config["config"] = ["Env": ["PATH=/bin", "foo"], "Volumes": ["/data"]]
            var rootfs = config["rootfs"] as! [String: Any]
            rootfs["type"] = "zfs"
            config["rootfs"] = rootfs
        }
        let problems = try problems()
        #expect(
            Set(rules(problems)) == [
                "image-spec/config-env config.Env[1]", "image-spec/config-volumes config.Volumes",
                "image-spec/config-rootfs-type rootfs.type",
            ])
        #expect(problems.allSatisfy { $0.document == blobPath(made.configDigest) })
    }

    @Test func imageSpec_manifest_noLayers() throws {
        var made = try layout()
        try VerificationFixtures.rewriteManifest(&made) { manifest in manifest["layers"] = [Any]() }
        #expect(
            rules(try problems()) == [
                "image-spec/manifest-layers-nonempty layers", "ggcr/config-diff-ids rootfs.diff_ids",
            ])
    }

    @Test func imageSpec_index_schemaVersionOtherThan2() throws {
        _ = try layout()
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { $0["schemaVersion"] = 3 }
        let p = try #require(try problems().first)
        #expect(p.rule == .schemaVersion && p.document == indexPath && p.actual == "3")
    }

    @Test func imageSpec_index_subjectNotADescriptor() throws {
        _ = try layout()
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { $0["subject"] = "nope" }
        #expect(rules(try problems()) == ["image-spec/subject subject"])
    }

    @Test func imageSpec_descriptor_dataNotTheBlob() throws {
        _ = try layout()
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { index in
            var m = index["manifests"] as! [[String: Any]]
            m[0]["data"] = Data("{\"schemaVersion\":2}".utf8).base64EncodedString()
            index["manifests"] = m
        }
        #expect(rules(try problems()) == ["image-spec/data-content manifests[0].data"])
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { index in
            var m = index["manifests"] as! [[String: Any]]
            m[0]["data"] = "e30"
            index["manifests"] = m
        }
        #expect(rules(try problems()) == ["image-spec/data-base64 manifests[0].data"])
    }

    @Test func imageSpec_descriptor_dataEqualToTheBlobIsValid() throws {
        let made = try layout()
        let manifest = try Data(contentsOf: made.manifestPath)
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { index in
            var m = index["manifests"] as! [[String: Any]]
            m[0]["data"] = manifest.base64EncodedString()
            index["manifests"] = m
        }
        #expect(try problems() == [])
    }

    @Test func imageSpec_descriptor_malformedURLsAndArtifactType() throws {
        var made = try layout()
        try VerificationFixtures.rewriteManifest(&made) { manifest in
            manifest["artifactType"] = "foo/.bar"
            var layers = manifest["layers"] as! [[String: Any]]
            layers[0]["urls"] = ["https://example.com/layer", "layer.tar.gz"]
            manifest["layers"] = layers
        }
        let problems = try problems()
        #expect(Set(rules(problems)) == ["image-spec/artifact-type artifactType", "image-spec/urls layers[0].urls[1]"])
        #expect(problems.allSatisfy { $0.document == blobPath(made.manifestDigest) })
    }

    @Test func ggcr_validateMediaType_manifestDisagreesWithItsDescriptor() throws {
        var made = try layout()
        try VerificationFixtures.rewriteManifest(&made) { $0["mediaType"] = MediaType.dockerManifest }
        let p = try #require(try problems().first)
        #expect(p.rule == .documentMediaType && p.document == blobPath(made.manifestDigest) && p.field == "mediaType")
    }

    @Test func bashbrew_ociImport_unknownFieldsAreRefused() throws {
        var made = try layout()
        try VerificationFixtures.rewriteManifest(&made) { manifest in
            var layers = manifest["layers"] as! [[String: Any]]
            layers[0]["compression"] = "gzip"
            manifest["layers"] = layers
        }
        try VerificationFixtures.editJSON(tmp.appending("repo/amd64/oci/index.json")) { index in
            index["created"] = "2024-01-01"
            var m = index["manifests"] as! [[String: Any]]
            m[0]["platform"] = ["architecture": "amd64", "os": "linux", "cpu": "x86-64-v2"]
            index["manifests"] = m
        }
        let problems = try problems()
        #expect(
            rules(problems) == [
                "bashbrew/oci-import-known-fields created",
                "bashbrew/oci-import-known-fields manifests[0].platform.cpu",
                "bashbrew/oci-import-known-fields layers[0].compression",
            ])
        #expect(problems.last?.document == blobPath(made.manifestDigest))
    }

    @Test func imageSpec_layout_ociLayoutAndFileMustExist() throws {
        _ = try layout()
        try FileManager.default.removeItem(at: tmp.appending("repo/amd64/oci/oci-layout"))
        #expect(rules(try problems()) == ["image-spec/layout-file "])
        try FileManager.default.removeItem(at: tmp.appending("repo/amd64/oci/index.json"))
        #expect(rules(try problems()) == ["image-spec/layout-file ", "image-spec/layout-file "])
    }
}
