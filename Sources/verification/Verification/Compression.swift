import CLzma
import CZlib
import CZstd
import TrackbotCore

/// A compression format, recognised by its magic bytes.
public enum Compression: String, Codable, Sendable, CaseIterable {
    case none, gzip, xz, zstd, bzip2

    /// The format whose magic number starts `prefix` (`none` when nothing matches).
    public static func detect<C: Collection>(_ prefix: C) -> Compression where C.Element == UInt8 {
        let p = Array(prefix.prefix(6))
        if p.starts(with: [0x1f, 0x8b]) { return .gzip }
        if p.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        if p.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if p.starts(with: [0x42, 0x5a, 0x68]) { return .bzip2 }
        return .none
    }
}

/// Limits that keep one verification bounded in memory and time, whatever an upstream commits:
/// every cap stops the read with an error naming the file and the cap, never with unbounded memory.
public struct StreamLimits: Sendable, Codable, Equatable {
    /// Most uncompressed bytes one artefact may expand to.
    public var maxDecompressedBytes: UInt64
    /// Size of each buffer in a decompression pipeline (compressed input, uncompressed output).
    public var bufferSize: Int
    /// Most memory liblzma may use for one xz stream. A stream's header chooses its dictionary
    /// size (a 0.5 MB file can ask for 3 GiB) and liblzma allocates it before decoding anything;
    /// `xz -9` needs 65 MiB.
    public var xzMemoryLimit: UInt64
    /// Largest zstd window as a power of two (27: 128 MiB, zstd's own default); only
    /// `zstd --long` beyond 27 needs more.
    public var zstdWindowLogMax: Int32
    /// Most entries one tar archive may hold (a distribution's rootfs has about 10,000).
    public var maxTarEntries: Int
    /// Longest entry path or link target, in bytes (Linux's PATH_MAX: nothing longer can be extracted).
    public var maxTarNameBytes: Int
    /// Most bytes of paths and link targets in one archive, all entries together.
    public var maxTarNameBytesTotal: Int
    /// Largest PAX extended header (`x` or `g`) or GNU long name/link (`L`, `K`), in bytes.
    public var maxPaxHeaderBytes: Int
    /// Most records in one PAX header, and most global (`g`) keys kept across the archive.
    public var maxPaxRecords: Int

    public init(
        maxDecompressedBytes: UInt64 = 8 << 30, bufferSize: Int = 256 << 10,
        xzMemoryLimit: UInt64 = 256 << 20, zstdWindowLogMax: Int32 = 27,
        maxTarEntries: Int = 250_000, maxTarNameBytes: Int = 4096, maxTarNameBytesTotal: Int = 32 << 20,
        maxPaxHeaderBytes: Int = 1 << 20, maxPaxRecords: Int = 1000
    ) {
        self.maxDecompressedBytes = maxDecompressedBytes
        self.bufferSize = bufferSize
        self.xzMemoryLimit = xzMemoryLimit
        self.zstdWindowLogMax = zstdWindowLogMax
        self.maxTarEntries = maxTarEntries
        self.maxTarNameBytes = maxTarNameBytes
        self.maxTarNameBytesTotal = maxTarNameBytesTotal
        self.maxPaxHeaderBytes = maxPaxHeaderBytes
        self.maxPaxRecords = maxPaxRecords
    }

    public static let `default` = StreamLimits()
}

/// Looks at the first bytes of a stream without consuming them.
public final class PeekableStream: ByteStream {
    private let source: any ByteStream
    private var head: [UInt8] = []
    private var headOffset = 0

    public init(_ source: any ByteStream) { self.source = source }

    /// Up to `count` bytes from the start (fewer only at the end of the stream).
    public func peek(_ count: Int) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: count)
        while head.count < count {
            let n = try chunk.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<(count - head.count)]))
            }
            if n == 0 { break }
            head.append(contentsOf: chunk[0..<n])
        }
        return Array(head.prefix(count))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if headOffset < head.count {
            let n = min(buffer.count, head.count - headOffset)
            head.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + headOffset, byteCount: n) }
            headOffset += n
            return n
        }
        return try source.read(into: buffer)
    }
}

/// Hashes every byte that passes through it.
public final class HashingStream: ByteStream {
    private let source: any ByteStream
    private var hasher: StreamingHasher
    /// Bytes passed through so far.
    public private(set) var count: UInt64 = 0

    public init(_ source: any ByteStream, algorithm: Digest.Algorithm = .sha256) {
        self.source = source
        hasher = StreamingHasher(algorithm)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try source.read(into: buffer)
        if n > 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            count += UInt64(n)
        }
        return n
    }

    /// The digest of everything read; call once, at the end.
    public func finalize() -> Digest { hasher.finalize() }
}

