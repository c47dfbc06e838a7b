/// Why a verification step could not run to its end. Findings (a checksum that differs, a
/// layout that is invalid) are not errors: they are reported in the `VerificationReport`.
public enum VerificationError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String, in: String)
    case unsafePath(path: String, in: String)
    case io(path: String, reason: String)
    case tooLarge(path: String, size: UInt64, limit: UInt64)
    case decompressedTooLarge(path: String, limit: UInt64)
    case corruptCompressed(path: String, format: String, reason: String)
    /// The stream asks for more decoder memory than allowed (an xz dictionary, a zstd window);
    /// `needed` when the decoder says how much.
    case memoryLimit(path: String, format: String, needed: UInt64?, limit: UInt64)
    /// A tar archive went past one of the caps of `StreamLimits`.
    case tarLimit(path: String, offset: UInt64, cap: TarCap, value: UInt64, limit: Int)
    case unsupportedCompression(path: String, format: String)
    case malformedTar(path: String, offset: UInt64, reason: String)
    case malformedDockerfile(path: String, line: Int, reason: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .notFound(let path, let place):
            return "\(path) does not exist in \(place); check the Directory and File of the library entry"
        case .unsafePath(let path, let place):
            return "\(path) leaves \(place) (through .. or a symbolic link); refusing to read it"
        case .io(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .tooLarge(let path, let size, let limit):
            return "\(path) is \(size) bytes, more than the \(limit) bytes read into memory; it must be streamed"
        case .decompressedTooLarge(let path, let limit):
            return
                "\(path) expands past the cap of \(limit) bytes; stopped (a compression bomb; the cap is built in, not a setting: if the file is genuine, report it)"
        case .corruptCompressed(let path, let format, let reason):
            return "\(path) is not valid \(format) data: \(reason)"
        case .memoryLimit(let path, let format, let needed, let limit):
            let setting = format == "xz" ? "StreamLimits.xzMemoryLimit" : "StreamLimits.zstdWindowLogMax"
            let asks =
                needed.map {
                    "needs \(Self.mib($0)) of memory to decompress, more than the \(Self.mib(limit)) allowed (LZMA_MEMLIMIT_ERROR)"
                }
                ?? "asks for a window larger than the \(Self.mib(limit)) allowed (windowLogMax \(limit.trailingZeroBitCount))"
            return "\(path) (\(format)) \(asks); refused before allocating it: "
                + "a decompression bomb, or recompress it with a smaller dictionary (the cap, \(setting), is built in, not a setting)"
        case .tarLimit(let path, let offset, let cap, let value, let limit):
            return
                "\(path) at byte \(offset) of its uncompressed content: \(cap.describe(value: value, limit: limit)); "
                + "stopped reading (a tar bomb; the cap, StreamLimits.\(cap.setting), is built in, not a setting: if the archive is genuine, report it)"
        case .unsupportedCompression(let path, let format):
            return
                "\(path) is compressed with \(format), which trackbot does not read (gzip, xz and zstd are supported)"
        case .malformedTar(let path, let offset, let reason):
            return "\(path) is not a valid tar archive at byte \(offset) of its uncompressed content: \(reason)"
        case .malformedDockerfile(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .invalidArgument(let text):
            return text
        }
    }

    /// `256 MiB`, `3072 MiB`, `512 KiB`.
    static func mib(_ bytes: UInt64) -> String {
        bytes >= 1 << 20 ? "\((bytes + (1 << 20) - 1) >> 20) MiB" : "\((bytes + 1023) >> 10) KiB"
    }
}

/// A cap on tar archives (`StreamLimits`), for `VerificationError.tarLimit`.
public enum TarCap: String, Sendable, Equatable {
    case entries, nameLength, namesTotal, paxHeaderSize, paxRecords

    /// The `StreamLimits` property that sets it.
    public var setting: String {
        switch self {
        case .entries: return "maxTarEntries"
        case .nameLength: return "maxTarNameBytes"
        case .namesTotal: return "maxTarNameBytesTotal"
        case .paxHeaderSize: return "maxPaxHeaderBytes"
        case .paxRecords: return "maxPaxRecords"
        }
    }

    func describe(value: UInt64, limit: Int) -> String {
        switch self {
        case .entries: return "more than \(limit) entries"
        case .nameLength:
            return "an entry path or link target of \(value) bytes, longer than the \(limit) bytes a path may have"
        case .namesTotal: return "entry paths and link targets add up to more than \(limit) bytes"
        case .paxHeaderSize:
            return "an extended header (PAX or GNU long name) of \(value) bytes, more than the \(limit) allowed"
        case .paxRecords: return "more than \(limit) PAX records in one extended header (or global keys in all)"
        }
    }
}
