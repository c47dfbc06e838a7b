import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// Images pushed to the real local registry with attestation manifests as BuildKit writes them
/// (in-toto layers: SLSA provenance v0.2 or v1, an SPDX SBOM), checked against the library.
@Suite("check: build provenance (attestations) against the library entry", .serialized)
struct ProvenanceEndToEndTests {
    static let dockerfile = "FROM scratch\nCOPY hello /hello\nCMD [\"/hello\"]\n"

    /// Pushes `library/provenanced:TAG`: an index with one platform per `arches`, each annotated
    /// as docker-library's builds annotate them, and an attestation naming `attested[arch]` (an
    /// arch left out has none).
    func publish(
        _ world: SyntheticWorld, tag: String, commit: String, arches: [String], attested: [String: BuildKitProvenance]
    ) throws {
        let layout = try OCILayoutBuilder(world.dir.appending("oci-\(tag)"))
        var entries: [[String: Any]] = []
        var attestations: [[String: Any]] = []
        for arch in arches {
            let a = try #require(Architecture(rawValue: arch))
            let manifest = try layout.image(
                architecture: a.platform.architecture, variant: a.platform.variant, content: "\(tag) \(arch)")
            var platform = ["architecture": a.platform.architecture, "os": "linux"]
            if let v = a.platform.variant { platform["variant"] = v }
            entries.append(
                manifest.descriptor(
                    platform: platform,
                    annotations: [
                        "org.opencontainers.image.revision": commit,
                        "org.opencontainers.image.source": "https://github.com/up/provenanced.git#\(commit):22",
                        "com.docker.official-images.bashbrew.arch": arch,
                    ]))
            guard let provenance = attested[arch] else { continue }
            let att = try layout.attestation(for: manifest.digest, provenance: provenance)
            attestations.append(
                att.descriptor(
                    platform: ["architecture": "unknown", "os": "unknown"],
                    annotations: [
                        "vnd.docker.reference.type": "attestation-manifest",
                        "vnd.docker.reference.digest": manifest.digest.description,
                    ]))
        }
        let index = try layout.json(
            ["schemaVersion": 2, "mediaType": MediaType.ociIndex, "manifests": entries + attestations],
            mediaType: MediaType.ociIndex)
        layout.tag(index, tag)
        try layout.writeIndex()
        try world.registry.push(layout: layout.directory, tag: tag, repository: "library/provenanced")
    }

    func provenance(_ commit: String, _ version: BuildKitProvenance.Version = .v02) -> BuildKitProvenance {
        BuildKitProvenance(
            version: version, repository: "https://github.com/up/provenanced.git", commit: commit, directory: "22")
    }

