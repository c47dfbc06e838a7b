import Foundation
import TestSupport
import Testing
import TrackbotCore

@testable import Verification

/// Small archives that ask for a lot (Tests/Fixtures/verification/bombs.py builds them): each is
/// refused with an error naming the file and the cap, or reported, never read without bound.
/// Memory and time are measured by scripts/bench.d/bombs, not asserted here.
@Suite struct HostileInputTests {
    let tmp: TemporaryDirectory
    init() throws { tmp = try TemporaryDirectory("verify-hostile") }

    func bomb(_ kind: String, _ name: String, _ options: [String] = []) throws -> URL {
        try VerificationFixtures.bomb(kind, at: tmp.appending(name), options)
    }

    /// The error listing the archive stops with (nil when it lists).
    func listingError(_ url: URL, limits: StreamLimits = .default) throws -> VerificationError? {
        do {
            _ = try TarReader.list(try FileStream(path: url.path), path: url.lastPathComponent, limits: limits)
            return nil
        } catch let error as VerificationError {
            return error
        }
    }

    /// A folder with `Dockerfile` adding `name` (a copy of `archive`) to `/`, verified.
    func verifyAdding(_ archive: URL, as name: String) throws -> VerificationReport {
        let dir = tmp.appending("ctx-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: archive, to: dir.appendingPathComponent(name))
        try Data("FROM scratch\nADD \(name) /\nCMD [\"/bin/sh\"]\n".utf8).write(
            to: dir.appendingPathComponent("Dockerfile"))
        return try Verifier(tree: try LocalSourceTree(root: dir.path)).verify()
    }

    // MARK: decoder memory

    @Test func xzHeaderAskingForAThreeGiBDictionaryIsRefused() throws {
        let url = try bomb("xz-dict", "dict.tar.xz", ["--dict-mib", "3072"])
        let error = try #require(try listingError(url), "a 3 GiB dictionary was allocated instead of refused")
        let text = error.description
        #expect(text.hasPrefix("dict.tar.xz (xz) needs 3073 MiB of memory"), "\(text)")
        #expect(text.contains("more than the 256 MiB allowed (LZMA_MEMLIMIT_ERROR)"), "\(text)")
        #expect(text.contains("StreamLimits.xzMemoryLimit"), "\(text)")
    }

    @Test func xzWithA64MiBDictionaryStillDecodes() throws {
        // What `xz -9` writes: well under the limit.
        let url = try bomb("xz-dict", "ok.tar.xz", ["--dict-mib", "64"])
        let listing = try TarReader.list(try FileStream(path: url.path), path: "ok.tar.xz")
        #expect(listing.entries.map(\.path) == ["etc/file0", "etc/file1", "etc/file2"])
    }

    @Test func zstdFrameAskingForATwoGiBWindowIsRefusedNamingTheLimit() throws {
        let url = try bomb("zstd-window", "window.tar.zst", ["--window-log", "31"])
        let text = try #require(try listingError(url)).description
        #expect(
            text.hasPrefix("window.tar.zst (zstd) asks for a window larger than the 128 MiB allowed (windowLogMax 27)"),
            "\(text)")
        #expect(text.contains("StreamLimits.zstdWindowLogMax"), "\(text)")
    }

