import TrackbotCore

/// Reads a tar stream (ustar, GNU long names `L`/`K`, PAX `x`/`g` headers) entry by entry,
/// hashing each file's content as it passes; nothing is written to disk. Every entry is checked
/// for what makes extracting it unsafe (`TarEntry.unsafe`), and the archive is held to the tar
/// caps of `StreamLimits` (entries, name lengths, extended headers): past one, `next()` throws
/// `VerificationError.tarLimit` instead of growing.
public final class TarReader {
    private let source: any ByteStream
    private let path: String
    private let limits: StreamLimits
    private let hashContent: Bool
    private let buffer: UnsafeMutableRawBufferPointer
    private var pos = 0
    private var end = 0
    private var eof = false
    /// Bytes of the (uncompressed) archive consumed so far.
    public private(set) var offset: UInt64 = 0
    /// Entries returned so far.
    public private(set) var entryCount = 0
    private var nameBytes = 0
    private var globalPax: [String: String] = [:]
    /// Symbolic links seen so far: a later entry below one would be written through it.
    private var symlinks: Set<String> = []

    /// `hashContent: false` skips the content hashes (`sha256` stays nil) when only the entries
    /// matter, e.g. looking for unsafe ones.
    public init(_ source: any ByteStream, path: String, limits: StreamLimits = .default, hashContent: Bool = true) {
        self.source = source
        self.path = path
        self.limits = limits
        self.hashContent = hashContent
        buffer = .allocate(byteCount: max(limits.bufferSize, 4096), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Lists a whole archive (compressed or not) from a stream.
    public static func list(_ stream: any ByteStream, path: String, limits: StreamLimits = .default) throws
        -> TarListing
    {
        let plain = try DecompressingStream(stream, path: path, limits: limits)
        let reader = TarReader(plain, path: path, limits: limits)
        var entries: [TarEntry] = []
        while let e = try reader.next() { entries.append(e) }
        return TarListing(entries: entries)
    }

    /// Reads a whole archive (compressed or not) keeping only what `TarScan` keeps: memory
    /// stays constant whatever the archive holds.
    public static func scan(_ stream: any ByteStream, path: String, limits: StreamLimits = .default) throws -> TarScan {
        let plain = try DecompressingStream(stream, path: path, limits: limits)
        return try TarReader(plain, path: path, limits: limits, hashContent: false).scan()
    }

    /// Reads the rest of the archive into a `TarScan`.
    public func scan() throws -> TarScan {
        var result = TarScan(path: path)
        while let e = try next() { result.add(e) }
        return result
    }

    private func limit(_ cap: TarCap, _ value: Int, _ limit: Int) -> VerificationError {
        .tarLimit(path: path, offset: offset, cap: cap, value: UInt64(value), limit: limit)
    }

    private func fail(_ reason: String) -> VerificationError {
        .malformedTar(path: path, offset: offset, reason: reason)
    }

    /// Makes at least `n` bytes (n ≤ buffer size) available; false when the stream ends first.
    private func need(_ n: Int) throws -> Bool {
        if end - pos >= n { return true }
        if pos > 0 {
            let left = end - pos
            if left > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + pos, byteCount: left) }
            pos = 0
            end = left
        }
        while end < n && !eof {
            let r = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if r == 0 { eof = true } else { end += r }
        }
        return end - pos >= n
    }

    /// Passes the next `count` bytes to `body` in chunks.
    private func consume(_ count: UInt64, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        var left = count
        while left > 0 {
            if pos == end {
                pos = 0
                end = 0
                guard try need(1) else { throw fail("the archive ends inside an entry (\(left) bytes missing)") }
            }
            let n = Int(min(UInt64(end - pos), left))
            body(UnsafeRawBufferPointer(rebasing: buffer[pos..<(pos + n)]))
            pos += n
            left -= UInt64(n)
            offset += UInt64(n)
        }
    }

    /// The content of an extended header, refused before reading when it is larger than `cap`.
    private func readAll(_ count: UInt64, cap: Int, as kind: TarCap) throws -> [UInt8] {
        guard count <= UInt64(cap) else { throw limit(kind, Int(clamping: count), cap) }
        var out: [UInt8] = []
        out.reserveCapacity(Int(count))
        try consume(count) { out.append(contentsOf: $0) }
        try consume(Self.padding(count)) { _ in }
        return out
    }

    private static func padding(_ size: UInt64) -> UInt64 { (512 - size % 512) % 512 }