    /// The JSON report's platform object for `tag`/`arch`.
    func platform(_ json: String, tag: String, arch: String) throws -> [String: Any] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let images = try #require(root["images"] as? [[String: Any]])
        let tags = try #require(images.first?["tags"] as? [[String: Any]])
        let t = try #require(tags.first { $0["tag"] as? String == tag })
        let platforms = try #require(t["platforms"] as? [[String: Any]])
        return try #require(platforms.first { $0["arch"] as? String == arch })
    }

    func notes(_ json: String, tag: String) throws -> [String] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let tags = try #require((root["images"] as? [[String: Any]])?.first?["tags"] as? [[String: Any]])
        return (tags.first { $0["tag"] as? String == tag }?["notes"] as? [String]) ?? []
    }

    @Test func attestationMismatch_provenanceNamingAnotherCommit_andTheAlertStays() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let old = try world.commit("provenanced", files: ["22/Dockerfile": Self.dockerfile, "22/hello": "old\n"])
        let commit = try world.commit("provenanced", files: ["22/hello": "hello\n"])
        try world.upstreamGit("provenanced", ["push", "--quiet", "origin", "main"])
        try world.library(
            "provenanced",
            SyntheticWorld.libraryFile(
                repo: "provenanced",
                entries: [
                    ("attested", "refs/heads/main", commit, "Directory: 22\n"),
                    ("elsewhere", "refs/heads/main", commit, "Directory: 22\nArchitectures: amd64\n"),
                    ("partial", "refs/heads/main", commit, "Directory: 22\nArchitectures: amd64, arm64v8\n"),
                    ("bare", "refs/heads/main", commit, "Directory: 22\nArchitectures: amd64, s390x\n"),
                ]))
        try await offPool {
            try self.publish(
                world, tag: "attested", commit: commit, arches: ["amd64"],
                attested: ["amd64": self.provenance(commit, .v1)])
            // Annotations name the library's commit; the build's own provenance names another.
            try self.publish(
                world, tag: "elsewhere", commit: commit, arches: ["amd64"], attested: ["amd64": self.provenance(old)])
            try self.publish(
                world, tag: "partial", commit: commit, arches: ["amd64", "arm64v8"],
                attested: ["amd64": self.provenance(commit)])
            try self.publish(world, tag: "bare", commit: commit, arches: ["amd64", "s390x"], attested: [:])
        }

        // The text report puts the provenance's commit:dir under the library's (a dry run: no state).
        var textOptions = world.options(.text)
        textOptions.dryRun = true
        let text = try await CheckCommand.run(.init(references: ["provenanced:elsewhere"]), options: textOptions)
        #expect(text.output.contains("\(commit.prefix(7)):22"), "\(text.output)")
        #expect(text.output.contains("provenance \(old.prefix(7)):22 Dockerfile (attestation "), "\(text.output)")

        let (first, r1) = try await world.check(["provenanced"])
        #expect(first.exitCode == 1, "\(first.output)")
        #expect(r1.alerts.map(\.kind) == ["attestation-mismatch"], "\(r1.findings)")
        let alert = try #require(r1.alerts.first)
        #expect(alert.tag == "elsewhere" && alert.arch == "amd64")
        #expect(alert.expected == "commit \(commit)" && alert.actual == "commit \(old)")
        #expect(alert.message.contains("attestation sha256:"), "\(alert.message)")
        let missing = r1.findings.filter { $0.kind == "attestation-missing" }
        #expect(missing.count == 1, "\(r1.findings)")
        #expect(
            missing.first?.severity == "info" && missing.first?.tag == "partial" && missing.first?.arch == "arm64v8")
        #expect(
            try notes(first.output, tag: "bare").contains(
                "the index carries no attestation manifests: no build provenance to compare with the library"))
        #expect(r1.findings.filter { $0.tag == "attested" }.isEmpty, "\(r1.findings)")

        // The provenance is shown beside the library's source.
        let shown = try platform(first.output, tag: "attested", arch: "amd64")
        let attestation = try #require(shown["attestation"] as? [String: Any])
        let source = try #require(shown["source"] as? [String: Any])
        #expect(attestation["commit"] as? String == commit && source["gitCommit"] as? String == commit)
        #expect(attestation["directory"] as? String == "22" && source["directory"] as? String == "22")
        #expect(attestation["repository"] as? String == "https://github.com/up/provenanced.git")
        #expect(attestation["predicateType"] as? String == "https://slsa.dev/provenance/v1")
        #expect(attestation["sboms"] as? [String] == ["SPDX"])
        let elsewhere = try platform(first.output, tag: "elsewhere", arch: "amd64")
        #expect((elsewhere["attestation"] as? [String: Any])?["commit"] as? String == old)
        #expect(elsewhere["status"] as? String == "mismatch")

        // Nothing changed: one HEAD per tag, the attestations are not read again, and the alert
        // is a promise: it stays open until explained, acknowledged or muted.
        let (second, r2) = try await world.check(["provenanced"])
        #expect(second.exitCode == 1, "\(second.output)")
        let kept = try #require(r2.alerts.first)
        #expect(r2.alerts.count == 1)
        #expect(kept.kind == "attestation-mismatch" && kept.alertStatus == "open" && kept.tag == "elsewhere")
        #expect(kept.openSince == alert.openSince)
        #expect(try notes(second.output, tag: "elsewhere").contains { $0.hasPrefix("index digest unchanged") })
    }

    /// Fixed by a rebuild whose provenance names the library's commit: the alert is resolved.
    @Test func attestationMismatch_resolvedWhenTheRebuildNamesTheLibrarysCommit() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let commit = try world.commit("provenanced", files: ["22/Dockerfile": Self.dockerfile, "22/hello": "hi\n"])
        try world.upstreamGit("provenanced", ["push", "--quiet", "origin", "main"])
        try world.library(
            "provenanced",
            SyntheticWorld.libraryFile(
                repo: "provenanced", entries: [("1", "refs/heads/main", commit, "Directory: 22\n")]))
        let other = String(repeating: "b", count: 40)
        try await offPool {
            try self.publish(
                world, tag: "1", commit: commit, arches: ["amd64"], attested: ["amd64": self.provenance(other)])
        }
        let (_, r1) = try await world.check(["provenanced"])
        #expect(r1.alerts.map(\.kind) == ["attestation-mismatch"], "\(r1.findings)")

        try await offPool {
            try self.publish(
                world, tag: "1", commit: commit, arches: ["amd64"], attested: ["amd64": self.provenance(commit)])
        }
        let (second, r2) = try await world.check(["provenanced"])
        #expect(r2.alerts.isEmpty, "\(second.output)")
        #expect(
            r2.findings.contains { $0.kind == "attestation-mismatch" && $0.alertStatus == "resolved" }, "\(r2.findings)"
        )
    }
}