    @Test func xzBombInAnOCILayoutIsALayoutFindingOnEveryRun() throws {
        var layout = try VerificationFixtures.makeLayout(in: tmp.appending("repo/oci"), compression: .xz)
        // The same uncompressed tar (so the diff_id still holds), its header asking for 3 GiB.
        let tar = tmp.appending("layer.tar")
        try runTool("sh", ["-c", "xz -dc '\(layout.layerPath.path)' > '\(tar.path)'"])
        let bombURL = try bomb("xz-dict", "layer.tar.xz", ["--payload", tar.path])
        try VerificationFixtures.replaceLayer(&layout, with: bombURL)
        let report = try Verifier(tree: try LocalSourceTree(root: tmp.appending("repo").path))
            .verify(directory: "oci", builder: "oci-import")
        let finding = try #require(
            report.findings.first { $0.message.contains("LZMA_MEMLIMIT_ERROR") }, "\(report.findings)")
        #expect(finding.kind == .layoutInvalid && finding.severity == .alert)
        #expect(
            finding.message.hasPrefix(
                "oci/blobs/sha256/\(layout.layerDigest.dropFirst(7)): (layer 0) could not be read"),
            "\(finding.message)")
    }

    @Test func xzBombAddedByADockerfileIsACheckFailedAlert() throws {
        let report = try verifyAdding(try bomb("xz-dict", "bomb.tar.xz"), as: "rootfs.tar.xz")
        let finding = try #require(report.findings.first { $0.kind == .checkFailed }, "\(report.findings)")
        #expect(finding.severity == .alert)
        #expect(
            finding.message.contains(
                "the entries of rootfs.tar.xz could not be read: rootfs.tar.xz (xz) needs 3073 MiB"),
            "\(finding.message)")
        // The digests are still complete: the rest of the file was hashed after the refusal.
        let artefact = try #require(report.artefacts.first)
        #expect(artefact.digests.first?.hex == (try VerificationFixtures.sha256sum(tmp.appending("bomb.tar.xz"))))
    }

    // MARK: tar caps

    @Test(arguments: ["gnu", "pax"])
    func eightMiBNamesAreRefused(format: String) throws {
        let url = try bomb(
            "long-names", "names-\(format).tar.gz", ["--count", "2", "--length", "\(8 << 20)", "--format", format])
        let error = try #require(try listingError(url), "two 8 MiB names were listed")
        guard case .tarLimit(_, _, let cap, _, let limit) = error else {
            Issue.record("\(error)")
            return
        }
        // GNU keeps a long name in an `L` entry (capped at a path's length); PAX in an extended header.
        #expect(cap == (format == "gnu" ? .nameLength : .paxHeaderSize))
        #expect(limit == (format == "gnu" ? 4097 : 1 << 20))
        #expect(
            error.description.hasPrefix("names-\(format).tar.gz at byte 512 of its uncompressed content: "), "\(error)")
        #expect(error.description.contains("StreamLimits.\(cap.setting), is built in, not a setting"), "\(error)")
    }

    @Test(arguments: ["gnu", "pax"])
    func namesUpToAPathLengthAreListedAndOneByteMoreIsNot(format: String) throws {
        let ok = try bomb(
            "long-names", "ok-\(format).tar.gz", ["--count", "2", "--length", "4096", "--format", format])
        let listing = try TarReader.list(try FileStream(path: ok.path), path: "ok")
        #expect(listing.entries.map(\.path.utf8.count) == [4096, 4096])
        let over = try bomb(
            "long-names", "over-\(format).tar.gz", ["--count", "1", "--length", "4097", "--format", format])
        let error = try #require(try listingError(over))
        guard case .tarLimit(_, _, .nameLength, 4097...4098, _) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(error.description.contains("longer than the"), "\(error)")
    }

    @Test func entryCountIsCapped() throws {
        let limits = StreamLimits(maxTarEntries: 1000)
        let fits = try bomb("many-entries", "fits.tar.gz", ["--count", "1000"])
        #expect(try TarReader.list(try FileStream(path: fits.path), path: "fits", limits: limits).entries.count == 1000)
        let over = try bomb("many-entries", "over.tar.gz", ["--count", "1001"])
        let error = try #require(try listingError(over, limits: limits))
        #expect(
            error == .tarLimit(path: "over.tar.gz", offset: 1000 * 512 + 512, cap: .entries, value: 1001, limit: 1000))
        #expect(error.description.contains("more than 1000 entries"), "\(error)")
        // A scan keeps no entries, yet is held to the same cap.
        #expect(throws: VerificationError.self) {
            _ = try TarReader.scan(try FileStream(path: over.path), path: "over", limits: limits)
        }
        #expect(StreamLimits.default.maxTarEntries == 250_000)
    }

    @Test func namesTogetherAreCapped() throws {
        let url = try bomb("many-entries", "names.tar.gz", ["--count", "200"])
        let error = try #require(try listingError(url, limits: StreamLimits(maxTarNameBytesTotal: 1000)))
        guard case .tarLimit(_, _, .namesTotal, 1008, 1000) = error else {
            Issue.record("\(error)")
            return
        }
    }

    @Test func paxHeaderWithTooManyRecordsIsRefused() throws {
        let url = try bomb("pax-keys", "keys.tar.gz", ["--keys", "1001", "--entries", "3"])
        let error = try #require(try listingError(url), "1,001 global PAX keys were kept")
        guard case .tarLimit("keys.tar.gz", _, .paxRecords, 1001, 1000) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(error.description.contains("more than 1000 PAX records"), "\(error)")
        let fits = try bomb("pax-keys", "fits.tar.gz", ["--keys", "1000", "--entries", "3"])
        #expect(try TarReader.list(try FileStream(path: fits.path), path: "fits").entries.count == 3)
    }

    @Test func paxHeaderOfAHundredThousandKeysIsRefusedBeforeItIsRead() throws {
        let url = try bomb("pax-keys", "huge.tar.gz", ["--keys", "100000", "--entries", "10"])
        let error = try #require(try listingError(url))
        guard case .tarLimit(_, 512, .paxHeaderSize, let size, 1_048_576) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(size > 1 << 20)
    }

    // MARK: unsafe entries

    @Test func everyKindOfUnsafeEntryIsNamed() throws {
        let url = try bomb("unsafe", "unsafe.tar.gz")
        let listing = try TarReader.list(try FileStream(path: url.path), path: "unsafe.tar.gz")
        let reasons = Dictionary(listing.entries.map { ($0.path, $0.unsafe ?? "safe") }, uniquingKeysWith: { $1 })
        #expect(
            reasons == [
                "etc": "safe",
                "etc/os-release": "safe",
                "../escape.txt": "climbs out of the root with ..",
                "etc/cron.d/evil": "absolute path",
                "up": "symbolic link climbing out of the root",
                "etc-link": "safe",  // an absolute target resolves inside the image's root
                "etc-link/passwd": "inside the symbolic link etc-link, so written wherever it points",
                "hard": "hard link target climbs out of the root with ..",
                "dev/mem": "character device 1,1",
                "dev/sda": "block device 8,0",
                "usr/bin/su": "setuid file",
                "usr/bin/ok": "safe",
            ])
    }

    @Test func unsafeEntriesOfAnAddedTarballAreOneAlert() throws {
        let report = try verifyAdding(try bomb("unsafe", "u.tar.gz"), as: "rootfs.tar.gz")
        let unsafe = report.findings.filter { $0.kind.rawValue == "unsafe-entry" }
        #expect(unsafe.count == 1, "\(report.findings)")
        let f = try #require(unsafe.first)
        #expect(f.severity == .alert)
        #expect(
            f.message.hasPrefix("8 unsafe entries in rootfs.tar.gz (extraction would escape the root"), "\(f.message)")
        #expect(
            f.message.hasSuffix(
                "../escape.txt (climbs out of the root with ..), etc/cron.d/evil (absolute path), "
                    + "up -> ../../.. (symbolic link climbing out of the root), "
                    + "etc-link/passwd (inside the symbolic link etc-link, so written wherever it points), "
                    + "hard -> ../../outside (hard link target climbs out of the root with ..) and 3 more"),
            "\(f.message)")
        #expect(f.actual == "rootfs.tar.gz: 8 of 12 entries")
    }

    @Test func onlySetuidFilesAreAWarningNotAnAlert() throws {
        let report = try verifyAdding(try bomb("setuid-only", "s.tar.gz"), as: "rootfs.tar.gz")
        let f = try #require(report.findings.first { $0.kind.rawValue == "unsafe-entry" }, "\(report.findings)")
        #expect(f.severity == .warn)
        #expect(f.message.hasSuffix("usr/bin/passwd (setuid file), usr/bin/chage (setgid file)"), "\(f.message)")
    }

    @Test func unsafeEntriesOfAnOCILayerAreReportedAndTheLayoutStaysValid() throws {
        let tar = tmp.appending("unsafe.tar")
        try runTool("sh", ["-c", "gzip -dc '\(try bomb("unsafe", "u.tar.gz").path)' > '\(tar.path)'"])
        let layout = try VerificationFixtures.makeLayout(in: tmp.appending("repo/oci"), layerTar: tar)
        let report = try Verifier(tree: try LocalSourceTree(root: tmp.appending("repo").path))
            .verify(directory: "oci", builder: "oci-import")
        #expect(report.layout?.isValid == true, "\(report.layout?.findings ?? [])")
        #expect(report.layout?.layers.first?.diffID?.description == layout.diffID)
        let f = try #require(report.findings.first { $0.kind.rawValue == "unsafe-entry" }, "\(report.findings)")
        #expect(f.severity == .alert)
        #expect(
            f.message.hasPrefix("8 unsafe entries in oci/blobs/sha256/\(layout.layerDigest.dropFirst(7)) "),
            "\(f.message)")
    }

    @Test func aCompressedFileThatIsNotATarIsNotAFinding() throws {
        let payload = tmp.appending("tool")
        try Data(repeating: 0x41, count: 5000).write(to: payload)
        try runTool("gzip", ["-n", payload.path])
        let report = try verifyAdding(tmp.appending("tool.gz"), as: "tool.gz")
        #expect(
            !report.findings.contains { $0.kind == .checkFailed || $0.kind.rawValue == "unsafe-entry" },
            "\(report.findings)")
    }
}
