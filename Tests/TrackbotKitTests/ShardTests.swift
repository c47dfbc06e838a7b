import Foundation
import TestSupport
import Testing

@testable import TrackbotKit

@Suite struct ShardTests {
    static let images = ["alpine", "busybox", "debian", "node", "ubuntu"]

    @Test func everyImageIsInExactlyOneShard() throws {
        let names = Self.images + (0..<200).map { "image-\($0)" }
        for n in 1...6 {
            let shards = try (1...n).map { try Shard(index: $0, count: n) }
            for name in names {
                #expect(shards.filter { $0.contains(name) }.count == 1, "\(name) with N=\(n)")
            }
        }
        // A split of 205 names into 4 leaves no shard empty (FNV-1a spreads them).
        let sizes = try (1...4).map { i in try names.filter { try Shard(index: i, count: 4).contains($0) }.count }
        #expect(sizes.allSatisfy { $0 > 20 }, "\(sizes)")
    }

    /// The assignment is a property of the name, fixed across processes and machines: these values
    /// are FNV-1a 64 of the names mod 4 (python3: see docs/ci.md), so a CI matrix never loses an image.
    @Test func knownAssignmentOfTheExampleImages() {
        let assigned = Dictionary(uniqueKeysWithValues: Self.images.map { ($0, Shard.assignment(of: $0, count: 4)) })
        #expect(assigned == Self.expected)
        #expect(Shard.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)  // the published FNV-1a 64 test vector
    }

    static let expected = ["alpine": 3, "busybox": 2, "debian": 1, "node": 2, "ubuntu": 3]

    @Test func parsingAndValidation() throws {
        #expect(try Shard.parse("2/4") == Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", "-1/4", "2/4/1", ""] {
            #expect(throws: UsageError.self, "\(bad)") { try Shard.parse(bad) }
        }
        let error = #expect(throws: UsageError.self) { try Shard.parse("5/4") }
        #expect(error?.description.contains("between 1 and 4") == true)
    }

    /// `watch --shard I/N` checks exactly the configured images of shard I; together the shards
    /// cover the watch list once (the shipped config/trackbot.toml).
    @Test func watchTargetsOfEachShard() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("config/trackbot.toml").path
        let config = try ConfigurationLoader.load(explicitPath: path)
        let all = try CheckCommand.targets(
            .init(references: []), context: RunContext(configuration: config, options: GlobalOptions())
        ).map(\.image)
        #expect(all.sorted() == Self.images)
        var seen: [String] = []
        for i in 1...4 {
            let request = CheckCommand.Request(references: [], shard: try Shard(index: i, count: 4))
            let names = try CheckCommand.targets(
                request, context: RunContext(configuration: config, options: GlobalOptions())
            ).map(\.image)
            #expect(names.allSatisfy { Self.expected[$0] == i }, "shard \(i): \(names)")
            seen += names
        }
        #expect(seen.sorted() == all.sorted())
    }
}
