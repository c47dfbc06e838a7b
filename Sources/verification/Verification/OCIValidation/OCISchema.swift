import Foundation

/// image-spec's JSON schemas (schema/content-descriptor.json, image-index-schema.json,
/// image-manifest-schema.json, config-schema.json) and the checks its schema/validator.go adds
/// (registered digest algorithms, `Env` entries), over the document's JSON tree.
struct OCISchema {
    let document: String
    private(set) var problems: [OCIProblem] = []

    init(document: String) { self.document = document }

    mutating func refuse(
        _ field: String, _ rule: OCIRule, _ message: String, expected: String? = nil, actual: String? = nil
    ) {
        problems.append(
            OCIProblem(
                document: document, field: field, rule: rule, message: message, expected: expected, actual: actual))
    }

    // MARK: documents

    /// The top level must be an object; nil (and a problem) otherwise.
    mutating func object(_ bytes: [UInt8], what: String) -> [String: JSONValue]? {
        guard let value = JSONValue.parse(bytes) else {
            refuse("", .json, "is not JSON (\(what) expected)")
            return nil
        }
        guard let object = value.object else {
            refuse("", .json, "is \(value.typeName), not a JSON object (\(what) expected)")
            return nil
        }
        return object
    }

    mutating func index(_ o: [String: JSONValue]) {
        schemaVersion(o)
        optionalMediaType(o, "mediaType", .mediaType)
        optionalMediaType(o, "artifactType", .artifactType)
        if let subject = o["subject"] { descriptor(subject, at: "subject", rule: .subject) }
        if let manifests = require(o, "manifests", "") {
            if let list = manifests.array {
                for (i, d) in list.enumerated() {
                    descriptor(d, at: "manifests[\(i)]")
                    if let p = d.object?["platform"] { platform(p, at: "manifests[\(i)].platform") }
                }
            } else {
                wrongType("manifests", .fieldType, manifests, "an array of descriptors")
            }
        }
        annotations(o["annotations"], at: "annotations")
    }

    mutating func manifest(_ o: [String: JSONValue]) {
        schemaVersion(o)
        optionalMediaType(o, "mediaType", .mediaType)
        optionalMediaType(o, "artifactType", .artifactType)
        if let config = require(o, "config", "") { descriptor(config, at: "config") }
        if let subject = o["subject"] { descriptor(subject, at: "subject", rule: .subject) }
        if let layers = require(o, "layers", "") {
            if let list = layers.array {
                if list.isEmpty {
                    refuse(
                        "layers", .layersNonEmpty, "is empty; an image manifest needs at least one layer",
                        expected: ">= 1", actual: "0")
                }
                for (i, d) in list.enumerated() { descriptor(d, at: "layers[\(i)]") }
            } else {
                wrongType("layers", .fieldType, layers, "an array of descriptors")
            }
        }
        annotations(o["annotations"], at: "annotations")
    }

    mutating func config(_ o: [String: JSONValue]) {
        for key in ["architecture", "os"] {
            if let v = require(o, key, "") { string(v, at: key) }
        }
        for key in ["created", "author", "variant", "os.version"] {
            if let v = o[key] { string(v, at: key) }
        }
        if let v = o["os.features"] { strings(v, at: "os.features") }
        if let settings = o["config"] { runSettings(settings) }
        if let rootfs = require(o, "rootfs", "") { self.rootfs(rootfs) }
        if let history = o["history"] {
            if let list = history.array {
                for (i, h) in list.enumerated() {
                    guard let entry = h.object else {
                        wrongType("history[\(i)]", .fieldType, h, "an object")
                        continue
                    }
                    for key in ["created", "author", "created_by", "comment"] {
                        if let v = entry[key] { string(v, at: "history[\(i)].\(key)") }
                    }
                    if let v = entry["empty_layer"], v.boolValue == nil {
                        wrongType("history[\(i)].empty_layer", .fieldType, v, "a boolean")
                    }
                }
            } else {
                wrongType("history", .fieldType, history, "an array")
            }
        }
    }

