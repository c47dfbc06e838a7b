import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

/// oci-import layouts shaped like Debian's and Ubuntu's, built by the test, then broken one way each.
@Suite struct OCILayoutTests {
    let tmp: TemporaryDirectory

    init() throws { tmp = try TemporaryDirectory("verify-oci") }

    func layout(_ compression: VerificationFixtures.LayerCompression = .gzip) throws -> VerificationFixtures.Layout {
        let dir = tmp.appending("repo/amd64/oci")
        return try VerificationFixtures.makeLayout(in: dir, compression: compression)
    }

    func verify(_ file: String = "index.json") throws -> LayoutVerification {
        let tree = try LocalSourceTree(root: tmp.appending("repo").path)
        return try OCILayoutVerifier(tree: tree).verify(directory: "amd64/oci", file: file)
    }

    func blobPath(_ digest: String) -> String { "amd64/oci/blobs/sha256/" + digest.dropFirst(7) }

    /// xz is a layer type image-spec defines but bashbrew's oci-import does not take (see
    /// `bashbrew_ociImport_xzLayerIsRefusedAndStillVerified`).
    @Test(arguments: [VerificationFixtures.LayerCompression.gzip, .zstd, .none])
    func aSoundLayoutVerifies(compression: VerificationFixtures.LayerCompression) throws {
        let made = try layout(compression)
        let result = try verify()
        #expect(result.findings == [])
        #expect(result.isValid)
        #expect(result.imageLayoutVersion == "1.0.0")
        #expect(result.expectedManifestDigest?.description == made.manifestDigest)
        #expect(result.config?.digest.description == made.configDigest)
        #expect(result.layers.map(\.descriptor.digest.description) == [made.layerDigest])
        #expect(result.layers.first?.diffID?.description == made.diffID)
        #expect(result.layers.first?.compression.rawValue == (compression == .none ? "none" : compression.rawValue))
        #expect(result.platform == Platform(os: "linux", architecture: "amd64"))
        // Through the single entry point too.
        let report = try Verifier(tree: try LocalSourceTree(root: tmp.appending("repo").path))
            .verify(directory: "amd64/oci", file: "index.json", builder: "oci-import")
        #expect(report.kind == .ociImport && report.findings == [] && report.layout == result)
    }

    @Test func skopeoAgreesTheLayoutIsSound() throws {
        let made = try layout()
        let raw = try runTool("skopeo", ["inspect", "--raw", "oci:\(made.directory.path)"])
        let digest = StreamingHasher.digest(Array(raw.utf8))
        #expect(digest.description == (try verify()).expectedManifestDigest?.description)
    }

