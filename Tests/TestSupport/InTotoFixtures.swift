import Foundation
import TrackbotCore

/// In-toto statements shaped as BuildKit writes them (solver/llbsolver/provenance: `mode=max`,
/// a git build context `REPO#COMMIT:DIR`, as docker-library's builds give it), small enough
/// for fixtures: the fields trackbot reads, plus the neighbours BuildKit writes beside them.
public struct BuildKitProvenance: Sendable {
    public enum Version: String, Sendable {
        case v02 = "https://slsa.dev/provenance/v0.2", v1 = "https://slsa.dev/provenance/v1"
    }

    public var version: Version = .v02
    public var repository: String
    public var commit: String
    public var directory: String
    public var dockerfile: String = "Dockerfile"
    /// The parent image as a `pkg:docker/…` material and its digest (`sha256:…`).
    public var base: (uri: String, digest: String)?

    public init(
        version: Version = .v02, repository: String, commit: String, directory: String,
        dockerfile: String = "Dockerfile", base: (uri: String, digest: String)? = nil
    ) {
        self.version = version
        self.repository = repository
        self.commit = commit
        self.directory = directory
        self.dockerfile = dockerfile
        self.base = base
    }

    /// The statement about `subject` (a platform manifest digest), as JSON bytes.
    public func statement(subject: Digest, platform: String = "linux/amd64") -> Data {
        let context = "\(repository)#\(commit):\(directory)"
        var materials: [[String: Any]] = []
        if let base { materials.append(["uri": base.uri, "digest": ["sha256": String(base.digest.dropFirst(7))]]) }
        materials.append(["uri": "\(repository)#\(commit)", "digest": ["sha1": commit]])
        let request: [String: Any] = [
            "frontend": "gateway.v0",
            "args": [
                "cmdline": "docker/dockerfile:1", "source": "docker/dockerfile:1",
                "build-arg:BUILDKIT_DOCKERFILE_CHECK": "skip=all",
            ],
        ]
        let configSource: [String: Any]
        let predicate: [String: Any]
        switch version {
        case .v02:
            configSource = ["uri": context, "digest": ["sha1": commit], "entryPoint": dockerfile]
            predicate = [
                "builder": ["id": "https://github.com/docker-library"],
                "buildType": "https://mobyproject.org/buildkit@v1",
                "materials": materials,
                "invocation": [
                    "configSource": configSource, "parameters": request, "environment": ["platform": platform],
                ],
                "metadata": [
                    "buildInvocationID": "yirbp1aosi1vqjmi3z6bc75nb", "buildStartedOn": "2026-08-22T00:00:00Z",
                    "buildFinishedOn": "2026-08-22T00:01:00Z",
                    "completeness": ["parameters": true, "environment": true, "materials": false],
                    "reproducible": false, "https://mobyproject.org/buildkit@v1#metadata": [String: Any](),
                ],
            ]
        case .v1:
            configSource = ["uri": context, "digest": ["sha1": commit], "path": dockerfile]
            predicate = [
                "buildDefinition": [
                    "buildType": "https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md",
                    "externalParameters": ["configSource": configSource, "request": request],
                    "internalParameters": ["builderPlatform": platform],
                    "resolvedDependencies": materials,
                ],
                "runDetails": [
                    "builder": ["id": "https://github.com/docker-library"],
                    "metadata": [
                        "invocationId": "yirbp1aosi1vqjmi3z6bc75nb", "startedOn": "2026-08-22T00:00:00Z",
                        "buildkit_completeness": ["request": true, "resolvedDependencies": false],
                        "buildkit_metadata": [String: Any](),
                    ],
                ],
            ]
        }
        let statement: [String: Any] = [
            "_type": version == .v1 ? "https://in-toto.io/Statement/v1" : "https://in-toto.io/Statement/v0.1",
            "predicateType": version.rawValue,
            "subject": [
                [
                    "name":
                        "pkg:docker/library/test@1.0?platform=\(platform.replacingOccurrences(of: "/", with: "%2F"))",
                    "digest": ["sha256": subject.hex],
                ]
            ],
            "predicate": predicate,
        ]
        return try! JSONSerialization.data(withJSONObject: statement, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// A small SPDX SBOM statement about `subject`, as BuildKit's SBOM generator writes it.
    public static func spdx(subject: Digest) -> Data {
        let statement: [String: Any] = [
            "_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://spdx.dev/Document",
            "subject": [["name": "pkg:docker/library/test@1.0", "digest": ["sha256": subject.hex]]],
            "predicate": [
                "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
                "name": "sbom", "packages": [[String: Any]](),
            ],
        ]
        return try! JSONSerialization.data(withJSONObject: statement, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
