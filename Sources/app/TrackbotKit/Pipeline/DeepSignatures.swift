import Foundation
import HTTPTransport
import TrackbotCore
import Tracking
import Verification

/// What `gpgv` said about one signature.
struct SignatureCheck: Sendable {
    /// The primary key fingerprint of a good signature (`VALIDSIG`'s last field); nil when it did
    /// not verify.
    var primary: String?
    /// The fingerprint of the (sub)key that made it.
    var signer: String?
    /// gpgv's `[GNUPG:]` status lines, for a finding.
    var status: [String]
}

/// `--deep` for the signatures a platform's build checks (`gpg --verify`, `gpg --decrypt`):
/// with `[verify] keyring` each one is downloaded with what it signs and checked by `gpgv`
/// against that keyring only ("signed by KEY"); without one nothing is downloaded and the note
/// says "signed, keys not checked". A signature that does not verify, or that a key the
/// Dockerfile does not list made, is a `pin-mismatch`.
extension DeepInspection {
    func signatures(
        _ pins: ArchitecturePins, image: String, tag: String, dockerfile: String
    ) async -> (findings: [Finding], notes: [TagNote], failure: String?) {
        var findings: [Finding] = []
        var notes: [TagNote] = []
        var failure: String?
        let arch = pins.architecture.rawValue
        for download in pins.downloads where download.resolved {
            guard let s = download.signature, let signatureURL = s.url else { continue }
            // A detached signature signs the download or its (plain) checksum list; a clear-signed one, itself.
            let dataURL = s.clearsigned ? nil : s.signs == download.file ? download.url : download.checksum?.listURL
            guard s.clearsigned || dataURL != nil else { continue }
            let shown = Redaction.stripCredentials(signatureURL)
            guard let keyring else {
                notes.append(.deepSigned(arch: arch, file: s.signs, signature: shown, by: nil))
                continue
            }
            let key = "\(signatureURL) \(dataURL ?? "")"
            // The checksum list was downloaded for the pins: its bytes are the clear-signed
            // message, or the data a detached signature signs; not downloaded again.
            let listURL = download.checksum?.listURL
            func list(_ url: String?) async -> Result<[UInt8], DeepError>? {
                guard let url, url == listURL else { return nil }
                return await listBytes(url, dockerfile: dockerfile, line: download.line)
            }
            let known = (signature: await list(signatureURL), data: await list(dataURL))
            let http = http, rewriter = rewriter, cap = maxDownload
            let result = await Self.shared(signatures, key) {
                await Self.verify(
                    signature: signatureURL, data: dataURL, known: known, keyring: keyring, http: http,
                    rewriter: rewriter, cap: cap, dockerfile: dockerfile, line: download.line)
            }
            switch result {
            case .failure(let e): failure = "\(e)"
            case .success(let check):
                guard let primary = check.primary else {
                    findings.append(
                        Finding(
                            kind: .pinMismatch, severity: .alert, image: image, tag: tag, arch: arch,
                            message:
                                "\(shown) does not verify \(s.signs) against the keyring \(keyring) (\(dockerfile):\(download.line) checks it with gpg)",
                            expected: "a good signature by "
                                + (s.keys.isEmpty ? "a key of the keyring" : s.keys.joined(separator: ", ")),
                            actual: check.status.joined(separator: "; ")))
                    continue
                }
                let listed = s.keys.isEmpty || s.keys.contains(primary) || check.signer.map(s.keys.contains) == true
                if listed {
                    notes.append(.deepSigned(arch: arch, file: s.signs, signature: shown, by: primary))
                } else {
                    findings.append(
                        Finding(
                            kind: .pinMismatch, severity: .alert, image: image, tag: tag, arch: arch,
                            message:
                                "\(shown) is a good signature of \(s.signs) by \(primary), a key \(dockerfile):\(download.line) does not list",
                            expected: s.keys.joined(separator: ", "), actual: primary))
                }
            }
        }
        return (findings, notes, failure)
    }

