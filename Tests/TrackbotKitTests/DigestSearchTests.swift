import Foundation
import Registry
import Reporting
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

/// `digests IMAGE --which DIGEST` against a real registry (docker-registry filled by skopeo) and a
/// library file in a real official-images repository: which tags publish a digest and as what,
/// and how many requests it cost (the client's own count of what it sent).
@Suite("digests --which: the tags and platforms of a digest", .serialized)
struct DigestSearchTests {
    struct World {
        var world: SyntheticWorld
        /// The index of tags 1, 1.0 and latest (one entry, one build).
        var first: Digest
        /// amd64, arm64v8 platform manifests, then the attestation manifests, of `first`.
        var firstManifests: [String: Digest]
        /// The index of tag 2 (the other entry).
        var second: Digest
    }

    /// Writes a two-platform layout with attestation manifests; returns the index digest and
    /// each descriptor's digest by its architecture (attestations as `att-ARCH`).
    static func layout(_ world: SyntheticWorld, _ label: String) throws -> (URL, Digest, [String: Digest]) {
        let amd = try world.rootfs(["etc/os-release": "\(label) amd64\n"])
        let arm = try world.rootfs(["etc/os-release": "\(label) arm64\n"])
        let out = world.dir.appending("oci-\(label)")
        _ = try run(
            try findTool("python3", package: "python3"),
            [
                TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", out.path,
                "--tag", "t", "--platform", "amd64=\(amd.path)", "--platform", "arm64v8=\(arm.path)", "--attestations",
            ])
        let top = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("index.json")))
        let indexText = try #require(
            ((top as? [String: Any])?["manifests"] as? [[String: Any]])?.first?["digest"] as? String)
        let index = try Digest(parsing: indexText)
        let inner = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("blobs/sha256/\(index.hex)")))
        var digests: [String: Digest] = [:]
        for d in ((inner as? [String: Any])?["manifests"] as? [[String: Any]]) ?? [] {
            let digest = try Digest(parsing: d["digest"] as? String ?? "")
            let platform = d["platform"] as? [String: String] ?? [:]
            let annotations = d["annotations"] as? [String: String] ?? [:]
            if annotations["vnd.docker.reference.type"] == "attestation-manifest" {
                let refers = try Digest(parsing: annotations["vnd.docker.reference.digest"] ?? "")
                let arch = digests.first { $0.value == refers }?.key ?? "?"
                digests["att-\(arch)"] = digest
            } else {
                digests[platform["architecture"] ?? "?"] = digest
            }
        }
        return (out, index, digests)
    }

    static func world() async throws -> World {
        let world = try await offPool { try SyntheticWorld() }
        let (firstLayout, first, manifests) = try Self.layout(world, "one")
        let (secondLayout, second, _) = try Self.layout(world, "two")
        for tag in ["1", "1.0", "latest"] {
            try world.registry.push(layout: firstLayout, tag: "t", repository: "library/found", as: tag)
        }
        try world.registry.push(layout: secondLayout, tag: "t", repository: "library/found", as: "2")
        // Newest entry first, as official-images writes them.
        let commit = String(repeating: "a", count: 40)
        try world.library(
            "found",
            SyntheticWorld.libraryFile(
                repo: "found",
                entries: [
                    ("1, 1.0", nil, commit, "SharedTags: latest\nArchitectures: amd64, arm64v8\n"),
                    ("2", nil, commit, "Architectures: amd64, arm64v8\n"),
                ]))
        return World(world: world, first: first, firstManifests: manifests, second: second)
    }

    /// Runs the search with a client the test keeps, to count what it sent.
    static func search(_ world: SyntheticWorld, _ request: DigestSearch.Request, format: OutputFormat = .json)
        async throws -> (CommandResult, [String: Int], [String: Any])
    {
        var options = world.options(format)
        options.environment = [:]
        let context = try RunContext.load(options)
        let client = try context.registryClient(for: "test")
        let result = try await DigestSearch.run(request, context: context, client: client)
        let json =
            format == .json
            ? (try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]) : [:]
        return (result, client.requests.snapshot, json)
    }

    static func matches(_ json: [String: Any]) -> [String] {
        ((json["matches"] as? [[String: Any]]) ?? []).map {
            "\($0["reference"] as? String ?? "") \($0["kind"] as? String ?? "")"
                + (($0["architecture"] as? String).map { " \($0)" } ?? "")
        }
    }

    @Test func which_libraryTags_platformDigest_oneHeadPerTagOneGetPerDistinctIndex() async throws {
        let w = try await Self.world()
        let arm = try #require(w.firstManifests["arm64"])
        let (result, requests, json) = try await Self.search(
            w.world, .init(references: ["found"], digest: arm.description))
        #expect(result.exitCode == 0, "\(result.output) \(result.diagnostics)")
        #expect(
            Self.matches(json) == [
                "found:1 platform arm64v8", "found:1.0 platform arm64v8", "found:latest platform arm64v8",
            ])
        #expect(json["digest"] as? String == arm.description)
        // Four tags (the library file's, each once): four HEADs; two builds: two GETs.
        #expect(requests["HEAD manifest"] == 4, "\(requests)")
        #expect(requests["GET manifest"] == 2, "\(requests)")
        #expect(requests["GET tags"] == nil, "an official image's tags come from its library file")
        let searched = try #require(json["searched"] as? [String: Any])
        #expect(searched["tags"] as? Int == 4 && searched["manifestsRead"] as? Int == 2)
        // 2 indexes, each with 2 platforms and 2 attestations.
        #expect(searched["digestsCompared"] as? Int == 10)
        #expect((searched["tagSources"] as? [String])?.first?.hasPrefix("library/found at ") == true)

        let (text, _, _) = try await Self.search(
            w.world, .init(references: ["found:1"], digest: arm.description), format: .text)
        #expect(
            text.output.hasPrefix("\(arm)\n  found:1  linux/arm64/v8 (arm64v8) platform manifest\n"), "\(text.output)")
    }

    @Test func which_shortPrefix_indexAndAttestation_namedAsSuch() async throws {
        let w = try await Self.world()
        let prefix = "sha256:" + w.second.hex.prefix(12)
        let (index, _, json) = try await Self.search(w.world, .init(references: ["found"], digest: prefix))
        #expect(index.exitCode == 0, "\(index.output)")
        #expect(Self.matches(json) == ["found:2 index"])
        #expect(json["digest"] as? String == w.second.description, "the whole digest is said")

        let attestation = try #require(w.firstManifests["att-amd64"])
        let (text, _, _) = try await Self.search(
            w.world, .init(references: ["found:latest,2"], digest: String(attestation.hex.prefix(16))), format: .text)
        #expect(text.exitCode == 0)
        #expect(
            text.output.contains("  found:latest  attestation manifest for linux/amd64 (amd64)\n"), "\(text.output)")
    }

    @Test func which_notFound_exit1_sayingWhatWasSearched_andMaxTagsStopsTheSearch() async throws {
        let w = try await Self.world()
        let absent = String(repeating: "0", count: 64)
        let (missing, _, _) = try await Self.search(
            w.world, .init(references: ["found"], digest: "sha256:" + absent), format: .text)
        #expect(missing.exitCode == 1)
        #expect(missing.output.hasPrefix("sha256:\(absent) not found; searched 4 tag(s) of found"), "\(missing.output)")

        var bounded = DigestSearch.Request(references: ["found"], digest: w.second.description)
        bounded.maxTags = 2
        let (stopped, requests, json) = try await Self.search(w.world, bounded)
        #expect(stopped.exitCode == 1, "tag 2 is beyond the first two tags")
        #expect(requests["HEAD manifest"] == 2 && requests["GET manifest"] == 1, "\(requests)")
        let searched = try #require(json["searched"] as? [String: Any])
        #expect(searched["stoppedAt"] as? Int == 2 && searched["tagsAvailable"] as? Int == 4)
    }

    @Test func which_otherRepository_tagsFromTheRegistrysTagList() async throws {
        let w = try await Self.world()
        let (layout, index, _) = try Self.layout(w.world, "three")
        for tag in ["a", "b"] {
            try w.world.registry.push(layout: layout, tag: "t", repository: "someone/tool", as: tag)
        }
        let (result, requests, json) = try await Self.search(
            w.world, .init(references: ["someone/tool"], digest: index.description))
        #expect(result.exitCode == 0, "\(result.output) \(result.diagnostics)")
        // In the registry's order (the distribution spec asks for lexical; docker-registry 2.8 keeps its own).
        #expect(Self.matches(json).sorted() == ["someone/tool:a index", "someone/tool:b index"])
        #expect(
            requests["GET tags"] == 1 && requests["HEAD manifest"] == 2 && requests["GET manifest"] == 1, "\(requests)")

        // --max-tags 1: the registry's first page holds one tag and says there are more.
        var one = DigestSearch.Request(references: ["someone/tool"], digest: index.description)
        one.maxTags = 1
        let (first, firstRequests, firstJSON) = try await Self.search(w.world, one)
        #expect(first.exitCode == 0 && firstRequests["HEAD manifest"] == 1, "\(firstRequests)")
        #expect((firstJSON["searched"] as? [String: Any])?["stoppedAt"] as? Int == 1, "\(first.output)")

        // An official image's tags from the registry instead: all four, listed by the registry.
        var registry = DigestSearch.Request(references: ["found"], digest: w.second.description)
        registry.registryTags = true
        let (listed, listedRequests, _) = try await Self.search(w.world, registry)
        #expect(listed.exitCode == 0 && listedRequests["GET tags"] == 1 && listedRequests["HEAD manifest"] == 4)
    }

    @Test func which_badInput_isAUsageError_andOfflineIsRefused() async throws {
        let w = try await Self.world()
        for (digest, message) in [
            ("sha256:abc", "at least its first 12 hex digits"), ("md5:0123456789abcdef", "unknown digest algorithm"),
        ] {
            await #expect(throws: UsageError.self) {
                _ = try await Self.search(w.world, .init(references: ["found"], digest: digest))
            }
            do { _ = try DigestSearch.Wanted(digest) } catch { #expect("\(error)".contains(message), "\(error)") }
        }
        do {
            _ = try await Self.search(w.world, .init(references: ["found:1", "found:3"], digest: w.first.description))
            Issue.record("a tag the library file lacks is a usage error")
        } catch {
            #expect("\(error)".contains("has no tag \"3\""), "\(error)")
        }
        var options = w.world.options()
        options.offline = true
        do {
            _ = try await DigestSearch.run(.init(references: ["found"], digest: w.first.description), options: options)
            Issue.record("--offline is refused")
        } catch {
            #expect("\(error)" == "digests --which reads the registry: drop --offline", "\(error)")
        }
    }

    /// Two platform manifests whose digests share their first 12 hex digits: the prefix names
    /// neither, and the error lists both; 13 digits name one. (Registry digests never collide like
    /// this by chance, so the index is made here.)
    @Test func which_prefixOfTwoDigests_isAnErrorNamingBoth() throws {
        let a = try Digest(parsing: "sha256:" + "0123456789ab" + String(repeating: "1", count: 52))
        let b = try Digest(parsing: "sha256:" + "0123456789ab" + String(repeating: "2", count: 52))
        let index = try Digest(parsing: "sha256:" + String(repeating: "f", count: 64))
        let platforms = [(a, "amd64", nil as String?), (b, "arm64", "v8")].map { digest, arch, variant in
            PublishedPlatform(
                architecture: arch, os: "linux", variant: variant, digest: digest,
                bashbrewArch: arch == "amd64" ? "amd64" : "arm64v8", annotations: [:], size: 1,
                mediaType: "application/vnd.oci.image.manifest.v1+json")
        }
        let image = PublishedImage(
            reference: "docker.io/library/x:1", mediaType: "application/vnd.oci.image.index.v1+json", digest: index,
            platforms: platforms, attestations: [])
        let tag = DigestSearch.Published(
            image: try ImageReference(parsing: "x:1"), reference: "x:1", digest: index)
        do {
            _ = try DigestSearch.found(
                try .init("0123456789ab"), typed: "0123456789ab", in: [tag], images: [index: image])
            Issue.record("an ambiguous prefix is an error")
        } catch {
            #expect(
                "\(error)" == "--which 0123456789ab is the start of 2 digests: \(a), \(b); give more hex digits")
        }
        let (digest, matches) = try DigestSearch.found(
            try .init("sha256:0123456789ab2"), typed: "sha256:0123456789ab2", in: [tag], images: [index: image])
        #expect(digest == b)
        #expect(
            matches == [.init(reference: "x:1", kind: .platform, platform: "linux/arm64/v8", architecture: "arm64v8")])
    }
}
