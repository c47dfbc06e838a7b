import Foundation
import TrackbotCore

/// One `<hash> <file>` line of a checksum list.
public struct ChecksumEntry: Hashable, Codable, Sendable {
    public var digest: Digest
    /// The file as the list names it (nil for a bare-hash file that names none).
    public var path: String?
    /// 1-based line number in the checksum file.
    public var line: Int

    public init(digest: Digest, path: String?, line: Int) {
        self.digest = digest
        self.path = path
        self.line = line
    }
}

/// A line of a checksum file that could not be read.
public struct ChecksumFileProblem: Hashable, Codable, Sendable {
    public var line: Int
    public var reason: String
}

/// A checksum file: a `sha256sum`/`sha512sum` list (`<hex>  <path>`, `<hex> *<path>`),
/// BSD-style lines (`SHA256 (file) = <hex>`), or a bare hash (`rootfs.tar.xz.sha256`).
public struct ChecksumFile: Hashable, Codable, Sendable {
    public enum Style: String, Codable, Sendable { case gnu, bsd, bare }

    /// The checksum file's path in the tree.
    public var path: String
    public var entries: [ChecksumEntry]
    /// Lines that are not checksum lines; each becomes a finding naming `path:line`.
    public var problems: [ChecksumFileProblem]

    /// Reads a checksum file. `path` decides what a bare hash refers to and, when the name says
    /// `sha256`/`sha512`, which algorithm its hashes must be.
    public static func parse(_ bytes: [UInt8], path: String) -> ChecksumFile {
        let name = TreePath.base(path).lowercased()
        let named: Digest.Algorithm? = name.contains("sha512") ? .sha512 : name.contains("sha256") ? .sha256 : nil
        var entries: [ChecksumEntry] = []
        var problems: [ChecksumFileProblem] = []
        var lineNumber = 0
        // Split bytes, not Characters: Swift treats "\r\n" as one Character.
        for raw in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(decoding: raw.last == 0x0d ? raw.dropLast() : raw, as: UTF8.self)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            switch parseLine(trimmed) {
            case .success(let (hex, file)):
                guard let algorithm = Digest.Algorithm(hexLength: hex.utf8.count) else {
                    problems.append(
                        .init(
                            line: lineNumber,
                            reason: "a hash of \(hex.utf8.count) hex digits is neither sha256 (64) nor sha512 (128)"))
                    continue
                }
                if let named, named != algorithm {
                    problems.append(
                        .init(
                            line: lineNumber,
                            reason: "a \(algorithm.rawValue) hash in a file named for \(named.rawValue)"))
                    continue
                }
                guard let digest = try? Digest(algorithm: algorithm, hex: hex) else {
                    problems.append(.init(line: lineNumber, reason: "\"\(hex)\" is not hexadecimal"))
                    continue
                }
                entries.append(ChecksumEntry(digest: digest, path: file, line: lineNumber))
            case .failure(let reason):
                problems.append(.init(line: lineNumber, reason: reason.text))
            }
        }
        return ChecksumFile(path: path, entries: entries, problems: problems)
    }

    struct LineError: Error { var text: String }

    /// `(hex, file)` from one non-empty line.
    static func parseLine(_ line: String) -> Result<(String, String?), LineError> {
        // BSD style: `SHA256 (file) = hex`.
        if let open = line.firstIndex(of: "("),
            let close = line.range(of: ") = ", options: .backwards) ?? line.range(of: ")= ", options: .backwards)
        {
            let tag = line[..<open].trimmingCharacters(in: .whitespaces).uppercased()
            guard tag == "SHA256" || tag == "SHA512" else {
                return .failure(
                    LineError(text: "unsupported hash \"\(tag)\" in a BSD-style line (sha256 and sha512 are read)"))
            }
            let file = String(line[line.index(after: open)..<close.lowerBound])
            let hex = line[close.upperBound...].trimmingCharacters(in: .whitespaces)
            guard Hex.isHex(hex) else {
                return .failure(LineError(text: "\"\(hex)\" is not a hexadecimal hash"))
            }
            if (tag == "SHA256" ? 64 : 128) != hex.utf8.count {
                return .failure(
                    LineError(
                        text:
                            "a \(tag) hash must have \(tag == "SHA256" ? 64 : 128) hex digits, this one has \(hex.utf8.count)"
                    ))
            }
            return .success((hex, file))
        }
        // GNU style: `hex  file`, `hex *file`; a leading `\` means the name is escaped.
        var rest = Substring(line)
        let escaped = rest.hasPrefix("\\")
        if escaped { rest = rest.dropFirst() }
        // ASCII digits only (Character.isHexDigit would take fullwidth ones).
        let hex = rest.prefix { $0.utf8.count == 1 && Hex.isDigit($0.utf8.first!) }
        guard !hex.isEmpty else {
            return .failure(
                LineError(
                    text:
                        "not a checksum line (expected \"<hex>  <file>\", \"<hex> *<file>\" or \"SHA256 (<file>) = <hex>\")"
                ))
        }
        rest = rest.dropFirst(hex.count)
        if rest.isEmpty { return .success((String(hex), nil)) }
        guard let sep = rest.first, sep == " " || sep == "\t" else {
            return .failure(
                LineError(text: "not a checksum line: the hash is followed by \"\(rest.prefix(1))\" instead of a space")
            )
        }
        rest = rest.dropFirst()
        if rest.first == "*" || rest.first == " " { rest = rest.dropFirst() }
        var file = String(rest).trimmingCharacters(in: .whitespaces)
        if escaped {
            file = file.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\\", with: "\\")
        }
        guard !file.isEmpty else { return .success((String(hex), nil)) }
        return .success((String(hex), file))
    }
}
