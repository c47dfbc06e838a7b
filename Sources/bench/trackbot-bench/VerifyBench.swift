import Foundation
import TrackbotCore
import Verification

/// The verification benchmark's workloads, `trackbot-bench verify`
/// (scripts/bench.d/verify runs them beside sha512sum, sha256sum and gzip).
enum VerifyBench {
    static let usage = """
        usage: trackbot-bench verify sha512 FILE...      sha512 of each file (like sha512sum)
               trackbot-bench verify sha256 FILE...      sha256 of each file (like sha256sum)
               trackbot-bench verify layer FILE          sha256 of the compressed file and of its uncompressed content, one pass
               trackbot-bench verify list FILE           list a (compressed) tar: entry count, bytes, diff_id
               trackbot-bench verify listing FILE        keep every entry in memory, as --deep does for a rootfs tarball
               (any mode: --buffer-kib N sets the buffer size: default 64 for plain hashing, 256 for decompression)
               trackbot-bench verify verify DIR [SUBDIR [FILE [BUILDER]]]   the full Verifier, JSON report
        """

    /// Runs one workload and returns its output (sha*sum-style lines, or JSON).
    static func run(arguments: [String]) throws -> String {
        var arguments = arguments
        var bufferSize: Int?
        if let i = arguments.firstIndex(of: "--buffer-kib"), i + 1 < arguments.count, let kib = Int(arguments[i + 1]),
            kib > 0
        {
            bufferSize = kib << 10
            arguments.removeSubrange(i...(i + 1))
        }
        let limits = bufferSize.map { StreamLimits(bufferSize: $0) } ?? .default
        guard let mode = arguments.first else { throw VerificationError.invalidArgument(usage) }
        let args = Array(arguments.dropFirst())
        switch mode {
        case "sha512", "sha256":
            let algorithm: Digest.Algorithm = mode == "sha512" ? .sha512 : .sha256
            let digests = try ArtefactHasher.hashFiles(
                args, algorithms: [algorithm],
                bufferSize: bufferSize ?? ArtefactHasher.readBufferSize)
            return zip(digests, args).map { "\($0.digests[0].hex)  \($1)\n" }.joined()
        case "layer":
            guard let path = args.first else { throw VerificationError.invalidArgument(usage) }
            let file = HashingStream(try FileStream(path: path))
            let plain = HashingStream(try DecompressingStream(file, path: path, limits: limits))
            try plain.drain(bufferSize: limits.bufferSize)
            return "\(file.finalize().hex)  \(path)\n\(plain.finalize().hex)  -\n"
        case "list":
            guard let path = args.first else { throw VerificationError.invalidArgument(usage) }
            let file = try FileStream(path: path)
            let plain = HashingStream(try DecompressingStream(file, path: path, limits: limits))
            let reader = TarReader(plain, path: path, limits: limits)
            var count = 0
            var bytes: UInt64 = 0
            while let e = try reader.next() {
                count += 1
                bytes += e.size
            }
            try plain.drain()
            return "\(count) entries, \(bytes) content bytes, diff_id \(plain.finalize())\n"
        case "listing":
            guard let path = args.first else { throw VerificationError.invalidArgument(usage) }
            let listing = try TarReader.list(try FileStream(path: path), path: path, limits: limits)
            return "\(listing.entries.count) entries, \(listing.unsafeEntries.count) unsafe\n"
        case "verify":
            guard let root = args.first else { throw VerificationError.invalidArgument(usage) }
            let tree = try LocalSourceTree(root: root)
            let report = try Verifier(tree: tree).verify(
                directory: args.count > 1 ? args[1] : "",
                file: args.count > 2 ? args[2] : nil,
                builder: args.count > 3 ? args[3] : nil)
            return try JSONCoding.readable(report)
        default:
            throw VerificationError.invalidArgument(usage)
        }
    }
}