    private mutating func runSettings(_ value: JSONValue) {
        if case .null = value { return }
        guard let c = value.object else { return wrongType("config", .fieldType, value, "an object") }
        for key in ["User", "WorkingDir", "StopSignal"] {
            if let v = c[key] { string(v, at: "config.\(key)") }
        }
        if let env = c["Env"] {
            if case .null = env {
            } else if let list = env.array {
                for (i, e) in list.enumerated() {
                    guard let s = e.string else {
                        wrongType("config.Env[\(i)]", .env, e, "a string KEY=VALUE")
                        continue
                    }
                    // schema/validator.go: `^[^=]+=.*$`, a name before the first `=`.
                    if s.first == "=" || !s.contains("=") {
                        refuse(
                            "config.Env[\(i)]", .env, "\"\(Self.cut(s))\" is not KEY=VALUE", expected: "KEY=VALUE",
                            actual: Self.cut(s))
                    }
                }
            } else {
                wrongType("config.Env", .env, env, "an array of KEY=VALUE strings")
            }
        }
        for key in ["Entrypoint", "Cmd"] {
            if let v = c[key] {
                if case .null = v {} else { strings(v, at: "config.\(key)") }
            }
        }
        // Volumes may be null (schema: oneOf map/null); ExposedPorts is a map in the schema,
        // and null is taken too, as Docker and go-containerregistry write and read it.
        for (key, rule) in [("Volumes", OCIRule.volumes), ("ExposedPorts", .exposedPorts)] {
            guard let v = c[key] else { continue }
            if case .null = v { continue }
            if let map = v.object {
                for (k, inner) in map.sorted(by: { $0.key < $1.key }) where inner.object == nil {
                    wrongType("config.\(key)[\"\(Self.cut(k))\"]", rule, inner, "an object ({})")
                }
            } else {
                wrongType(
                    "config.\(key)", rule, v, "an object whose keys are the \(key.lowercased()) ({\"/data\": {}})")
            }
        }
        if let labels = c["Labels"] {
            if case .null = labels {} else { stringMap(labels, at: "config.Labels", rule: .fieldType) }
        }
        if let v = c["ArgsEscaped"], v.boolValue == nil { wrongType("config.ArgsEscaped", .fieldType, v, "a boolean") }
    }

    private mutating func rootfs(_ value: JSONValue) {
        guard let r = value.object else { return wrongType("rootfs", .fieldType, value, "an object") }
        if let type = require(r, "type", "rootfs.") {
            if let s = type.string {
                if s != "layers" {
                    refuse(
                        "rootfs.type", .rootfsType, "is \"\(Self.cut(s))\"; the only type is \"layers\"",
                        expected: "layers", actual: Self.cut(s))
                }
            } else {
                wrongType("rootfs.type", .rootfsType, type, "the string \"layers\"")
            }
        }
        if let ids = require(r, "diff_ids", "rootfs.") { strings(ids, at: "rootfs.diff_ids") }
    }

    // MARK: descriptors

    /// A content descriptor (content-descriptor.json): mediaType, size, digest required; urls,
    /// data, artifactType, annotations checked when present.
    mutating func descriptor(_ value: JSONValue, at field: String, rule: OCIRule = .fieldType) {
        guard let d = value.object else {
            let what = rule == .subject ? "a descriptor (mediaType, digest, size)" : "an object (a descriptor)"
            return wrongType(field, rule, value, what)
        }
        let prefix = field.isEmpty ? "" : field + "."
        if let mt = require(d, "mediaType", prefix) { mediaType(mt, at: prefix + "mediaType", .mediaType) }
        if let size = require(d, "size", prefix) {
            if let n = size.integer {
                if n < 0 {
                    refuse(
                        prefix + "size", .size, "is \(n); a size is never negative", expected: ">= 0", actual: "\(n)")
                }
            } else {
                wrongType(prefix + "size", .size, size, "an integer")
            }
        }
        if let digest = require(d, "digest", prefix) {
            if let s = digest.string {
                self.digest(s, at: prefix + "digest")
            } else {
                wrongType(prefix + "digest", .digest, digest, "a string algorithm:encoded")
            }
        }
        if let urls = d["urls"] {
            if let list = urls.array {
                for (i, u) in list.enumerated() {
                    guard let s = u.string else {
                        wrongType("\(prefix)urls[\(i)]", .urls, u, "a URL")
                        continue
                    }
                    if !Self.isURI(s) {
                        refuse(
                            "\(prefix)urls[\(i)]", .urls, "\"\(Self.cut(s))\" is not an absolute URI (scheme:…)",
                            actual: Self.cut(s))
                    }
                }
            } else {
                wrongType(prefix + "urls", .urls, urls, "an array of URLs")
            }
        }
        if let data = d["data"] {
            if let s = data.string {
                if Self.base64(s) == nil {
                    refuse(
                        prefix + "data", .data,
                        "is not standard base64 (RFC 4648 alphabet, padded to a multiple of 4 characters)")
                }
            } else {
                wrongType(prefix + "data", .data, data, "a base64 string")
            }
        }
        optionalMediaType(d, "artifactType", .artifactType, prefix: prefix)
        annotations(d["annotations"], at: prefix + "annotations")
    }

