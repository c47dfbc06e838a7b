/// Why a verification step could not run to its end. Findings (a checksum that differs, a
/// layout that is invalid) are not errors: they are reported in the `VerificationReport`.
public enum VerificationError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String, in: String)
    case unsafePath(path: String, in: String)
    case io(path: String, reason: String)
    case tooLarge(path: String, size: UInt64, limit: UInt64)
    case decompressedTooLarge(path: String, limit: UInt64)
    case corruptCompressed(path: String, format: String, reason: String)
    case unsupportedCompression(path: String, format: String)
    case malformedTar(path: String, offset: UInt64, reason: String)
    case malformedChecksumFile(path: String, line: Int, reason: String)
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
            return "\(path) expands past the cap of \(limit) bytes; stopped (a compression bomb, or raise the cap)"
        case .corruptCompressed(let path, let format, let reason):
            return "\(path) is not valid \(format) data: \(reason)"
        case .unsupportedCompression(let path, let format):
            return "\(path) is compressed with \(format), which trackbot does not read (gzip, xz and zstd are supported)"
        case .malformedTar(let path, let offset, let reason):
            return "\(path) is not a valid tar archive at byte \(offset) of its uncompressed content: \(reason)"
        case .malformedChecksumFile(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .malformedDockerfile(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .invalidArgument(let text):
            return text
        }
    }
}
