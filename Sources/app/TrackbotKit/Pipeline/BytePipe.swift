import Foundation
import Verification

/// A bounded in-memory pipe between a push producer (a blob download, whose sink libcurl calls
/// on its blocking-pool thread) and a pull consumer (TarReader on a dedicated thread of its own,
/// `runOnDedicatedThread`: as a pool job it would wait for another pool job, the download, which
/// can deadlock the pool). The producer blocks while `capacity` bytes wait, so a layer of any size
/// streams through in constant memory.
final class BytePipe: ByteStream, @unchecked Sendable {
    /// The reader went away; the producer's next write fails with this (which aborts the download).
    struct ReaderClosed: Error, CustomStringConvertible {
        var description: String { "the reader of the layer stream stopped early" }
    }

    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var head = 0
    private var headOffset = 0
    private var buffered = 0
    private var finished = false
    private var failure: (any Error)?
    private var readerClosed = false
    let capacity: Int

    init(capacity: Int = 4 << 20) { self.capacity = capacity }

    /// Producer side: appends a copy of `bytes`, waiting while the pipe is full.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        condition.lock()
        defer { condition.unlock() }
        while buffered >= capacity && !readerClosed { condition.wait() }
        if readerClosed { throw ReaderClosed() }
        chunks.append([UInt8](bytes))
        buffered += bytes.count
        condition.broadcast()
    }

    /// Producer side: no more bytes; with an error, the reader's next read throws it.
    func finish(_ error: (any Error)? = nil) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer side: stop; the producer's next write throws `ReaderClosed`.
    func closeReader() {
        condition.lock()
        readerClosed = true
        condition.broadcast()
        condition.unlock()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && !finished { condition.wait() }
        if head == chunks.count {
            if let failure { throw failure }
            return 0
        }
        var written = 0
        while written < buffer.count && head < chunks.count {
            let chunk = chunks[head]
            let n = min(buffer.count - written, chunk.count - headOffset)
            chunk.withUnsafeBytes { src in
                buffer.baseAddress!.advanced(by: written).copyMemory(
                    from: src.baseAddress!.advanced(by: headOffset), byteCount: n)
            }
            written += n
            headOffset += n
            if headOffset == chunk.count {
                head += 1
                headOffset = 0
            }
        }
        if head > 64 {
            chunks.removeFirst(head)
            head = 0
        }
        buffered -= written
        condition.broadcast()
        return written
    }

    /// Consumer side: reads to the end, so that the producer finishes (and checks the digest).
    func drain() throws {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
        defer { scratch.deallocate() }
        while try read(into: scratch) > 0 {}
    }
}
