import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

@Suite struct CompressionTests {
    let tmp: TemporaryDirectory
    init() throws { tmp = try TemporaryDirectory("verify-compress") }

    func write(_ name: String, _ text: String) throws -> URL {
        let url = tmp.appending(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func decompress(_ url: URL, limits: StreamLimits = .default) throws -> (String, DecompressingStream) {
        let stream = try DecompressingStream(
            try FileStream(path: url.path), path: url.lastPathComponent, limits: limits)
        var out = [UInt8]()
        try stream.drain(bufferSize: 4096) { out += $0 }
        return (String(decoding: out, as: UTF8.self), stream)
    }

    @Test func magicBytes() {
        #expect(Compression.detect([0x1f, 0x8b, 8, 0]) == .gzip)
        #expect(Compression.detect([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) == .xz)
        #expect(Compression.detect([0x28, 0xb5, 0x2f, 0xfd]) == .zstd)
        #expect(Compression.detect(Array("BZh9".utf8)) == .bzip2)
        #expect(Compression.detect(Array("./etc".utf8)) == .none)
    }

    @Test(arguments: [("gzip", ".gz", Compression.gzip), ("xz", ".xz", .xz), ("zstd", ".zst", .zstd)])
    func concatenatedMembersAreAllRead(tool: String, suffix: String, format: Compression) throws {
        let a = try write("a", String(repeating: "first member\n", count: 1000))
        let b = try write("b", "second member\n")
        try runTool(tool, ["-q", "-k", a.path])
        try runTool(tool, ["-q", "-k", b.path])
        let joined = tmp.appending("joined" + suffix)
        var data = try Data(contentsOf: URL(fileURLWithPath: a.path + suffix))
        data += try Data(contentsOf: URL(fileURLWithPath: b.path + suffix))
        try data.write(to: joined)
        let (text, stream) = try decompress(joined)
        #expect(stream.format == format)
        #expect(text == String(repeating: "first member\n", count: 1000) + "second member\n")
        // The peer tool agrees.
        #expect(text == (try runTool(tool, ["-dc", joined.path])))
    }

    @Test func aBombStopsAtTheCap() throws {
        let zeros = tmp.appending("zeros")
        try runTool("/bin/sh", ["-c", "head -c 67108864 /dev/zero | gzip -9 > '\(zeros.path).gz'"])
        let bomb = URL(fileURLWithPath: zeros.path + ".gz")
        let compressedSize = try Data(contentsOf: bomb).count
        #expect(compressedSize < 200_000)
        let limits = StreamLimits(maxDecompressedBytes: 1 << 20, bufferSize: 256 << 10)
        #expect(throws: VerificationError.decompressedTooLarge(path: "zeros.gz", limit: 1 << 20)) {
            _ = try decompress(bomb, limits: limits)
        }
        // The same file under the default cap expands fully.
        let stream = try DecompressingStream(try FileStream(path: bomb.path), path: "zeros.gz")
        try stream.drain()
        #expect(stream.produced == 64 << 20)
    }

    @Test func aTruncatedFileIsAnError() throws {
        let a = try write("t", String(repeating: "some text that compresses\n", count: 5000))
        for (tool, suffix, name) in [("gzip", ".gz", "gzip"), ("xz", ".xz", "xz"), ("zstd", ".zst", "zstd")] {
            try runTool(tool, ["-q", "-k", "-f", a.path])
            let url = URL(fileURLWithPath: a.path + suffix)
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)
            #expect(
                throws: VerificationError.corruptCompressed(
                    path: "t" + suffix, format: name, reason: "unexpected end of data (truncated file)")
            ) {
                _ = try decompress(url)
            }
        }
    }

    @Test func hashingInOnePass() throws {
        let a = try write("h", String(repeating: "layer content\n", count: 20000))
        try runTool("gzip", ["-k", a.path])
        let gz = URL(fileURLWithPath: a.path + ".gz")
        let file = HashingStream(try FileStream(path: gz.path))
        let plain = HashingStream(try DecompressingStream(file, path: "h.gz"))
        try plain.drain()
        #expect(file.finalize().hex == (try VerificationFixtures.sha256sum(gz)))
        #expect(plain.finalize().hex == (try VerificationFixtures.sha256sum(a)))
        #expect(plain.count == UInt64(14 * 20000))
    }
}

@Suite struct HashingTests {
    @Test func systemAndPortableSha512Agree() throws {
        let tmp = try TemporaryDirectory("verify-hash")
        let url = tmp.appending("data")
        var bytes = [UInt8](repeating: 0, count: 3 << 20)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
        try Data(bytes).write(to: url)
        #expect(SystemSHA512.isAvailable, "libcrypto.so.3 (libssl3) should be loadable on Debian")
        let fast = try ArtefactHasher.hash(try FileStream(path: url.path), algorithms: [.sha512, .sha256])
        let portable = StreamingHasher.digest(bytes, .sha512)
        #expect(fast.digest(.sha512) == portable)
        #expect(fast.digest(.sha512)?.hex == (try VerificationFixtures.sha512sum(url)))
        #expect(fast.digest(.sha256)?.hex == (try VerificationFixtures.sha256sum(url)))
        #expect(fast.size == UInt64(3 << 20))
        let many = try ArtefactHasher.hashFiles([url.path, url.path, url.path], algorithms: [.sha512])
        #expect(many.map { $0.digests } == Array(repeating: [portable], count: 3))
    }
}

@Suite struct GzipTrailerTests {
    @Test func zeroPaddingIsToleratedGarbageIsNot() throws {
        let tmp = try TemporaryDirectory("verify-trailer")
        let text = tmp.appending("t")
        try "padded member\n".write(to: text, atomically: true, encoding: .utf8)
        try runTool("gzip", ["-k", text.path])
        let gz = try Data(contentsOf: URL(fileURLWithPath: text.path + ".gz"))
        let padded = tmp.appending("padded.gz"), garbage = tmp.appending("garbage.gz")
        try (gz + Data(repeating: 0, count: 1024)).write(to: padded)
        try (gz + Data("junk".utf8)).write(to: garbage)
        var out = [UInt8]()
        try DecompressingStream(try FileStream(path: padded.path), path: "padded.gz").drain { out += $0 }
        #expect(String(decoding: out, as: UTF8.self) == "padded member\n")
        #expect(throws: VerificationError.self) {
            try DecompressingStream(try FileStream(path: garbage.path), path: "garbage.gz").drain()
        }
    }
}

@Suite struct TinyBufferTests {
    /// Output buffers of a few bytes: the decoder often stops with output pending and no input left.
    @Test(arguments: [("gzip", ".gz"), ("xz", ".xz"), ("zstd", ".zst")])
    func tinyOutputBuffers(tool: String, suffix: String) throws {
        let tmp = try TemporaryDirectory("verify-tiny")
        let text = String((0..<3000).map { "row \($0)\n" }.joined())
        let url = tmp.appending("f")
        try text.write(to: url, atomically: true, encoding: .utf8)
        try runTool(tool, ["-q", "-k", url.path])
        for size in [1, 3, 4096] {
            var out = [UInt8]()
            let stream = try DecompressingStream(
                try FileStream(path: url.path + suffix), path: "f" + suffix,
                limits: StreamLimits(bufferSize: 4096))
            try stream.drain(bufferSize: size) { out += $0 }
            #expect(String(decoding: out, as: UTF8.self) == text, "\(tool) with \(size)-byte reads")
        }
    }
}
