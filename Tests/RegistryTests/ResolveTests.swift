import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore
import TrackbotKit

@testable import Registry

@Suite("Resolving published images against a real docker-registry", .serialized)
struct ResolveTests {
    let world: RegistryWorld

    init() async throws { world = try await RegistryWorld.shared() }

    @Test func multiPlatformIndexWithAttestations() async throws {
        let client = RegistryWorld.client(world.registry.url)
        let image = try await client.resolve("multi:1.0")
        #expect(image.reference == "docker.io/library/multi:1.0")
        #expect(image.mediaType == MediaType.ociIndex)
        #expect(image.digest == world.images.multiIndex)
        #expect(image.isIndex)
        #expect(
            Dictionary(uniqueKeysWithValues: image.platforms.map { ($0.bashbrewArch ?? "?", $0.digest) })
                == world.images.multiPlatforms)
        let arm = try #require(image.platform(.arm32v7))
        #expect(arm.architecture == "arm" && arm.variant == "v7" && arm.os == "linux")
        #expect(arm.annotations[AnnotationKey.revision] == RegistryWorld.revision)
        #expect(
            Dictionary(uniqueKeysWithValues: image.attestations.map { ($0.digest, $0.references) })
                == world.images.multiAttestations)
        #expect(!image.platforms.contains { $0.os == "unknown" })
    }

    @Test func headDigestIsOneRequestOnceAuthenticated() async throws {
        let client = RegistryWorld.client(world.registry.url)
        let head = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        #expect(head.digest == world.images.multiIndex)
        #expect(head.mediaType == MediaType.ociIndex)
        client.requests.reset()
        _ = try await client.headDigest(ImageReference(parsing: "multi:1.0"))
        #expect(client.requests.snapshot == ["HEAD manifest": 1])
    }

    @Test func tagsSharingContentCostOneGet() async throws {
        let client = RegistryWorld.client(world.registry.url)
        let images = try await withThrowingTaskGroup(of: PublishedImage.self) { group in
            for _ in 0..<12 { group.addTask { try await client.resolve("multi:1.0") } }
            return try await group.reduce(into: [PublishedImage]()) { $0.append($1) }
        }
        #expect(Set(images).count == 1)
        #expect(client.requests.snapshot["GET manifest"] == 1)
        #expect(client.requests.snapshot["HEAD manifest"] == 12)
    }

    @Test func dockerManifestList() async throws {
        let client = RegistryWorld.client(world.registry.url)
        let image = try await client.resolve("dockerlist:1.0")
        #expect(image.mediaType == MediaType.dockerManifestList)
        #expect(image.digest == world.images.dockerList)
        #expect(
            Dictionary(uniqueKeysWithValues: image.platforms.map { ($0.bashbrewArch ?? "?", $0.digest) })
                == world.images.dockerPlatforms)
        #expect(image.platforms.allSatisfy { $0.mediaType == MediaType.dockerManifest })
    }

    @Test func singlePlatformImageHasOnePlatformWithTheSameDigest() async throws {
        let client = RegistryWorld.client(world.registry.url)
        let image = try await client.resolve("\(world.registry.host)/library/single:1.0")
        #expect(image.mediaType == MediaType.ociManifest)
        #expect(image.digest == world.images.single)
        #expect(image.platforms.count == 1)
        #expect(image.platforms.first?.digest == world.images.single)
        #expect(image.platforms.first?.bashbrewArch == "amd64")
        #expect(image.platforms.first?.annotations[AnnotationKey.revision] == RegistryWorld.revision)
    }

    @Test func attestationWithoutItsSubjectIsAnIntegrityError() async throws {
        let client = RegistryWorld.client(world.registry.url)
        await #expect(throws: RegistryError.self) { _ = try await client.resolve("orphan:1.0") }
        do { _ = try await client.resolve("orphan:1.0") } catch let error as RegistryError {
            guard case .attestationWithoutSubject = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("not a platform of the index"))
        }
    }

    @Test func configAndBlobsAreVerified() async throws {
        let client = RegistryWorld.client(world.registry.url)
        let ref = try ImageReference(parsing: "multi@\(world.images.multiPlatforms["arm64v8"]!)")
        let manifest = try #require(try await client.manifest(ref).image)
        let config = try await client.config(for: manifest, in: ref)
        #expect(config.architecture == "arm64" && config.variant == "v8")
        #expect(config.rootfs?.diffIDs.count == 1)
        #expect(config.history?.last?.emptyLayer == true)
        #expect(config.config?.labels?["org.opencontainers.image.version"] == "3.20.3")
        // The layer streams through a sink; its gunzipped content is the tar whose diff ID the config records.
        let layer = manifest.layers[0]
        let collected = BytesBox()
        let size = try await client.blob(ref.at(layer.digest)) { collected.append($0) }
        #expect(size == layer.size)
        #expect(StreamingHasher.digest(collected.data) == layer.digest)
    }

    @Test func unknownTagIsNotFound() async throws {
        let client = RegistryWorld.client(world.registry.url)
        do {
            _ = try await client.headDigest(ImageReference(parsing: "multi:nope"))
            Issue.record("expected notFound")
        } catch let error as RegistryError {
            guard case .notFound = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("/v2/library/multi/manifests/nope"))
        }
    }

    @Test func digestsCommandRendersBothKindsOfDigest() async throws {
        var options = GlobalOptions()
        options.rewrites = [.init(from: "docker.io", to: world.registry.url)]
        let config = RegistryConfiguration(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01))
        func digests(_ ref: String, _ format: OutputFormat) async throws -> String {
            options.format = format
            return try await DigestsCommand.run(reference: ref, options: options, configuration: config).output
        }
        let text = try await digests("multi:1.0", .text)
        #expect(
            text.contains(
                "index digest (what `docker pull` and `docker image ls --digests` show):\n    \(world.images.multiIndex)"
            ))
        #expect(text.contains("amd64     linux/amd64     \(world.images.multiPlatforms["amd64"]!)"))
        #expect(text.contains("revision: \(RegistryWorld.revision)"))
        let json = try await digests("multi:1.0", .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["digest"] as? String == world.images.multiIndex.description)
        let platforms = try #require(object["platforms"] as? [[String: Any]])
        #expect(platforms.count == 3)
        let attestations = try #require(object["attestations"] as? [[String: Any]])
        #expect(attestations.count == 2)
        // What each platform's provenance says, beside its digests.
        let provenance = try #require(attestations.first?["provenance"] as? [String: Any])
        #expect(provenance["commit"] as? String == RegistryWorld.revision)
        #expect(provenance["repository"] as? String == "https://github.com/alpinelinux/docker-alpine.git")
        #expect(attestations.first?["sboms"] as? [String] == ["SPDX"])
        #expect(text.contains("commit: \(RegistryWorld.revision)"))
        #expect(text.contains("SBOM: SPDX"))
        let md = try await digests("multi:1.0", .markdown)
        #expect(md.contains("| arm32v7 | `linux/arm/v7` | `\(world.images.multiPlatforms["arm32v7"]!)` |"))
        let single = try await digests("single:1.0", .text)
        #expect(single.contains("single-platform image"))

        // Pins ready to paste: the index's, and each platform's (which pulls that platform only).
        let amd64 = world.images.multiPlatforms["amd64"]!
        #expect(text.contains("    pin: multi:1.0@\(world.images.multiIndex)\n"), "\(text)")
        #expect(text.contains("      pin (this platform only): multi:1.0@\(amd64)\n"), "\(text)")
        #expect(object["pin"] as? String == "multi:1.0@\(world.images.multiIndex)")
        #expect(platforms.contains { $0["pin"] as? String == "multi:1.0@\(amd64)" })
        #expect(md.contains("- **pin**: `multi:1.0@\(world.images.multiIndex)`"))
        // One platform of an index, named by digest: labelled as such, not as a single-platform image.
        let platform = try await digests("multi:1.0@\(amd64)", .text)
        #expect(
            platform.contains(
                "platform manifest digest (the linux/amd64 platform of multi:1.0, whose index digest \(world.images.multiIndex) is what `docker pull` shows)"
            ), "\(platform)")
        #expect(!platform.contains("single-platform image"))
        let byDigest = try await digests("multi@\(amd64)", .text)
        #expect(
            byDigest.contains("named by digest: an image manifest, possibly one platform of an index"), "\(byDigest)")
        await #expect(throws: RegistryError.self) { _ = try await digests("multi:absent", .text) }
    }
}

final class BytesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    var data: Data { lock.withLock { bytes } }
    func append(_ chunk: UnsafeRawBufferPointer) { lock.withLock { bytes.append(contentsOf: chunk) } }
}
