import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import TrackbotKit

@Suite("check --deep on the real alpine trace", .serialized)
struct DeepAlpineTests {
    @Test func realRootfsAgainstItsRepushedLayer() async throws {
        let world = try await offPool { try AlpineWorld() }
        // amd64 carries an extra file; arm64v8 is the tarball re-packed as a builder would.
        try await world.publish(tags: ["3.20"], extraFile: "etc/extra")
        var options = world.options()
        options.deep = true
        let result = try await CheckCommand.run(.init(references: ["alpine:3.20"]), options: options)
        let report = try JSONDecoder().decode(SyntheticWorld.Report.self, from: Data(result.output.utf8))
        #expect(result.exitCode == 1, "\(result.output)")
        #expect(report.findings.map(\.kind) == ["content-mismatch"], "\(report.findings)")
        let f = try #require(report.findings.first)
        #expect(f.arch == "amd64" && f.tag == "3.20" && f.severity == "alert")
        #expect(f.message.contains("1 entry differs: + etc/extra"), "\(f.message)")
        #expect(f.expected?.hasPrefix("x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz (") == true, "\(f.expected ?? "")")
        // The unchanged platform is said to match, in the tag's notes.
        #expect(result.output.contains("arm64v8: --deep: layer"), "\(result.output)")
    }
}

@Suite("BytePipe: a bounded pipe from a push producer to a pull reader")
struct BytePipeTests {
    @Test func carriesEveryByteInOrderThroughASmallBuffer() async throws {
        let pipe = BytePipe(capacity: 1000)
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let producer = Task.detached {
            for start in stride(from: 0, to: payload.count, by: 777) {
                try payload[start..<min(start + 777, payload.count)].withUnsafeBytes { try pipe.write($0) }
            }
            pipe.finish()
        }
        let received = try await runBlocking {
            var out: [UInt8] = []
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 333, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let n = try pipe.read(into: buffer)
                if n == 0 { break }
                out += buffer.prefix(n)
            }
            return out
        }
        try await producer.value
        #expect(received == payload)
    }

    @Test func producerErrorReachesTheReaderAndAClosedReaderStopsTheProducer() async throws {
        struct Broken: Error {}
        let failing = BytePipe()
        try [1, 2, 3].withUnsafeBytes { try failing.write($0) }
        failing.finish(Broken())
        #expect(throws: Broken.self) { try failing.drain() }

        let closed = BytePipe(capacity: 4)
        closed.closeReader()
        #expect(throws: BytePipe.ReaderClosed.self) {
            try [UInt8](repeating: 0, count: 8).withUnsafeBytes { try closed.write($0) }
        }
    }
}