    /// Writes the signature (and the file it signs) into a temporary directory, from `known`
    /// bytes or downloaded, and runs `gpgv --status-fd 1 --keyring KEYRING SIG [DATA]` with a
    /// throwaway home.
    private static func verify(
        signature: String, data: String?,
        known: (signature: Result<[UInt8], DeepError>?, data: Result<[UInt8], DeepError>?), keyring: String,
        http: HTTPClient, rewriter: URLRewriter, cap: Int64, dockerfile: String, line: Int
    ) async -> Result<SignatureCheck, DeepError> {
        func place(_ url: String, _ bytes: Result<[UInt8], DeepError>?, at path: String) async throws {
            guard let bytes else { return try await fetch(url, to: path, http: http, rewriter: rewriter, cap: cap) }
            guard FileManager.default.createFile(atPath: path, contents: Data(try bytes.get())) else {
                throw DeepError(description: "--deep: cannot write \(path)")
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trackbot-gpgv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent("home"), withIntermediateDirectories: true)
            let sigPath = dir.appendingPathComponent("signature").path
            try await place(signature, known.signature, at: sigPath)
            var arguments = [
                "gpgv", "--status-fd", "1", "--homedir", dir.appendingPathComponent("home").path, "--keyring",
                URL(fileURLWithPath: keyring).standardizedFileURL.path, sigPath,
            ]
            if let data {
                let dataPath = dir.appendingPathComponent("data").path
                try await place(data, known.data, at: dataPath)
                arguments.append(dataPath)
            }
            let command = arguments
            let status = try await runBlocking { try runGpgv(command) }
            let lines = status.split(separator: "\n").map(String.init).filter { $0.hasPrefix("[GNUPG:] ") }
            let valid = lines.first { $0.hasPrefix("[GNUPG:] VALIDSIG ") }?.split(separator: " ").map(String.init)
            return .success(
                SignatureCheck(
                    primary: valid.flatMap { $0.count >= 12 ? $0[11].uppercased() : nil },
                    signer: valid.flatMap { $0.count >= 3 ? $0[2].uppercased() : nil },
                    status: lines.map { String($0.dropFirst("[GNUPG:] ".count)) }.filter {
                        !$0.hasPrefix("NEWSIG") && !$0.hasPrefix("KEY_CONSIDERED")
                    }))
        } catch let error as DeepError {
            return .failure(error)
        } catch {
            return .failure(
                DeepError(
                    description:
                        "--deep: checking the signature \(Redaction.stripCredentials(signature)) (\(dockerfile):\(line)): \(error)"
                ))
        }
    }

    /// gpgv's status output; its exit status is read from the status lines, not thrown.
    private static func runGpgv(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw DeepError(description: "--deep: cannot run gpgv (install gnupg's gpgv to check signatures): \(error)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw DeepError(description: "--deep: gpgv is not installed (install gnupg's gpgv to check signatures)")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Downloads `url` (after rewrites) into `path`, at most `cap` bytes.
    private static func fetch(_ url: String, to path: String, http: HTTPClient, rewriter: URLRewriter, cap: Int64)
        async throws
    {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw DeepError(description: "--deep: cannot write \(path)") }
        defer { try? handle.close() }
        let written = ByteCounter()
        let request = HTTPRequest(.get, rewriter.rewrite(url).url, connectTimeout: 10, totalTimeout: downloadTimeout)
        let response = try await http.stream(request) { chunk in
            guard written.add(chunk.count) <= cap else {
                throw DeepError(
                    description:
                        "--deep: \(Redaction.stripCredentials(url)) is larger than the \(cap >> 20) MiB a pinned download may be; stopped"
                )
            }
            handle.write(Data(chunk))
        }
        guard response.isSuccess else {
            throw DeepError(description: "--deep: \(Redaction.stripCredentials(url)) answered \(response.status)")
        }
    }
}