    private mutating func platform(_ value: JSONValue, at field: String) {
        guard let p = value.object else { return wrongType(field, .platform, value, "an object") }
        for key in ["architecture", "os"] {
            guard let v = p[key] else {
                refuse("\(field).\(key)", .platform, "is missing; a platform names its architecture and os")
                continue
            }
            if v.string == nil { wrongType("\(field).\(key)", .platform, v, "a string") }
        }
        for key in ["variant", "os.version"] {
            if let v = p[key], v.string == nil { wrongType("\(field).\(key)", .platform, v, "a string") }
        }
        if let v = p["os.features"] { strings(v, at: "\(field).os.features") }
    }

    // MARK: fields

    private mutating func schemaVersion(_ o: [String: JSONValue]) {
        guard let v = require(o, "schemaVersion", "") else { return }
        if v.integer != 2 {
            let actual: String
            switch v {
            case .integer(let i): actual = "\(i)"
            case .string(let s): actual = "\"\(Self.cut(s))\""
            default: actual = v.typeName
            }
            refuse("schemaVersion", .schemaVersion, "is \(actual); only 2 is defined", expected: "2", actual: actual)
        }
    }

    private mutating func optionalMediaType(
        _ o: [String: JSONValue], _ key: String, _ rule: OCIRule, prefix: String = ""
    ) {
        if let v = o[key] { mediaType(v, at: prefix + key, rule) }
    }

    private mutating func mediaType(_ value: JSONValue, at field: String, _ rule: OCIRule) {
        guard let s = value.string else { return wrongType(field, rule, value, "a media type string") }
        if !Self.isMediaType(s) {
            refuse(field, rule, "\"\(Self.cut(s))\" is not a media type (type/subtype, RFC 6838)", actual: Self.cut(s))
        }
    }

    private mutating func digest(_ s: String, at field: String) {
        guard let problem = Self.digestProblem(s) else { return }
        refuse(field, .digest, "\"\(Self.cut(s))\" \(problem)", actual: Self.cut(s))
    }

    private mutating func annotations(_ value: JSONValue?, at field: String) {
        guard let value else { return }
        stringMap(value, at: field, rule: .annotations)
    }

    private mutating func stringMap(_ value: JSONValue, at field: String, rule: OCIRule) {
        guard let map = value.object else { return wrongType(field, rule, value, "an object of strings") }
        for (k, v) in map.sorted(by: { $0.key < $1.key }) where v.string == nil {
            wrongType("\(field)[\"\(Self.cut(k))\"]", rule, v, "a string")
        }
    }

    private mutating func string(_ value: JSONValue, at field: String) {
        if value.string == nil { wrongType(field, .fieldType, value, "a string") }
    }

    private mutating func strings(_ value: JSONValue, at field: String) {
        guard let list = value.array else { return wrongType(field, .fieldType, value, "an array of strings") }
        for (i, v) in list.enumerated() where v.string == nil { wrongType("\(field)[\(i)]", .fieldType, v, "a string") }
    }

    private mutating func require(_ o: [String: JSONValue], _ key: String, _ prefix: String) -> JSONValue? {
        guard let v = o[key] else {
            refuse(prefix + key, .required, "is missing; it is required")
            return nil
        }
        return v
    }

    private mutating func wrongType(_ field: String, _ rule: OCIRule, _ value: JSONValue, _ expected: String) {
        refuse(field, rule, "is \(value.typeName), not \(expected)", expected: expected, actual: value.typeName)
    }
}
