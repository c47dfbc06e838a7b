import Foundation
import TrackbotCore

/// The predicate types BuildKit writes into attestation manifests (layer annotation
/// `in-toto.io/predicate-type`).
public enum PredicateType {
    public static let slsaProvenance02 = "https://slsa.dev/provenance/v0.2"
    public static let slsaProvenance1 = "https://slsa.dev/provenance/v1"
    public static let spdx = "https://spdx.dev/Document"
    public static let cycloneDX = "https://cyclonedx.org/bom"
    /// The layer annotation that names a statement's predicate type.
    public static let annotation = "in-toto.io/predicate-type"
    /// The media type of an in-toto statement layer.
    public static let statementMediaType = "application/vnd.in-toto+json"

    public static func isProvenance(_ type: String) -> Bool { type == slsaProvenance02 || type == slsaProvenance1 }

    /// The SBOM format a predicate type names (`SPDX`, `CycloneDX`), nil for other predicates.
    public static func sbomFormat(_ type: String) -> String? {
        if type == spdx || type.hasPrefix("https://spdx.dev/") { return "SPDX" }
        if type.hasPrefix(cycloneDX) { return "CycloneDX" }
        return nil
    }
}

/// What a SLSA provenance statement says about a build, in the fields BuildKit writes, for
/// v0.2 (`invocation.configSource`, `materials`) and v1 (`buildDefinition.externalParameters`,
/// `resolvedDependencies`) alike. Only what it names: every field is nil when absent.
public struct BuildProvenance: Codable, Sendable, Hashable {
    /// `https://slsa.dev/provenance/v0.2` or `…/v1`.
    public var predicateType: String
    /// The build context as the frontend was given it (`https://github.com/o/r.git#<commit>:<dir>`).
    public var configSource: String?
    /// The context's repository (the part before `#`), its ref and its sub-directory.
    public var repository: String?
    public var ref: String?
    public var directory: String?
    /// The commit BuildKit resolved the context to (`configSource.digest.sha1`, or sha256 for
    /// SHA-256 repositories); falls back to `vcs:revision` when no digest is recorded.
    public var commit: String?
    /// The Dockerfile path the frontend read (`filename`: `entryPoint` in v0.2, `path` in v1),
    /// relative to the context directory.
    public var dockerfile: String?
    /// `predicate.builder.id` (v0.2) or `runDetails.builder.id` (v1).
    public var builderID: String?
    /// Every material / resolved dependency (base images as `pkg:docker/…`, the git context).
    public var materials: [ProvenanceMaterial]
    /// The platform manifest digests the statement is about (`subject[].digest.sha256`).
    public var subjects: [Digest]

    public init(
        predicateType: String, configSource: String? = nil, repository: String? = nil, ref: String? = nil,
        directory: String? = nil, commit: String? = nil, dockerfile: String? = nil, builderID: String? = nil,
        materials: [ProvenanceMaterial] = [], subjects: [Digest] = []
    ) {
        self.predicateType = predicateType
        self.configSource = configSource
        self.repository = repository
        self.ref = ref
        self.directory = directory
        self.commit = commit
        self.dockerfile = dockerfile
        self.builderID = builderID
        self.materials = materials
        self.subjects = subjects
    }

    /// The base images among the materials (`pkg:docker/…`).
    public var baseImages: [ProvenanceMaterial] { materials.filter { $0.uri.hasPrefix("pkg:docker/") } }
}

/// One material of a build: its URI and its digest (`sha256:…`, or `sha1:…` for a git commit).
public struct ProvenanceMaterial: Codable, Sendable, Hashable {
    public var uri: String
    public var digest: String?

    public init(uri: String, digest: String?) {
        self.uri = uri
        self.digest = digest
    }
}

/// An in-toto statement that could not be read.
public struct InTotoError: Error, CustomStringConvertible, Sendable, Equatable {
    public var attestation: Digest
    public var layer: Digest
    public var detail: String

    public var description: String {
        "in-toto statement \(layer) of attestation manifest \(attestation): \(detail); the attestation is not what BuildKit writes — inspect it with `trackbot digests`"
    }
}

