import Foundation
import Testing
import TrackbotCore

@testable import Verification

/// image-spec's own schema cases (schema/descriptor_test.go, imageindex_test.go, manifest_test.go,
/// config_test.go: 65 cases), each rebuilt here with our own values: the same shape, the same
/// expectation. A refused case also names the rule and the field.
@Suite struct OCISchemaPeerCaseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        enum Document: Sendable { case descriptor, index, manifest, config }
        var name: String
        var document: Document
        var json: String
        /// nil: image-spec accepts it.
        var rule: OCIRule?
        var field: String = ""
        var testDescription: String { name }
    }

    static let m1 = "sha256:" + String(repeating: "1a", count: 32)
    static let m2 = "sha256:" + String(repeating: "2b", count: 32)
    static let c1 = "sha256:" + String(repeating: "3c", count: 32)
    static let l1 = "sha256:" + String(repeating: "4d", count: 32)
    static let manifestType = "application/vnd.oci.image.manifest.v1+json"

    static func descriptor(_ fields: String) -> String { "{\(fields)}" }
    static func index(_ manifests: String, extra: String = "") -> String {
        #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\#(manifests)]\#(extra)}"#
    }
    static func entry(mediaType: String = manifestType, size: String = "7000", digest: String? = m1, platform: String?)
        -> String
    {
        var fields = [#""mediaType":"\#(mediaType)""#, #""size":\#(size)"#]
        if let digest { fields.append(#""digest":"\#(digest)""#) }
        if let platform { fields.append(#""platform":\#(platform)"#) }
        return "{" + fields.joined(separator: ",") + "}"
    }
    static func manifest(config: String, layers: String, extra: String = "") -> String {
        #"{"schemaVersion":2,"mediaType":"\#(manifestType)","config":\#(config),"layers":[\#(layers)]\#(extra)}"#
    }
    static func blob(_ mediaType: String, _ size: String, _ digest: String) -> String {
        #"{"mediaType":"\#(mediaType)","size":\#(size),"digest":"\#(digest)"}"#
    }
    static let config = blob("application/vnd.oci.image.config.v1+json", "1400", c1)
    static let layer = blob("application/vnd.oci.image.layer.v1.tar+gzip", "600000", l1)
    static let rootfs = #""rootfs":{"type":"layers","diff_ids":["\#(l1)"]}"#
    static let amd64 = #"{"architecture":"amd64","os":"linux"}"#

    static let descriptorCases: [Case] = [
        Case(name: "descriptor: valid", document: .descriptor, json: blob(manifestType, "7000", m1)),
        Case(
            name: "descriptor: zero-length blob", document: .descriptor,
            json: blob("application/octet-stream", "0", "sha256:" + StreamingHasher.digest([UInt8]()).hex)),
        Case(
            name: "descriptor: mediaType missing", document: .descriptor,
            json: descriptor(#""size":7000,"digest":"\#(m1)""#), rule: .required, field: "mediaType"),
        Case(
            name: "descriptor: mediaType without subtype", document: .descriptor,
            json: blob("application", "7000", m1), rule: .mediaType, field: "mediaType"),
        Case(
            name: "descriptor: mediaType type starts with a dot", document: .descriptor,
            json: blob(".foo/bar", "7000", m1), rule: .mediaType, field: "mediaType"),
        Case(
            name: "descriptor: mediaType subtype starts with a dot", document: .descriptor,
            json: blob("foo/.bar", "7000", m1), rule: .mediaType, field: "mediaType"),
        Case(
            name: "descriptor: mediaType type and subtype 127 characters", document: .descriptor,
            json: blob(String(repeating: "t", count: 127) + "/" + String(repeating: "s", count: 127), "7000", m1)),
        Case(
            name: "descriptor: mediaType type 128 characters", document: .descriptor,
            json: blob(String(repeating: "t", count: 128) + "/bar", "7000", m1), rule: .mediaType,
            field: "mediaType"),
        Case(
            name: "descriptor: mediaType subtype 128 characters", document: .descriptor,
            json: blob("foo/" + String(repeating: "s", count: 128), "7000", m1), rule: .mediaType,
            field: "mediaType"),
        Case(
            name: "descriptor: size missing", document: .descriptor,
            json: descriptor(#""mediaType":"\#(manifestType)","digest":"\#(m1)""#), rule: .required, field: "size"),
        Case(
            name: "descriptor: size is a string", document: .descriptor, json: blob(manifestType, "\"7000\"", m1),
            rule: .size, field: "size"),
        Case(
            name: "descriptor: digest missing", document: .descriptor,
            json: descriptor(#""mediaType":"\#(manifestType)","size":7000"#), rule: .required, field: "digest"),
        Case(
            name: "descriptor: digest without algorithm", document: .descriptor,
            json: blob(manifestType, "7000", ":" + m1.dropFirst(7)), rule: .digest, field: "digest"),
        Case(
            name: "descriptor: digest without encoded part", document: .descriptor,
            json: blob(manifestType, "7000", "sha256"), rule: .digest, field: "digest"),
        Case(
            name: "descriptor: digest algorithm in capitals", document: .descriptor,
            json: blob(manifestType, "7000", "SHA256:" + m1.dropFirst(7)), rule: .digest, field: "digest"),
        Case(
            name: "descriptor: sha256 digest in capitals", document: .descriptor,
            json: blob(manifestType, "7000", "sha256:" + m1.dropFirst(7).uppercased()), rule: .digest,
            field: "digest"),
        Case(
            name: "descriptor: urls with a URL", document: .descriptor,
            json: descriptor(
                #""mediaType":"\#(manifestType)","size":7000,"digest":"\#(m1)","urls":["https://example.com/blob"]"#)),
        Case(
            name: "descriptor: urls with something that is not a URI", document: .descriptor,
            json: descriptor(#""mediaType":"\#(manifestType)","size":7000,"digest":"\#(m1)","urls":["blob"]"#),
            rule: .urls, field: "urls[0]"),
        Case(
            name: "descriptor: artifactType a media type", document: .descriptor,
            json: descriptor(
                #""mediaType":"\#(manifestType)","artifactType":"application/vnd.example+json","size":7000,"digest":"\#(m1)""#
            )),
        Case(
            name: "descriptor: artifactType subtype starts with a dot", document: .descriptor,
            json: descriptor(
                #""mediaType":"\#(manifestType)","artifactType":"foo/.bar","size":7000,"digest":"\#(m1)""#),
            rule: .artifactType, field: "artifactType"),
        Case(
            name: "descriptor: data in base64", document: .descriptor,
            json: descriptor(
                #""mediaType":"text/plain","size":12,"data":"dHJhY2tib3QgZGF0YQ==","digest":"\#(m2)""#)),
        Case(
            name: "descriptor: digest sha256+b64", document: .descriptor,
            json: blob("application/vnd.oci.image.config.v1+json", "1400", "sha256+b64:" + c1.dropFirst(7))),
        Case(
            name: "descriptor: digest sha256+b64 again", document: .descriptor,
            json: blob("application/vnd.oci.image.config.v1+json", "1401", "sha256+b64:" + l1.dropFirst(7))),
        Case(
            name: "descriptor: digest sha256+foo-bar", document: .descriptor,
            json: blob("application/vnd.oci.image.config.v1+json", "1400", "sha256+foo-bar:" + c1.dropFirst(7))),
        Case(
            name: "descriptor: digest sha256.foo-bar", document: .descriptor,
            json: blob("application/vnd.oci.image.config.v1+json", "1400", "sha256.foo-bar:" + c1.dropFirst(7))),
        Case(
            name: "descriptor: digest multihash+base58", document: .descriptor,
            json: blob(
                "application/vnd.oci.image.config.v1+json", "1400", "multihash+base58:QmTrackbotExampleZxt2b1FVZPN")),
        Case(
            name: "descriptor: digest algorithm with repeated separators", document: .descriptor,
            json: blob("application/vnd.oci.image.config.v1+json", "1400", "sha256+foo+-b:" + c1.dropFirst(7)),
            rule: .digest, field: "digest"),
        Case(
            name: "descriptor: digest sha256+b64u", document: .descriptor,
            json: blob(
                "application/vnd.oci.image.config.v1+json", "1000000",
                "sha256+b64u:Tr4ckb0t_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm56")),
        Case(
            name: "descriptor: digest sha256+b64u.unknownlength with padding", document: .descriptor,
            json: blob(
                "application/vnd.oci.image.config.v1+json", "1000000",
                "sha256+b64u.unknownlength:Tr4ckb0t_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm56=")),
        Case(
            name: "descriptor: data without its padding", document: .descriptor,
            json: descriptor(
                #""mediaType":"text/plain","size":12,"data":"dHJhY2tib3QgZGF0YQ","digest":"\#(m2)""#),
            rule: .data, field: "data"),
        Case(
            name: "descriptor: negative size", document: .descriptor, json: blob(manifestType, "-7000", m1),
            rule: .size, field: "size"),
    ]

    static let indexCases: [Case] = [
        Case(
            name: "index: a manifest's mediaType not a media type", document: .index,
            json: index(entry(mediaType: "invalid", platform: #"{"architecture":"ppc64le","os":"linux"}"#)),
            rule: .mediaType, field: "manifests[0].mediaType"),
        Case(
            name: "index: a manifest's size a string", document: .index,
            json: index(entry(size: "\"7000\"", platform: amd64)), rule: .size, field: "manifests[0].size"),
        Case(
            name: "index: a manifest's digest missing", document: .index,
            json: index(entry(digest: nil, platform: amd64)),
            rule: .required, field: "manifests[0].digest"),
        Case(
            name: "index: platform without architecture", document: .index,
            json: index(entry(platform: #"{"os":"linux"}"#)), rule: .platform,
            field: "manifests[0].platform.architecture"),
        Case(
            name: "index: a manifest's mediaType \"invalid\"", document: .index,
            json: index(entry(mediaType: "invalid", size: "7001", platform: amd64)), rule: .mediaType,
            field: "manifests[0].mediaType"),
        Case(
            name: "index: a manifest's mediaType empty", document: .index,
            json: index(entry(mediaType: "", platform: amd64)), rule: .mediaType, field: "manifests[0].mediaType"),
        Case(
            name: "index: valid with optional fields", document: .index,
            json: index(
                entry(platform: #"{"architecture":"ppc64le","os":"linux"}"#) + ","
                    + entry(size: "7100", digest: m2, platform: amd64),
                extra: #","annotations":{"com.example.a":"1","com.example.b":"2"}"#)),
        Case(name: "index: valid with required fields only", document: .index, json: index(entry(platform: nil))),
        Case(
            name: "index: a customised manifest media type", document: .index,
            json: index(entry(mediaType: "application/customized.manifest+json", platform: amd64))),
        Case(
            name: "index: artifactType on the index and a manifest", document: .index,
            json:
                #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/vnd.example+type","manifests":[\#(entry(platform: nil)),{"mediaType":"\#(manifestType)","artifactType":"application/vnd.example1+type","size":500,"digest":"\#(m2)"}]}"#
        ),
        Case(
            name: "index: a subject descriptor", document: .index,
            json: index(entry(platform: amd64), extra: #","subject":\#(blob(manifestType, "1234", m2))"#)),
        Case(
            name: "index: a subject that is not a descriptor", document: .index,
            json: index(entry(platform: amd64), extra: #","subject":"nope""#), rule: .subject, field: "subject"),
    ]

    static let manifestCases: [Case] = [
        Case(
            name: "manifest: config mediaType not a media type", document: .manifest,
            json: manifest(config: blob("invalid", "1400", c1), layers: layer), rule: .mediaType,
            field: "config.mediaType"),
        // image-spec's case is also not JSON (a brace is missing): refused either way.
        Case(
            name: "manifest: config size a string, in a document that is not JSON", document: .manifest,
            json:
                #"{"schemaVersion":2,"config":{"config":\#(blob("application/vnd.oci.image.config.v1+json", "\"1400\"", c1)),"layers":[\#(layer)]}"#,
            rule: .json),
        Case(
            name: "manifest: a layer's size a string", document: .manifest,
            json: manifest(
                config: config, layers: blob("application/vnd.oci.image.layer.v1.tar+gzip", "\"600000\"", l1)),
            rule: .size, field: "layers[0].size"),
        Case(
            name: "manifest: valid with optional fields", document: .manifest,
            json: manifest(
                config: config,
                layers: [layer, blob("application/vnd.oci.image.layer.v1.tar+gzip", "150", m1)].joined(separator: ","),
                extra: #","annotations":{"k1":"v1","k2":"v2"}"#)),
        Case(
            name: "manifest: valid with required fields only", document: .manifest,
            json: manifest(
                config: config,
                layers: [layer, blob("application/vnd.oci.image.layer.v1.tar+gzip", "150", m1)].joined(separator: ","))),
        Case(
            name: "manifest: no layers", document: .manifest, json: manifest(config: config, layers: ""),
            rule: .layersNonEmpty, field: "layers"),
        Case(
            name: "manifest: digests at the bounds of the algorithm pattern", document: .manifest,
            json: manifest(
                config: blob("application/vnd.oci.image.config.v1+json", "1400", "sha256+b64:" + c1.dropFirst(7)),
                layers: [
                    blob("application/vnd.oci.image.layer.v1.tar+gzip", "1400", "sha256+foo-bar:" + l1.dropFirst(7)),
                    blob("application/vnd.oci.image.layer.v1.tar+gzip", "1400", "sha256.foo-bar:" + l1.dropFirst(7)),
                    blob("application/vnd.oci.image.layer.v1.tar+gzip", "1400", "multihash+base58:QmTrackbot4x"),
                ].joined(separator: ","))),
        Case(
            name: "manifest: a subject descriptor", document: .manifest,
            json: manifest(config: config, layers: layer, extra: #","subject":\#(blob(manifestType, "1234", m2))"#)),
        Case(
            name: "manifest: a subject that is not a descriptor", document: .manifest,
            json: manifest(config: config, layers: layer, extra: #","subject":".nope""#), rule: .subject,
            field: "subject"),
        Case(
            name: "manifest: a digest algorithm past the pattern", document: .manifest,
            json: manifest(
                config: blob("application/vnd.oci.image.config.v1+json", "1400", "sha256+b64:" + c1.dropFirst(7)),
                layers: blob("application/vnd.oci.image.layer.v1.tar+gzip", "1400", "sha256+foo+-b:" + l1.dropFirst(7))),
            rule: .digest, field: "layers[0].digest"),
        Case(
            name: "manifest: an artifact with its own config type", document: .manifest,
            json: manifest(
                config: blob("application/vnd.example.config+json", "1400", c1),
                layers: blob("application/vnd.example.data+type", "600000", l1))),
        Case(
            name: "manifest: an artifact with the empty config and artifactType", document: .manifest,
            json:
                #"{"schemaVersion":2,"mediaType":"\#(manifestType)","artifactType":"application/vnd.example+type","config":\#(blob("application/vnd.oci.empty.v1+json", "2", "sha256:" + StreamingHasher.digest(Array("{}".utf8)).hex)),"layers":[\#(blob("application/vnd.example+type", "600000", l1))]}"#
        ),
    ]

    static let configCases: [Case] = [
        Case(
            name: "config: os a number", document: .config,
            json: #"{"architecture":"amd64","os":123,\#(rootfs)}"#, rule: .fieldType, field: "os"),
        Case(
            name: "config: variant a number", document: .config,
            json: #"{"architecture":"arm64","variant":123,"os":"linux",\#(rootfs)}"#, rule: .fieldType,
            field: "variant"),
        Case(
            name: "config: config.User a number", document: .config,
            json:
                #"{"created":"2024-01-01T00:00:00Z","author":"Trackbot <t@example.invalid>","architecture":"amd64","os":"linux","config":{"User":1000},\#(rootfs)}"#,
            rule: .fieldType, field: "config.User"),
        Case(
            name: "config: history a string", document: .config,
            json: #"{"history":"an array, please","architecture":"amd64","os":123,\#(rootfs)}"#, rule: .fieldType,
            field: "history"),
        Case(
            name: "config: an Env entry a number", document: .config,
            json: #"{"architecture":"amd64","os":123,"config":{"Env":[7353]},\#(rootfs)}"#, rule: .env,
            field: "config.Env[0]"),
        Case(
            name: "config: Volumes an array", document: .config,
            json: #"{"architecture":"amd64","os":123,"config":{"Volumes":["/data","/logs"]},\#(rootfs)}"#,
            rule: .volumes, field: "config.Volumes"),
        Case(name: "config: not JSON", document: .config, json: "not JSON at all", rule: .json),
        Case(
            name: "config: valid with optional fields", document: .config,
            json: #"""
                {"created":"2024-01-01T00:00:00.5Z","author":"Trackbot <t@example.invalid>","architecture":"arm64","variant":"v8","os":"linux",
                 "config":{"User":"1:1","ExposedPorts":{"8080/tcp":{}},"Env":["PATH=/usr/bin:/bin","EMPTY=","A=b=c"],
                   "Entrypoint":["/bin/sh"],"Cmd":["--foreground"],"Volumes":{"/data":{},"/logs":{}},"StopSignal":"SIGKILL",
                   "WorkingDir":"/home/t","Labels":{"com.example.commit":"45a9"}},
                 "rootfs":{"type":"layers","diff_ids":["\#(l1)","\#(m1)"]},
                 "history":[{"created":"2024-01-01T00:00:00Z","created_by":"ADD rootfs.tar.gz /"},{"created":"2024-01-01T00:00:01Z","created_by":"CMD [\"sh\"]","empty_layer":true}]}
                """#),
        Case(
            name: "config: valid with required fields only", document: .config,
            json: #"{"architecture":"amd64","os":"linux",\#(rootfs)}"#),
        Case(
            name: "config: an Env entry that is not KEY=VALUE", document: .config,
            json: #"{"architecture":"amd64","os":"linux","config":{"Env":["foo"]},\#(rootfs)}"#, rule: .env,
            field: "config.Env[0]"),
    ]

    static let all = descriptorCases + indexCases + manifestCases + configCases

    static func validate(_ c: Case) -> [OCIProblem] {
        let bytes = Array(c.json.utf8)
        switch c.document {
        case .descriptor: return OCIValidator.descriptor(bytes, document: "case.json")
        case .index: return OCIValidator.index(bytes, document: "case.json")
        case .manifest: return OCIValidator.manifest(bytes, document: "case.json")
        case .config: return OCIValidator.config(bytes, document: "case.json")
        }
    }

    @Test func imageSpec_schemaCasesAreAllHere() {
        #expect(Self.all.count == 65)
        #expect(Self.all.filter { $0.rule != nil }.count == 39)
    }

    @Test(arguments: all)
    func imageSpec_schemaCase(_ c: Case) {
        let problems = Self.validate(c)
        guard let rule = c.rule else {
            #expect(problems == [], "image-spec accepts it")
            return
        }
        #expect(
            problems.contains { $0.rule == rule && $0.field == c.field && $0.document == "case.json" },
            "expected \(rule.rawValue) at \(c.field): \(problems)")
    }
}
