import Foundation
import Registry
import TrackbotCore

/// The registry benchmark (scripts/bench.d/registry): resolves many tags of one repository and
/// reports time and requests. Meant for a hidden subcommand.
enum RegistryBench {
    /// Arguments: `--registry HOST[:PORT]` (contacted over http when loopback), `--repository
    /// NAME`, `--prefix P --count N` (tags P0…P(N-1)), `--concurrency N` (default 8).
    /// Runs three passes with fresh clients: `resolve` (HEAD each tag, GET each distinct
    /// digest once), `unchanged` (HEAD each tag and compare with the digests just recorded) and
    /// `get-every-tag` (GET and verify every tag's manifest, no content cache, like a
    /// `skopeo inspect --raw` loop).
    static func run(arguments: [String]) async throws -> String {
        var options: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            guard arguments[i].hasPrefix("--"), i + 1 < arguments.count else {
                throw RegistryError.invalidReference(
                    arguments[i],
                    reason:
                        "not a bench option: the options are --registry, --repository, --prefix, --count, --concurrency, each with a value"
                )
            }
            options[String(arguments[i].dropFirst(2))] = arguments[i + 1]
            i += 2
        }
        let registry = options["registry"] ?? "127.0.0.1:5000"
        let repository = options["repository"] ?? "library/bench"
        let prefix = options["prefix"] ?? "t"
        let count = Int(options["count"] ?? "") ?? 500
        let width = Int(options["concurrency"] ?? "") ?? 8
        let tags = (0..<count).map { "\(prefix)\($0)" }
        let references = try tags.map { try ImageReference(parsing: "\(registry)/\(repository):\($0)") }
        let configuration = RegistryConfiguration(
            credentials: try CredentialStore.fromEnvironment(), maxConcurrentPerHost: width)
        var out = "registry bench: \(count) tags of \(registry)/\(repository), \(width) concurrent requests per host\n"

        // Pass 1: resolve every tag.
        let resolver = RegistryClient(configuration: configuration)
        var start = Date()
        let images = try await concurrently(references, width: width * 2) { try await resolver.resolve($0) }
        let resolveTime = Date().timeIntervalSince(start)
        let platforms = images.reduce(0) { $0 + $1.platforms.count }
        let distinctPlatformDigests = Set(images.flatMap { $0.platforms.map(\.digest) }).count
        out += line("resolve", resolveTime, count, resolver.requests.snapshot)
        out +=
            "  \(platforms) platform digests resolved (\(distinctPlatformDigests) distinct), \(images.count) index digests\n"

        // Pass 2: unchanged tags, HEAD only, compared with what pass 1 recorded.
        let recorded = Dictionary(uniqueKeysWithValues: zip(tags, images.map(\.digest)))
        let watcher = RegistryClient(configuration: configuration)
        _ = try await watcher.headDigest(references[0])  // authenticate outside the measurement
        watcher.requests.reset()
        start = Date()
        let heads = try await concurrently(references, width: width * 2) { try await watcher.headDigest($0).digest }
        let headTime = Date().timeIntervalSince(start)
        let changed = zip(tags, heads).filter { recorded[$0.0] != $0.1 }.count
        out += line("unchanged", headTime, count, watcher.requests.snapshot)
        out +=
            "  \(changed) changed; \(String(format: "%.2f", Double(watcher.requests.total) / Double(count))) requests per unchanged tag\n"

        // Pass 3: GET every tag's manifest, verified, no cache.
        let getter = RegistryClient(configuration: configuration)
        start = Date()
        let fetched = try await concurrently(references, width: width * 2) { ref -> Int in
            let m = try await getter.manifest(ref)
            return try RegistryClient.split(
                m.index ?? ImageIndex(schemaVersion: 2, manifests: []), registry: registry, reference: ref.description
            ).0.count
        }
        let getTime = Date().timeIntervalSince(start)
        out += line("get-every-tag", getTime, count, getter.requests.snapshot)
        out += "  \(fetched.reduce(0, +)) platform digests read\n"
        return out
    }

    private static func line(_ name: String, _ seconds: Double, _ count: Int, _ requests: [String: Int]) -> String {
        let shown = requests.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return
            "\(name): \(String(format: "%.3f", seconds)) s (\(String(format: "%.2f", seconds * 1000 / Double(count))) ms/tag), requests: \(shown)\n"
    }

    /// Runs `body` over `items` with at most `width` in flight, keeping the order.
    static func concurrently<T: Sendable, R: Sendable>(
        _ items: [T], width: Int, _ body: @escaping @Sendable (T) async throws -> R
    ) async throws -> [R] {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(width, items.count) {
                let i = next, item = items[i]
                group.addTask { (i, try await body(item)) }
                next += 1
            }
            while let (i, r) = try await group.next() {
                results[i] = r
                if next < items.count {
                    let j = next, item = items[j]
                    group.addTask { (j, try await body(item)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