/// Reads SLSA provenance statements as BuildKit writes them. Pure.
public enum InTotoStatement {
    /// Parses `bytes` (one in-toto statement layer); throws when it is not a JSON in-toto
    /// statement with a provenance predicate.
    public static func provenance(_ bytes: [UInt8], attestation: Digest, layer: Digest) throws -> BuildProvenance {
        func fail(_ detail: String) -> InTotoError {
            InTotoError(attestation: attestation, layer: layer, detail: detail)
        }
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        guard let type = root["_type"] as? String, type.hasPrefix("https://in-toto.io/Statement/") else {
            throw fail("`_type` is not an in-toto statement")
        }
        guard let predicateType = root["predicateType"] as? String, PredicateType.isProvenance(predicateType) else {
            throw fail("`predicateType` is not SLSA provenance v0.2 or v1")
        }
        let subjects = (root["subject"] as? [[String: Any]] ?? []).compactMap { s -> Digest? in
            guard let hex = (s["digest"] as? [String: Any])?["sha256"] as? String else { return nil }
            return try? Digest(parsing: "sha256:\(hex)")
        }
        let predicate = root["predicate"] as? [String: Any] ?? [:]
        var out = BuildProvenance(predicateType: predicateType, subjects: subjects)
        let configSource: [String: Any]
        let vcs: [String: Any]
        if predicateType == PredicateType.slsaProvenance02 {
            let invocation = predicate["invocation"] as? [String: Any] ?? [:]
            configSource = invocation["configSource"] as? [String: Any] ?? [:]
            out.dockerfile = nonEmpty(configSource["entryPoint"])
            out.builderID = nonEmpty((predicate["builder"] as? [String: Any])?["id"])
            out.materials = materials(predicate["materials"])
            let metadata = predicate["metadata"] as? [String: Any] ?? [:]
            vcs =
                (metadata["https://mobyproject.org/buildkit@v1#metadata"] as? [String: Any])?["vcs"] as? [String: Any]
                ?? [:]
        } else {
            let definition = predicate["buildDefinition"] as? [String: Any] ?? [:]
            let external = definition["externalParameters"] as? [String: Any] ?? [:]
            configSource = external["configSource"] as? [String: Any] ?? [:]
            out.dockerfile = nonEmpty(configSource["path"])
            out.materials = materials(definition["resolvedDependencies"])
            let run = predicate["runDetails"] as? [String: Any] ?? [:]
            out.builderID = nonEmpty((run["builder"] as? [String: Any])?["id"])
            vcs =
                ((run["metadata"] as? [String: Any])?["buildkit_metadata"] as? [String: Any])?["vcs"]
                as? [String: Any] ?? [:]
        }
        if let uri = nonEmpty(configSource["uri"]) {
            // BuildKit redacts credentials as `xxxxx:xxxxx@`; anything else that slipped through goes too.
            let uri = Redaction.stripURLCredentials(inText: uri)
            out.configSource = uri
            let context = GitContext(uri)
            out.repository = context.repository
            out.ref = context.ref
            out.directory = context.directory
        }
        let digest = configSource["digest"] as? [String: Any] ?? [:]
        out.commit = nonEmpty(digest["sha1"]) ?? nonEmpty(digest["sha256"]) ?? nonEmpty(vcs["revision"])
        return out
    }

    private static func nonEmpty(_ value: Any?) -> String? {
        guard let s = value as? String, !s.isEmpty else { return nil }
        return s
    }

    private static func materials(_ value: Any?) -> [ProvenanceMaterial] {
        (value as? [[String: Any]] ?? []).compactMap { m in
            guard let uri = nonEmpty(m["uri"]) else { return nil }
            let digests = m["digest"] as? [String: Any] ?? [:]
            // One digest per material in what BuildKit writes; sha256 first when there are several.
            let algorithm = digests["sha256"] != nil ? "sha256" : digests.keys.sorted().first
            let digest = algorithm.flatMap { a in nonEmpty(digests[a]).map { "\(a):\($0)" } }
            return ProvenanceMaterial(uri: Redaction.stripURLCredentials(inText: uri), digest: digest)
        }
    }
}

/// A git build context as BuildKit's frontend takes it: `REPO#REF:DIR` (the fragment form
/// docker-library's builds use), or `REPO?ref=REF&subdir=DIR` (the query form newer BuildKit
/// also reads).
struct GitContext {
    var repository: String
    var ref: String?
    var directory: String?

    init(_ uri: String) {
        if let hash = uri.firstIndex(of: "#") {
            repository = String(uri[..<hash])
            let fragment = uri[uri.index(after: hash)...]
            if let colon = fragment.firstIndex(of: ":") {
                ref = String(fragment[..<colon])
                directory = String(fragment[fragment.index(after: colon)...])
            } else {
                ref = fragment.isEmpty ? nil : String(fragment)
            }
            return
        }
        if let query = uri.firstIndex(of: "?"), let items = URLComponents(string: uri)?.queryItems {
            repository = String(uri[..<query])
            ref = items.first { $0.name == "ref" || $0.name == "tag" || $0.name == "branch" }?.value
            directory = items.first { $0.name == "subdir" }?.value
            return
        }
        repository = uri
    }
}