/// Decompresses gzip (multi-member), xz (concatenated streams) or zstd (multiple frames), or
/// passes plain bytes through, stopping with an error once `limit` uncompressed bytes are passed.
public final class DecompressingStream: ByteStream {
    public let format: Compression
    private let source: any ByteStream
    private let path: String
    private let limit: UInt64
    private var input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceDone = false
    private var finished = false
    /// Uncompressed bytes produced so far.
    public private(set) var produced: UInt64 = 0

    private var zlib: UnsafeMutablePointer<z_stream>?
    private var lzma: UnsafeMutablePointer<lzma_stream>?
    private var zstd: OpaquePointer?
    private var zstdLastResult = 0
    private let xzMemoryLimit: UInt64
    private let zstdWindowLogMax: Int32

    /// Detects the format from the magic bytes unless `format` is given.
    public init(
        _ source: any ByteStream, path: String, format: Compression? = nil,
        limits: StreamLimits = .default
    ) throws {
        let peekable = PeekableStream(source)
        let detected = try format ?? Compression.detect(peekable.peek(6))
        self.format = detected
        self.source = peekable
        self.path = path
        limit = limits.maxDecompressedBytes
        xzMemoryLimit = limits.xzMemoryLimit
        zstdWindowLogMax = limits.zstdWindowLogMax
        input = .allocate(byteCount: max(limits.bufferSize, 4096), alignment: 16)
        switch detected {
        case .none:
            break
        case .gzip:
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            guard trackbot_inflate_init_auto(s) == Z_OK else {
                s.deallocate()
                throw VerificationError.corruptCompressed(path: path, format: "gzip", reason: "zlib could not start")
            }
            zlib = s
        case .xz:
            let s = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
            trackbot_lzma_stream_init(s)
            // The memory limit makes liblzma refuse a huge dictionary before allocating it.
            guard lzma_stream_decoder(s, max(limits.xzMemoryLimit, 1), trackbot_lzma_concatenated()) == LZMA_OK else {
                s.deallocate()
                throw VerificationError.corruptCompressed(path: path, format: "xz", reason: "liblzma could not start")
            }
            lzma = s
        case .zstd:
            guard let d = ZSTD_createDStream() else {
                throw VerificationError.corruptCompressed(path: path, format: "zstd", reason: "libzstd could not start")
            }
            ZSTD_initDStream(d)
            zstd = d
            let rc = ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, limits.zstdWindowLogMax)
            guard ZSTD_isError(rc) == 0 else {
                throw VerificationError.corruptCompressed(
                    path: path, format: "zstd",
                    reason:
                        "libzstd refused windowLogMax \(limits.zstdWindowLogMax): \(String(cString: ZSTD_getErrorName(rc)))"
                )
            }
        case .bzip2:
            throw VerificationError.unsupportedCompression(path: path, format: "bzip2")
        }
    }

    deinit {
        if let zlib {
            inflateEnd(zlib)
            zlib.deallocate()
        }
        if let lzma {
            lzma_end(lzma)
            lzma.deallocate()
        }
        if let zstd { ZSTD_freeDStream(zstd) }
        input.deallocate()
    }

    /// Refills the input buffer when it is empty; false at the end of the source.
    private func fill() throws -> Bool {
        if inputStart < inputEnd { return true }
        if sourceDone { return false }
        let n = try source.read(into: input)
        inputStart = 0
        inputEnd = n
        if n == 0 { sourceDone = true }
        return n > 0
    }

    private func count(_ n: Int) throws -> Int {
        produced += UInt64(n)
        if produced > limit { throw VerificationError.decompressedTooLarge(path: path, limit: limit) }
        return n
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished || buffer.isEmpty { return 0 }
        switch format {
        case .none:
            // Cap plain input too, so a huge plain tar cannot run forever.
            let n: Int
            if inputStart < inputEnd {
                n = min(buffer.count, inputEnd - inputStart)
                buffer.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: n)
                inputStart += n
            } else {
                n = try source.read(into: buffer)
            }
            if n == 0 { finished = true }
            return try count(n)
        case .gzip: return try count(readGzip(into: buffer))
        case .xz: return try count(readXz(into: buffer))
        case .zstd: return try count(readZstd(into: buffer))
        case .bzip2: return 0
        }
    }

    private func readGzip(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let s = zlib!
        while true {
            // With no input left zlib may still hold output (the buffer filled up last time):
            // one more call with no input drains it, or shows the data is truncated.
            let hasInput = try fill()
            let room = min(buffer.count, Int(UInt32.max))
            s.pointee.next_in = (input.baseAddress! + inputStart).assumingMemoryBound(to: Bytef.self)
            s.pointee.avail_in = uInt(inputEnd - inputStart)
            s.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            s.pointee.avail_out = uInt(room)
            let rc = inflate(s, Z_NO_FLUSH)
            inputStart = inputEnd - Int(s.pointee.avail_in)
            let out = room - Int(s.pointee.avail_out)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                if out > 0 { return out }
                if !hasInput {
                    throw VerificationError.corruptCompressed(
                        path: path, format: "gzip", reason: "unexpected end of data (truncated file)")
                }
            case Z_STREAM_END:
                // Another member may follow (pigz, concatenated gzip files): reset and go on.
                guard try fill(), try !onlyZerosLeft() else {
                    finished = true
                    return out
                }
                inflateReset(s)
                if out > 0 { return out }
            default:
                let msg = s.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw VerificationError.corruptCompressed(path: path, format: "gzip", reason: msg)
            }
        }
    }

    /// After a gzip member: true when only zero padding remains (gzip tolerates it).
    private func onlyZerosLeft() throws -> Bool {
        guard input[inputStart] == 0 else { return false }
        while try fill() {
            guard UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]).allSatisfy({ $0 == 0 }) else {
                throw VerificationError.corruptCompressed(
                    path: path, format: "gzip", reason: "garbage after the last member")
            }
            inputStart = inputEnd
        }
        return true
    }

    private func readXz(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let s = lzma!
        while true {
            let hasInput = try fill()
            s.pointee.next_in = UnsafePointer((input.baseAddress! + inputStart).assumingMemoryBound(to: UInt8.self))
            s.pointee.avail_in = inputEnd - inputStart
            s.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            s.pointee.avail_out = buffer.count
            let rc = lzma_code(s, hasInput ? LZMA_RUN : LZMA_FINISH)
            inputStart = inputEnd - s.pointee.avail_in
            let out = buffer.count - s.pointee.avail_out
            switch rc {
            case LZMA_OK:
                if out > 0 { return out }
                if !hasInput {
                    throw VerificationError.corruptCompressed(
                        path: path, format: "xz", reason: "unexpected end of data (truncated file)")
                }
            case LZMA_STREAM_END:
                finished = true
                return out
            case LZMA_BUF_ERROR:
                if out > 0 { return out }
                throw VerificationError.corruptCompressed(
                    path: path, format: "xz", reason: "unexpected end of data (truncated file)")
            case LZMA_MEMLIMIT_ERROR:
                // lzma_memusage is what the refused header asked for.
                throw VerificationError.memoryLimit(
                    path: path, format: "xz", needed: lzma_memusage(s), limit: xzMemoryLimit)
            case LZMA_FORMAT_ERROR:
                throw VerificationError.corruptCompressed(path: path, format: "xz", reason: "not in the .xz format")
            case LZMA_DATA_ERROR:
                throw VerificationError.corruptCompressed(path: path, format: "xz", reason: "corrupt compressed data")
            default:
                throw VerificationError.corruptCompressed(
                    path: path, format: "xz", reason: "liblzma error \(rc.rawValue)")
            }
        }
    }

    private func readZstd(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let d = zstd!
        while true {
            let hasInput = try fill()
            // 0 means every frame so far is complete and flushed.
            if !hasInput && zstdLastResult == 0 {
                finished = true
                return 0
            }
            var inb = ZSTD_inBuffer(src: input.baseAddress! + inputStart, size: inputEnd - inputStart, pos: 0)
            var outb = ZSTD_outBuffer(dst: buffer.baseAddress!, size: buffer.count, pos: 0)
            let rc = ZSTD_decompressStream(d, &outb, &inb)
            if ZSTD_isError(rc) != 0 {
                if ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge {
                    throw VerificationError.memoryLimit(
                        path: path, format: "zstd", needed: nil,
                        limit: UInt64(1) << UInt64(zstdWindowLogMax))
                }
                throw VerificationError.corruptCompressed(
                    path: path, format: "zstd", reason: String(cString: ZSTD_getErrorName(rc)))
            }
            zstdLastResult = rc
            inputStart += inb.pos
            if outb.pos > 0 { return outb.pos }
            if !hasInput && rc != 0 {
                throw VerificationError.corruptCompressed(
                    path: path, format: "zstd", reason: "unexpected end of data (truncated file)")
            }
        }
    }
}

extension ByteStream {
    /// Reads to the end, handing each chunk to `body`, using one buffer of `bufferSize` bytes.
    public func drain(bufferSize: Int = 256 << 10, _ body: (UnsafeRawBufferPointer) throws -> Void = { _ in }) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(into: buffer)
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}
