import Foundation
import Testing
import TrackbotCore

@testable import Verification

/// The rules beyond image-spec's schema cases: go-containerregistry's validate (pkg/v1/validate:
/// image.go, index.go, layer.go), image-spec's prose rules the schema cannot hold, and bashbrew's
/// oci-import policy (cmd/bashbrew/oci-builder.go). Each refusal names the document, the field
/// and the rule.
@Suite struct OCIValidatorTests {
    static let hexA = String(repeating: "ab", count: 32)
    static let l1 = "sha256:" + String(repeating: "4d", count: 32)

    static func config(_ settings: String = "", rootfsType: String = "layers", platform: String? = nil) -> [UInt8] {
        let p = platform ?? #""architecture":"amd64","os":"linux""#
        return Array(
            #"{\#(p),"config":{\#(settings)},"rootfs":{"type":"\#(rootfsType)","diff_ids":["\#(l1)"]}}"#.utf8)
    }

    static func only(_ problems: [OCIProblem]) -> OCIProblem? { problems.count == 1 ? problems[0] : nil }

    // MARK: image-spec rules the schema cases do not show

    @Test func imageSpec_index_schemaVersionOtherThan2() throws {
        for version in ["3", "1", "\"2\""] {
            let bytes = Array(#"{"schemaVersion":\#(version),"manifests":[]}"#.utf8)
            let p = try #require(Self.only(OCIValidator.index(bytes, document: "index.json")), "\(version)")
            #expect(p.rule == .schemaVersion && p.field == "schemaVersion" && p.expected == "2")
            #expect(p.description.hasPrefix("index.json schemaVersion: is "), "\(p)")
        }
        let missing = try #require(Self.only(OCIValidator.index(Array(#"{"manifests":[]}"#.utf8), document: "i")))
        #expect(missing.rule == .required && missing.field == "schemaVersion")
    }

    @Test func imageSpec_config_envEntriesAreKeyEqualsValue() throws {
        for bad in ["foo", "=value", ""] {
            let problems = OCIValidator.config(Self.config(#""Env":["A=1","\#(bad)"]"#), document: "config")
            let p = try #require(Self.only(problems), "\(bad)")
            #expect(p.rule == .env && p.field == "config.Env[1]" && p.document == "config")
        }
        #expect(OCIValidator.config(Self.config(#""Env":["A=","B==","C=x=y"]"#), document: "c") == [])
        let wrong = try #require(Self.only(OCIValidator.config(Self.config(#""Env":"A=1""#), document: "c")))
        #expect(wrong.rule == .env && wrong.field == "config.Env")
    }

    @Test func imageSpec_config_volumesAndExposedPortsAreMapsOfObjects() throws {
        let list = try #require(Self.only(OCIValidator.config(Self.config(#""Volumes":["/data"]"#), document: "c")))
        #expect(list.rule == .volumes && list.field == "config.Volumes")
        let inner = try #require(
            Self.only(OCIValidator.config(Self.config(#""Volumes":{"/data":"yes"}"#), document: "c")))
        #expect(inner.rule == .volumes && inner.field == #"config.Volumes["/data"]"#)
        let ports = try #require(
            Self.only(OCIValidator.config(Self.config(#""ExposedPorts":"80/tcp""#), document: "c")))
        #expect(ports.rule == .exposedPorts && ports.field == "config.ExposedPorts")
        #expect(
            OCIValidator.config(
                Self.config(#""Volumes":null,"ExposedPorts":{"80/tcp":{}},"Labels":null,"Cmd":null"#), document: "c")
                == [])
    }

    @Test func imageSpec_and_ggcr_config_rootfsTypeIsLayers() throws {
        let p = try #require(Self.only(OCIValidator.config(Self.config(rootfsType: "zfs"), document: "config x")))
        #expect(p.rule == .rootfsType && p.field == "rootfs.type" && p.expected == "layers" && p.actual == "zfs")
    }

    @Test func imageSpec_descriptor_urlsAreURIs() {
        for bad in ["value", "http://exa mple.com/x", "/relative/path", "1http://x"] {
            let d =
                #"{"mediaType":"a/b","size":1,"digest":"sha256:\#(Self.hexA)","urls":["https://ok.example/x","\#(bad)"]}"#
            let problems = OCIValidator.descriptor(Array(d.utf8), document: "d")
            #expect(problems.map(\.rule) == [.urls] && problems.first?.field == "urls[1]", "\(bad): \(problems)")
        }
    }

    @Test func imageSpec_descriptor_dataMustBeTheContent() throws {
        let content = Array("hello, trackbot\n".utf8)
        let digest = StreamingHasher.digest(content)
        var d = Descriptor(mediaType: "text/plain", digest: digest, size: Int64(content.count))
        d.data = Data(content).base64EncodedString()
        #expect(OCIValidator.embeddedData(d, document: "index.json", field: "manifests[0]") == [])
        d.data = Data("hello, trackbot!\n".utf8).base64EncodedString()
        let wrong = try #require(Self.only(OCIValidator.embeddedData(d, document: "index.json", field: "manifests[0]")))
        #expect(
            wrong.rule == .dataContent && wrong.field == "manifests[0].data" && wrong.expected == digest.description)
        d.data = "aGVsbG8"  // not padded: the schema rules say so, once
        #expect(OCIValidator.embeddedData(d, document: "i", field: "layers[2]") == [])
        let json = #"{"mediaType":"text/plain","size":5,"digest":"\#(digest)","data":"aGVsbG8"}"#
        let notBase64 = try #require(Self.only(OCIValidator.descriptor(Array(json.utf8), document: "d")))
        #expect(notBase64.rule == .data && notBase64.field == "data")
    }

    @Test func imageSpec_annotations_areStrings() throws {
        let bytes = Array(
            #"{"schemaVersion":2,"manifests":[],"annotations":{"org.opencontainers.image.version":1,"ok":"yes"}}"#.utf8)
        let p = try #require(Self.only(OCIValidator.index(bytes, document: "index")))
        #expect(p.rule == .annotations && p.field == #"annotations["org.opencontainers.image.version"]"#)
    }

    @Test func imageSpec_index_subjectMustBeADescriptor() throws {
        let bytes = Array(#"{"schemaVersion":2,"manifests":[],"subject":{"mediaType":"a/b","size":3}}"#.utf8)
        let p = try #require(Self.only(OCIValidator.index(bytes, document: "index")))
        #expect(p.rule == .required && p.field == "subject.digest")
        let list = Array(#"{"schemaVersion":2,"manifests":[],"subject":[1]}"#.utf8)
        #expect(OCIValidator.index(list, document: "index").map(\.rule) == [.subject])
    }

    @Test func imageSpec_artifactType_isAMediaType() throws {
        let bytes = Array(
            #"{"schemaVersion":2,"artifactType":"not a type","manifests":[{"mediaType":"a/b","size":1,"digest":"sha256:\#(Self.hexA)","artifactType":"x/.y"}]}"#
                .utf8)
        let problems = OCIValidator.index(bytes, document: "index")
        #expect(Set(problems.map(\.field)) == ["artifactType", "manifests[0].artifactType"])
        #expect(problems.allSatisfy { $0.rule == .artifactType })
    }

    // MARK: go-containerregistry's validate

    @Test func ggcr_validate_blobSizeAndDigest() {
        let bytes = Array("{}".utf8)
        let right = Descriptor(
            mediaType: MediaType.ociConfig, digest: StreamingHasher.digest(bytes), size: Int64(bytes.count))
        #expect(OCIValidator.content(bytes, described: right, document: "blob", field: "m config") == [])
        var wrong = right
        wrong.size = 3
        wrong.digest = try! Digest(parsing: "sha256:" + Self.hexA)
        let problems = OCIValidator.content(bytes, described: wrong, document: "blob", field: "m config")
        #expect(problems.map(\.rule) == [.blobSize, .blobDigest])
        #expect(problems.first?.description == "blob: is 2 bytes but m config.size says 3 [ggcr/blob-size]")
    }

    @Test func ggcr_validateMediaType_manifestSaysWhatItsDescriptorSays() throws {
        let d = Descriptor(
            mediaType: MediaType.ociManifest, digest: try Digest(parsing: "sha256:" + Self.hexA), size: 9)
        #expect(OCIValidator.mediaType(nil, described: d, document: "m", field: "index.json manifests[0]") == [])
        let p = try #require(
            Self.only(
                OCIValidator.mediaType(
                    MediaType.dockerManifest, described: d, document: "m", field: "index.json manifests[0]")))
        #expect(p.rule == .documentMediaType && p.field == "mediaType" && p.actual == MediaType.dockerManifest)
    }

    @Test func ggcr_validatePlatform_descriptorAgainstConfig() throws {
        let config = ImageConfig(architecture: "arm64", os: "linux", variant: "v8", rootfs: nil)
        let same = DescriptorPlatform(architecture: "arm64", os: "linux", variant: "v8")
        #expect(OCIValidator.platform(same, config: config, document: "c", field: "index.json manifests[0]") == [])
        #expect(OCIValidator.platform(nil, config: config, document: "c", field: "i") == [])
        let other = DescriptorPlatform(architecture: "amd64", os: "windows", variant: nil)
        let problems = OCIValidator.platform(other, config: config, document: "c", field: "index.json manifests[0]")
        #expect(problems.map(\.field) == ["os", "architecture", "variant"])
        #expect(problems.allSatisfy { $0.rule == .platformMatchesConfig })
        #expect(
            problems[1].description
                == "c architecture: is \"arm64\" but index.json manifests[0].platform.architecture says \"amd64\" [ggcr/platform]"
        )
    }

    @Test func ggcr_validateLayers_diffIDsOneForOne() throws {
        let a = try Digest(parsing: "sha256:" + Self.hexA)
        let b = try Digest(parsing: Self.l1)
        let config = ImageConfig(architecture: "amd64", os: "linux", rootfs: .init(diffIDs: [a]))
        #expect(OCIValidator.diffIDs(config, computed: [a], document: "c") == [])
        #expect(OCIValidator.diffIDs(config, computed: [b]).map(\.field) == ["rootfs.diff_ids[0]"])
        #expect(OCIValidator.diffIDs(config, computed: [a, b]).map(\.field) == ["rootfs.diff_ids"])
        #expect(OCIValidator.diffIDs(config, computed: [nil], document: "c") == [])
    }

    @Test func ggcr_validateLayer_duplicateFilePath() throws {
        var paths = DuplicatePaths()
        for p in ["etc", "etc/passwd", "bin/sh", "etc/passwd", "bin/sh", "etc/passwd"] { paths.add(p) }
        let p = try #require(Self.only(paths.problems(document: "layer sha256:x", field: "")))
        #expect(p.rule == .duplicatePath && p.document == "layer sha256:x")
        #expect(p.message == #"holds 3 paths more than once: "etc/passwd", "bin/sh", "etc/passwd""#)
        var none = DuplicatePaths()
        for p in ["a", "a/b", "b"] { none.add(p) }
        #expect(none.problems(document: "l", field: "") == [])
    }

    // MARK: bashbrew's oci-import policy

    static func manifest(config: String = MediaType.ociConfig, layers: [String]) throws -> ImageManifest {
        let d = try Digest(parsing: "sha256:" + hexA)
        return ImageManifest(
            config: Descriptor(mediaType: config, digest: d, size: 2),
            layers: layers.map { Descriptor(mediaType: $0, digest: d, size: 2) })
    }

    @Test func bashbrew_ociImport_takesOCITarGzipZstdLayersOnly() throws {
        let accepted = try Self.manifest(layers: OCIImportPolicy.layerMediaTypes.sorted())
        #expect(OCIImportPolicy.manifest(accepted, document: "m") == [])
        let refused = [
            "application/vnd.oci.image.layer.v1.tar+xz": "an xz layer",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": "a non-distributable layer",
            "application/vnd.docker.image.rootfs.diff.tar.gzip": "a Docker media type",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": "a Docker media type",
        ]
        for (type, why) in refused {
            let p = try #require(Self.only(OCIImportPolicy.manifest(try Self.manifest(layers: [type]), document: "m")))
            #expect(p.rule == .ociImportMediaType && p.field == "layers[0].mediaType" && p.actual == type)
            #expect(p.message.contains("(\(why))"), "\(p)")
        }
    }

    @Test func bashbrew_ociImport_takesOCIManifestAndConfigOnly() throws {
        let docker = try Self.manifest(
            config: MediaType.dockerConfig, layers: ["application/vnd.oci.image.layer.v1.tar+gzip"])
        #expect(OCIImportPolicy.manifest(docker, document: "m").map(\.field) == ["config.mediaType"])
        let d = Descriptor(mediaType: MediaType.dockerManifest, digest: try Digest(parsing: Self.l1), size: 1)
        let p = try #require(
            Self.only(OCIImportPolicy.manifestDescriptor(d, document: "index.json", field: "manifests[0]")))
        #expect(p.rule == .ociImportMediaType && p.field == "manifests[0].mediaType")
        #expect(
            OCIImportPolicy.manifestDescriptor(
                Descriptor(mediaType: MediaType.ociManifest, digest: d.digest, size: 1), document: "i", field: "") == []
        )
    }

    @Test func bashbrew_ociImport_exactlyOneManifest() throws {
        let d = Descriptor(mediaType: MediaType.ociManifest, digest: try Digest(parsing: Self.l1), size: 1)
        #expect(OCIImportPolicy.index(ImageIndex(manifests: [d]), document: "i") == [])
        for list in [[], [d, d]] {
            let p = try #require(Self.only(OCIImportPolicy.index(ImageIndex(manifests: list), document: "i")))
            #expect(p.rule == .ociImportOneManifest && p.actual == String(list.count))
        }
    }

    @Test func problemsOfOnePlaceAreOneFindingNamingEach() throws {
        let a = OCIProblem(
            document: "index x", field: "schemaVersion", rule: .schemaVersion, message: "is 3", actual: "3")
        let b = OCIProblem(document: "index x", field: "subject", rule: .subject, message: "is a string")
        #expect([OCIProblem]().finding(.manifestInvalid) == nil)
        let one = try #require([a].finding(.manifestInvalid, image: "i", tag: "t"))
        #expect(one.message == "index x schemaVersion: is 3 [image-spec/schema-version]" && one.actual == "3")
        let two = try #require([a, b].finding(.manifestInvalid, image: "i", tag: "t", arch: "amd64"))
        #expect(two.kind == .manifestInvalid && two.severity == .alert && two.arch == "amd64")
        #expect(
            two.message
                == "2 problems: index x schemaVersion: is 3 [image-spec/schema-version]; index x subject: is a string [image-spec/subject]"
        )
    }

    // MARK: what a registry serves

    @Test func published_dockerHubShapedIndexWithAttestationsIsValid() throws {
        let index = #"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(Self.hexA)","size":1000,
              "annotations":{"com.docker.official-images.bashbrew.arch":"amd64","org.opencontainers.image.revision":"abc"},
              "platform":{"architecture":"amd64","os":"linux"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(Self.l1)","size":840,
              "annotations":{"vnd.docker.reference.digest":"sha256:\#(Self.hexA)","vnd.docker.reference.type":"attestation-manifest"},
              "platform":{"architecture":"unknown","os":"unknown"}}]}
            """#
        #expect(OCIValidator.published(Array(index.utf8), mediaType: MediaType.ociIndex, document: "index x") == [])
        let list = #"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:\#(Self.hexA)","size":528,
              "platform":{"architecture":"arm","os":"linux","variant":"v7"}}]}
            """#
        #expect(
            OCIValidator.published(Array(list.utf8), mediaType: MediaType.dockerManifestList, document: "list") == [])
    }

    @Test func published_anImageManifestWithNoLayersIsRefused() throws {
        let manifest =
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(Self.l1)","size":2},"layers":[]}"#
        let p = try #require(
            Self.only(
                OCIValidator.published(Array(manifest.utf8), mediaType: MediaType.ociManifest, document: "manifest m")))
        #expect(p.rule == .layersNonEmpty && p.document == "manifest m" && p.field == "layers")
    }
}

extension OCIValidator {
    /// For the tests: a document name that does not matter.
    static func diffIDs(_ config: ImageConfig, computed: [Digest?]) -> [OCIProblem] {
        diffIDs(config, computed: computed, document: "c")
    }
}