    /// The next entry with its content hashed, or nil at the end of the archive.
    public func next() throws -> TarEntry? {
        var pax: [String: String] = [:]
        var longName: String?
        var longLink: String?
        while true {
            guard try need(512) else {
                if end == pos { return nil }  // no end-of-archive blocks: tolerated, like GNU tar
                throw fail("the archive ends inside a header")
            }
            let h = UnsafeRawBufferPointer(rebasing: buffer[pos..<(pos + 512)])
            if h.allSatisfy({ $0 == 0 }) {
                // End of archive; whatever follows (more zero blocks) is ignored.
                pos += 512
                offset += 512
                return nil
            }
            try verifyChecksum(h)
            let type = h[156]
            var size = try number(h, 124, 12, "size")
            let isPOSIX = Self.field(h, 257, 6) == "ustar"
            var name = Self.field(h, 0, 100)
            if isPOSIX {
                let prefix = Self.field(h, 345, 155)
                if !prefix.isEmpty { name = prefix + "/" + name }
            }
            var header = TarEntry(
                path: name, kind: .file, mode: UInt32(truncatingIfNeeded: try number(h, 100, 8, "mode")) & 0o7777,
                uid: Int(try number(h, 108, 8, "uid")), gid: Int(try number(h, 116, 8, "gid")),
                uname: Self.nonEmpty(Self.field(h, 265, 32)), gname: Self.nonEmpty(Self.field(h, 297, 32)),
                size: 0, sha256: nil, linkTarget: Self.nonEmpty(Self.field(h, 157, 100)),
                devMajor: nil, devMinor: nil, unsafe: nil)
            pos += 512
            offset += 512
            switch type {
            case UInt8(ascii: "x"):
                pax.merge(try parsePax(readAll(size, cap: limits.maxPaxHeaderBytes, as: .paxHeaderSize))) { $1 }
                guard pax.count <= limits.maxPaxRecords else {
                    throw limit(.paxRecords, pax.count, limits.maxPaxRecords)
                }
                continue
            case UInt8(ascii: "g"):
                globalPax.merge(try parsePax(readAll(size, cap: limits.maxPaxHeaderBytes, as: .paxHeaderSize))) { $1 }
                guard globalPax.count <= limits.maxPaxRecords else {
                    throw limit(.paxRecords, globalPax.count, limits.maxPaxRecords)
                }
                continue
            case UInt8(ascii: "L"):
                // One byte more than a name for the NUL GNU tar writes after it.
                longName = Self.cString(try readAll(size, cap: limits.maxTarNameBytes + 1, as: .nameLength))
                continue
            case UInt8(ascii: "K"):
                longLink = Self.cString(try readAll(size, cap: limits.maxTarNameBytes + 1, as: .nameLength))
                continue
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): header.kind = .file
            case UInt8(ascii: "1"): header.kind = .hardlink
            case UInt8(ascii: "2"): header.kind = .symlink
            case UInt8(ascii: "3"): header.kind = .char
            case UInt8(ascii: "4"): header.kind = .block
            case UInt8(ascii: "5"): header.kind = .directory
            case UInt8(ascii: "6"): header.kind = .fifo
            case UInt8(ascii: "S"): throw fail("GNU sparse entries are not supported (\(name))")
            default:
                throw fail("unknown entry type \"\(Character(UnicodeScalar(type)))\" for \(name)")
            }
            // Extended values override the header: GNU long names, then PAX (per entry, else
            // global). Looked up key by key: merging the global keys into every entry's costs
            // their count per entry.
            func value(_ key: String) -> String? { pax[key] ?? globalPax[key] }
            if let longName { header.path = longName }
            if let longLink { header.linkTarget = longLink }
            if let p = value("path") { header.path = p }
            if let l = value("linkpath") { header.linkTarget = l }
            if let s = value("size") {
                guard let v = UInt64(s) else { throw fail("PAX size \"\(s)\" is not a number") }
                size = v
            }
            if let u = value("uid") {
                guard let v = Int(u) else { throw fail("PAX uid \"\(u)\" is not a number") }
                header.uid = v
            }
            if let g = value("gid") {
                guard let v = Int(g) else { throw fail("PAX gid \"\(g)\" is not a number") }
                header.gid = v
            }
            if let u = value("uname") { header.uname = u }
            if let g = value("gname") { header.gname = g }
            if header.kind == .char || header.kind == .block {
                header.devMajor = Int(try number(h, 329, 8, "devmajor"))
                header.devMinor = Int(try number(h, 337, 8, "devminor"))
            }
            if header.kind != .symlink && header.kind != .hardlink { header.linkTarget = nil }
            try count(header)
            (header.path, header.unsafe) = Self.cleanEntryPath(header.path)
            if header.kind == .hardlink, let target = header.linkTarget {
                let (cleaned, unsafe) = Self.cleanEntryPath(target)
                header.linkTarget = cleaned
                if let unsafe, header.unsafe == nil { header.unsafe = "hard link target " + unsafe }
            }
            header.unsafe = header.unsafe ?? unsafeness(of: header)
            if header.kind == .symlink { symlinks.insert(header.path) }
            // Only regular files carry content; a size on anything else is skipped like tar does.
            if header.kind == .file {
                header.size = size
                if hashContent {
                    var hasher = StreamingHasher(.sha256)
                    try consume(size) { hasher.update($0) }
                    header.sha256 = hasher.finalize().hex
                } else {
                    try consume(size) { _ in }
                }
            } else {
                try consume(size) { _ in }
            }
            try consume(Self.padding(size)) { _ in }
            return header
        }
    }

    /// Holds the archive to the entry and name caps before the entry is kept.
    private func count(_ e: TarEntry) throws {
        entryCount += 1
        guard entryCount <= limits.maxTarEntries else { throw limit(.entries, entryCount, limits.maxTarEntries) }
        let name = e.path.utf8.count, link = e.linkTarget?.utf8.count ?? 0
        guard name <= limits.maxTarNameBytes, link <= limits.maxTarNameBytes else {
            throw limit(.nameLength, max(name, link), limits.maxTarNameBytes)
        }
        nameBytes += name + link
        guard nameBytes <= limits.maxTarNameBytesTotal else {
            throw limit(.namesTotal, nameBytes, limits.maxTarNameBytesTotal)
        }
    }

    /// Why extracting an entry whose path is already known to stay in the root is unsafe anyway:
    /// a symbolic link pointing out of the root, a path through an earlier symbolic link of the
    /// archive, a device node, a setuid or setgid file. Absolute symbolic link targets are not
    /// unsafe: in an image they resolve inside its root (rootfs tarballs are full of them).
    private func unsafeness(of e: TarEntry) -> String? {
        if !symlinks.isEmpty {
            var prefix = Substring(e.path)
            while let slash = prefix.lastIndex(of: "/") {
                prefix = prefix[..<slash]
                if symlinks.contains(String(prefix)) {
                    return "inside the symbolic link \(prefix), so written wherever it points"
                }
            }
        }
        switch e.kind {
        case .symlink:
            if let target = e.linkTarget, !target.hasPrefix("/"),
                RelativePath.resolve(TreePath.parent(e.path).isEmpty ? target : TreePath.parent(e.path) + "/" + target)
                    == nil
            {
                return "symbolic link climbing out of the root"
            }
        case .char, .block:
            return "\(e.kind == .char ? "character" : "block") device \(e.devMajor ?? 0),\(e.devMinor ?? 0)"
        case .file:
            return TarEntry.setIDReason(e.mode)
        default:
            break
        }
        return nil
    }

    /// Cleans an archive path; the reason it is unsafe (absolute, or climbing out with `..`), when it is.
    static func cleanEntryPath(_ raw: String) -> (String, String?) {
        let (cleaned, problem) = RelativePath.inspect(raw)
        return (cleaned, problem?.rawValue)
    }

    private func verifyChecksum(_ h: UnsafeRawBufferPointer) throws {
        let stored = try number(h, 148, 8, "checksum")
        var unsignedSum: Int64 = 0
        var signedSum: Int64 = 0
        for i in 0..<512 {
            let b = (148..<156).contains(i) ? UInt8(ascii: " ") : h[i]
            unsignedSum += Int64(b)
            signedSum += Int64(Int8(bitPattern: b))
        }
        guard Int64(stored) == unsignedSum || Int64(stored) == signedSum else {
            throw fail(
                "header checksum \(stored) does not match the header (\(unsignedSum)); not a tar archive, or corrupt")
        }
    }

    /// An octal field, or a GNU base-256 one (high bit of the first byte set).
    private func number(_ h: UnsafeRawBufferPointer, _ at: Int, _ len: Int, _ name: String) throws -> UInt64 {
        if h[at] & 0x80 != 0 {
            var v: UInt64 = UInt64(h[at] & 0x7f)
            for i in (at + 1)..<(at + len) {
                guard v >> 56 == 0 else { throw fail("\(name) does not fit in 64 bits") }
                v = v << 8 | UInt64(h[i])
            }
            return v
        }
        var v: UInt64 = 0
        var seen = false
        for i in at..<(at + len) {
            let c = h[i]
            if c == 0 || (c == 0x20 && seen) { break }
            if c == 0x20 { continue }
            guard (0x30...0x37).contains(c) else {
                throw fail("the \(name) field holds \"\(Self.field(h, at, len))\", not an octal number")
            }
            v = v << 3 | UInt64(c - 0x30)
            seen = true
        }
        return v
    }

    private func parsePax(_ bytes: [UInt8]) throws -> [String: String] {
        var result: [String: String] = [:]
        var i = 0
        var records = 0
        while i < bytes.count {
            records += 1
            guard records <= limits.maxPaxRecords else { throw limit(.paxRecords, records, limits.maxPaxRecords) }
            guard let space = bytes[i...].firstIndex(of: 0x20),
                let len = Int(String(decoding: bytes[i..<space], as: UTF8.self)), len > 0, i + len <= bytes.count,
                bytes[i + len - 1] == 0x0a
            else {
                if bytes[i...].allSatisfy({ $0 == 0 }) { break }
                throw fail("malformed PAX record at byte \(i) of an extended header")
            }
            let record = bytes[(space + 1)..<(i + len - 1)]
            guard let eq = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw fail("PAX record without \"=\" at byte \(i) of an extended header")
            }
            result[String(decoding: record[..<eq], as: UTF8.self)] = String(
                decoding: record[(eq + 1)...], as: UTF8.self)
            i += len
        }
        return result
    }

    static func field(_ h: UnsafeRawBufferPointer, _ at: Int, _ len: Int) -> String {
        let slice = h[at..<(at + len)]
        return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
}
