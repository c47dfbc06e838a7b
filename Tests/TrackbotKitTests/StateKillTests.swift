import Foundation
import TestSupport
import Testing
import Tracking

@testable import TrackbotKit

/// A trackbot process killed at any moment leaves the old state or the new one, never a broken file.
@Suite struct StateKillTests {
    @Test func killedRunsNeverLeaveABrokenStateFile() async throws {
        let binary = try TestPaths.trackbotBinary()
        let world = try await offPool { try AlpineWorld() }
        try await world.publish(tags: ["3.20"])
        let (first, _) = try await world.check()
        #expect(first.exitCode == 0)
        let recorded = try StateStore(path: world.statePath).load()
        var killed = 0
        for i in 0..<12 {
            // Alternate the published image so each run has a new state to write.
            if i % 4 == 3 { try await world.publish(tags: ["3.20"], extraFile: "etc/v\(i)") }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["check", "alpine:3.20", "--config", world.configPath]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try spawn { try p.run() }
            try await Task.sleep(for: .microseconds(Int.random(in: 20_000...400_000)))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                killed += 1
            }
            await waitForExit(p)
            let state = try StateStore(path: world.statePath).load()  // never throws: old or new
            #expect(state.images["alpine"]?.libraryCommit == recorded.images["alpine"]?.libraryCommit)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: world.dir.path).filter {
                $0.contains(".tmp-")
            }
            // A temp file from a killed writer may remain; it is never the state itself.
            #expect(leftovers.allSatisfy { !$0.hasSuffix("state.json") })
        }
        #expect(killed > 0, "no run was killed before it finished; the test proved nothing")
    }
}
