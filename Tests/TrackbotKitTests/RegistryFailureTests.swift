import Foundation
import Registry
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import TrackbotKit

/// The registry failing for one image (503 on every request for it) still lets the others finish.
@Suite struct RegistryFailureTests {
    @Test func registryFailingForOneImageLetsTheOthersFinish() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let rootfs = try world.rootfs(["etc/os-release": "ID=demo\n"])
        let work = try world.upstream("distro")
        _ = try world.layout(rootfs: rootfs, single: true, into: work.appendingPathComponent("oci"))
        let commit = try world.commit("distro", message: "oci layout")
        try world.upstreamGit("distro", ["push", "--quiet", "origin", "main"])
        let entry = SyntheticWorld.libraryFile(
            repo: "distro",
            entries: [
                ("1", "refs/heads/main", commit, "Builder: oci-import\nFile: index.json\nDirectory: oci\n")
            ])
        try world.library("one", entry)
        try world.library("two", entry)
        try world.publish("one", tag: "1", rootfs: rootfs)
        try world.publish("two", tag: "1", rootfs: rootfs)

        let proxy = try await FaultProxy.start(upstream: world.registry.url, workDirectory: world.dir.url)
        try proxy.rules(#"[{"action":"status","status":503,"match":"/library/two/"}]"#)
        var options = world.options()
        options.rewrites = [.init(from: "docker.io", to: proxy.url)]
        let quick = RegistryConfiguration(
            retry: RetryPolicy(maxAttempts: 2, budget: 300, baseDelay: 0.01, maxDelay: 0.05))
        let result = try await CheckCommand.run(
            .init(references: ["two", "one"]), options: options, registryConfiguration: quick)
        let report = try JSONDecoder().decode(SyntheticWorld.Report.self, from: Data(result.output.utf8))
        #expect(result.exitCode == 2)
        #expect(report.images.map(\.name) == ["two", "one"])
        #expect(report.images[0].error?.contains("503") == true, "\(report.images[0].error ?? "")")
        #expect(report.images[1].error == nil)
        let state = try StateStore(path: world.statePath).load()
        #expect(state.images["one"]?.tags["1"]?.indexDigest != nil)
        #expect(state.images["two"] == nil)
    }
}
