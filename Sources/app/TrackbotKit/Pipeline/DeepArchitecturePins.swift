import Foundation
import HTTPTransport
import TrackbotCore
import Tracking
import Verification

/// `--deep` for the downloads a platform's build makes (`ArchitecturePins`): each one with a hash
/// is downloaded through the URL rewrites and hashed (`DeepInspection.pin`); one checked against a
/// checksum list has the list downloaded first (read out of its clear-signed form when it is one)
/// and its line for the file taken as the pin. Signatures are not checked here.
extension DeepInspection {
    /// The words for what pinned a download, in a `pin-mismatch` message.
    static func pinnedBy(_ pin: Pin) -> String {
        switch pin.kind {
        case .addChecksum, .addUnpinned: return "ADD --checksum"
        case .checksumList:
            return "\(pin.checksumList ?? "its checksum list")"
                + (pin.checksumListURL.map { " (\(Redaction.stripCredentials($0)))" } ?? "")
        case .inlineCheck, .variable: return "the \(pin.algorithm) pinned"
        }
    }

    /// Findings for one platform's pins; a failure says what could not be downloaded.
    func architecturePins(
        _ pins: ArchitecturePins, image: String, tag: String, dockerfile: String
    ) async -> (findings: [Finding], notes: [TagNote], failure: String?) {
        var findings: [Finding] = []
        var notes: [TagNote] = []
        var failure: String?
        let arch = pins.architecture
        for download in pins.downloads where download.resolved {
            guard let checksum = download.checksum else { continue }
            var pin = Pin(
                kind: .inlineCheck, url: download.url, file: download.file, algorithm: checksum.algorithm,
                expected: checksum.expected, variable: nil, checksumList: nil, checksumListURL: nil,
                line: download.line, sourceLine: checksum.line)
            if checksum.expected == nil {
                guard let list = checksum.list, let listURL = checksum.listURL else { continue }
                switch await listed(download.file, in: list, url: listURL, dockerfile: dockerfile, line: checksum.line)
                {
                case .failure(let e):
                    failure = "\(e)"
                    continue
                case .success(nil):
                    findings.append(
                        Finding(
                            kind: .pinMismatch, severity: .alert, image: image, tag: tag, arch: arch.rawValue,
                            message:
                                "\(Redaction.stripCredentials(listURL)) lists no \(download.file), which \(dockerfile):\(checksum.line) looks up in it for \(arch.rawValue): the build's check fails",
                            expected: "a \(checksum.algorithm) line for \(download.file) in \(list)", actual: "none"))
                    continue
                case .success(let entry?):
                    pin = Pin(
                        kind: .checksumList, url: download.url, file: download.file, algorithm: checksum.algorithm,
                        expected: entry.digest.hex, variable: nil, checksumList: "\(list) line \(entry.line)",
                        checksumListURL: listURL, line: download.line, sourceLine: checksum.line)
                }
            }
            switch await self.pin(pin, image: image, tag: tag, arch: arch, dockerfile: dockerfile) {
            case .success(.matched(let note)): notes.append(note)
            case .success(.mismatch(let f)): findings.append(f)
            case .success(.notComparable): break
            case .failure(let e): failure = "\(e)"
            }
        }
        return (findings, notes, failure)
    }

    /// The line of the checksum list at `url` that names `file` (nil when none does).
    private func listed(_ file: String, in list: String, url: String, dockerfile: String, line: Int) async -> Result<
        ChecksumEntry?, DeepError
    > {
        await listBytes(url, dockerfile: dockerfile, line: line).map { bytes in
            let parsed = ChecksumFile.parse(Array(Self.signedText(bytes).utf8), path: list)
            return parsed.entries.first { $0.path.map(TreePath.base) == file }
        }
    }

    /// A checksum list's bytes, downloaded once per run (after rewrites) for every platform and
    /// for its signature's check.
    func listBytes(_ url: String, dockerfile: String, line: Int) async -> Result<[UInt8], DeepError> {
        let http = http, target = rewriter.rewrite(url).url
        return await Self.shared(lists, url) {
            do {
                let response = try await http.send(
                    HTTPRequest(.get, target, connectTimeout: 10, totalTimeout: Self.downloadTimeout))
                guard response.isSuccess else {
                    return .failure(
                        DeepError(
                            description:
                                "--deep: \(Redaction.stripCredentials(url)) answered \(response.status) (\(dockerfile):\(line))"
                        ))
                }
                return .success(response.body)
            } catch {
                return .failure(
                    DeepError(
                        description:
                            "--deep: downloading \(Redaction.stripCredentials(url)) (\(dockerfile):\(line)): \(error)"
                    ))
            }
        }
    }

    /// The signed text of a clear-signed message (`SHASUMS256.txt.asc`), dash-escaping undone;
    /// any other text as it is.
    static func signedText(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let begin = lines.firstIndex(of: "-----BEGIN PGP SIGNED MESSAGE-----"),
            let blank = lines[begin...].firstIndex(of: ""),
            let end = lines[blank...].firstIndex(of: "-----BEGIN PGP SIGNATURE-----")
        else { return text }
        return lines[(blank + 1)..<end].map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
            .joined(separator: "\n") + "\n"
    }
}