    @Test func aDescriptorFileLeadsToTheManifest() throws {
        let made = try layout()
        let index =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: made.directory.appendingPathComponent("index.json"))) as! [String: Any]
        let descriptor = (index["manifests"] as! [[String: Any]])[0]
        try JSONSerialization.data(withJSONObject: descriptor).write(
            to: made.directory.appendingPathComponent("descriptor.json"))
        let result = try verify("descriptor.json")
        #expect(result.findings == [])
        #expect(result.expectedManifestDigest?.description == made.manifestDigest)
    }

    @Test func wrongSize() throws {
        let made = try layout()
        try VerificationFixtures.editJSON(made.directory.appendingPathComponent("index.json")) { index in
            var m = index["manifests"] as! [[String: Any]]
            m[0]["size"] = (m[0]["size"] as! Int) + 1
            index["manifests"] = m
        }
        let size = try Data(contentsOf: made.manifestPath).count
        let result = try verify()
        #expect(
            result.findings == [
                Finding(
                    kind: .layoutInvalid, severity: .alert,
                    message:
                        "\(blobPath(made.manifestDigest)): is \(size) bytes but amd64/oci/index.json manifests[0].size says \(size + 1) [ggcr/blob-size]",
                    expected: String(size + 1), actual: String(size))
            ])
    }

    @Test func wrongLayerSize() throws {
        var made = try layout()
        let size = try Data(contentsOf: made.layerPath).count
        try VerificationFixtures.rewriteManifest(&made) { manifest in
            var layers = manifest["layers"] as! [[String: Any]]
            layers[0]["size"] = size - 10
            manifest["layers"] = layers
        }
        let result = try verify()
        #expect(
            result.findings.map(\.message) == [
                "\(blobPath(made.layerDigest)): is \(size) bytes but \(blobPath(made.manifestDigest)) layers[0].size says \(size - 10) [ggcr/blob-size]"
            ])
        #expect(result.expectedManifestDigest?.description == made.manifestDigest)
    }

    @Test func wrongDigest() throws {
        let made = try layout()
        // Change one character of the config inside a JSON string: still valid JSON, another hash.
        let text = try String(contentsOf: made.configPath, encoding: .utf8).replacingOccurrences(
            of: "\"bash\"", with: "\"dash\"")
        try text.write(to: made.configPath, atomically: true, encoding: .utf8)
        let actual = try VerificationFixtures.sha256sum(made.configPath)
        let result = try verify()
        #expect(
            result.findings == [
                Finding(
                    kind: .layoutInvalid, severity: .alert,
                    message:
                        "\(blobPath(made.configDigest)): hashes to sha256:\(actual), not the \(blobPath(made.manifestDigest)) config.digest that names it [ggcr/blob-digest]",
                    expected: made.configDigest, actual: "sha256:" + actual)
            ])
    }

    @Test func wrongDiffID() throws {
        var made = try layout(.zstd)
        let wrong = "sha256:" + String(repeating: "ab", count: 32)
        try VerificationFixtures.rewriteConfig(&made) { config in
            config["rootfs"] = ["type": "layers", "diff_ids": [wrong]]
        }
        let result = try verify()
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.expected == wrong)
        #expect(result.findings.first?.actual == made.diffID)
        #expect(result.findings.first?.message.contains("rootfs.diff_ids[0]") == true)
    }

    @Test func twoManifests() throws {
        let made = try layout()
        try VerificationFixtures.editJSON(made.directory.appendingPathComponent("index.json")) { index in
            let m = index["manifests"] as! [[String: Any]]
            index["manifests"] = m + m
        }
        let result = try verify()
        #expect(
            result.findings.map(\.message) == [
                "amd64/oci/index.json manifests: lists 2 manifests; an oci-import layout must hold exactly one [bashbrew/oci-import-one-manifest]"
            ])
        #expect(result.expectedManifestDigest == nil)
    }

    @Test func wrongLayoutVersion() throws {
        let made = try layout()
        try #"{"imageLayoutVersion":"2.0.0"}"#.write(
            to: made.directory.appendingPathComponent("oci-layout"), atomically: true, encoding: .utf8)
        let result = try verify()
        #expect(result.findings.map(\.expected) == ["1.0.0"])
        #expect(result.findings.map(\.actual) == ["2.0.0"])
    }

    @Test func missingBlob() throws {
        let made = try layout(.zstd)
        try FileManager.default.removeItem(at: made.layerPath)
        let result = try verify()
        #expect(
            result.findings.map(\.message) == [
                "\(blobPath(made.layerDigest)): is missing (\(blobPath(made.manifestDigest)) layers[0]) [ggcr/blob-missing]"
            ])
    }

    @Test func unknownMediaType() throws {
        var made = try layout()
        try VerificationFixtures.rewriteManifest(&made) { manifest in
            var layers = manifest["layers"] as! [[String: Any]]
            layers[0]["mediaType"] = "application/vnd.example.layer.v1+squashfs"
            manifest["layers"] = layers
        }
        let result = try verify()
        #expect(
            result.findings.map(\.message) == [
                "\(blobPath(made.manifestDigest)) layers[0].mediaType: is application/vnd.example.layer.v1+squashfs; oci-import takes only OCI tar, tar+gzip and tar+zstd layers [bashbrew/oci-import-media-type]"
            ])
    }

    @Test func aCorruptLayerIsReportedNotThrown() throws {
        let made = try layout(.gzip)
        var bytes = try Data(contentsOf: made.layerPath)
        bytes[bytes.count - 6] ^= 0xff  // inside the CRC-32/length trailer
        try bytes.write(to: made.layerPath)
        let result = try verify()
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.message.contains("is not valid gzip data") == true)
    }

    @Test func listingLayersInTheSamePass() throws {
        _ = try layout(.zstd)
        let tree = try LocalSourceTree(root: tmp.appending("repo").path)
        let result = try OCILayoutVerifier(tree: tree, listLayers: true).verify(directory: "amd64/oci")
        let paths = result.layers.first?.listing?.entries.map(\.path) ?? []
        #expect(paths.contains("etc/issue") && paths.contains("usr/bin/sh"))
        #expect(result.findings == [])
    }
}
