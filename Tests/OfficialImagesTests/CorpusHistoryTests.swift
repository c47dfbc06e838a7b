import Foundation
import TestSupport
import Testing

@testable import OfficialImages

/// Every version of the five library files in the real official-images history.
@Suite struct CorpusHistoryTests {
    struct Version {
        var image: String
        var commit: String
        var text: String
    }

    static let images = ["alpine", "busybox", "debian", "node", "ubuntu"]

    /// Reads every version through `git log` and `git cat-file --batch` on a clone of the bundle.
    static func loadHistory() throws -> [Version] {
        _ = try requireTool("git", package: "git")
        let dir = try TemporaryDirectory("oi-history")
        let repo = dir.appending("oi.git").path
        try run("git", ["clone", "-q", "--mirror", try TestPaths.corpus("official-images-subset.bundle").path, repo])
        var requests: [(String, String)] = []
        for image in images {
            let log = try run("git", ["-C", repo, "log", "--format=%H", "--", "library/\(image)"])
            for commit in log.split(separator: "\n") { requests.append((image, String(commit))) }
        }
        let input = requests.map { "\($0.1):library/\($0.0)" }.joined(separator: "\n") + "\n"
        let out = Array(try run("git", ["-C", repo, "cat-file", "--batch"], input: Data(input.utf8)).utf8)
        var versions: [Version] = []
        var i = 0
        for (image, commit) in requests {
            let headerEnd = out[i...].firstIndex(of: UInt8(ascii: "\n"))!
            let header = String(decoding: out[i..<headerEnd], as: UTF8.self).split(separator: " ")
            i = headerEnd + 1
            guard header.count == 3, header[1] == "blob", let size = Int(header[2]) else { continue }  // deleted
            versions.append(
                Version(image: image, commit: commit, text: String(decoding: out[i..<(i + size)], as: UTF8.self)))
            i += size + 1
        }
        return versions
    }

    @Test func everyVersionReadsAndRoundTrips() throws {
        let versions = try Self.loadHistory()
        #expect(versions.count == 1388)
        var formats: [LibraryFile.Format: Int] = [:]
        var rejected: [(Version, LibraryFileError)] = []
        for v in versions {
            do {
                let file = try LibraryFileReader.read(v.text, name: v.image)
                formats[file.format, default: 0] += 1
                #expect(!file.entries.isEmpty, "\(v.image)@\(v.commit) has no entries")
                let printed = LibraryFileWriter.render(file)
                let again = try LibraryFileReader.read(printed, name: v.image)
                #expect(
                    Self.withoutLines(again) == Self.withoutLines(file),
                    "\(v.image)@\(v.commit) does not round-trip:\n\(printed)")
            } catch {
                rejected.append((v, error))
            }
        }
        #expect(formats[.rfc2822] == 1111 - 2)  // all but the two rejected
        #expect((formats[.lineBased] ?? 0) + (formats[.stackbrew] ?? 0) == 277)
        #expect(formats[.stackbrew] == 5)
        // bashbrew itself rejects exactly these: two versions of library/node repeat the tag "alpine".
        #expect(rejected.count == 2, "\(rejected.map { "\($0.0.image)@\($0.0.commit): \($0.1)" })")
        for (v, error) in rejected {
            #expect(v.image == "node")
            guard case .duplicateTag(_, let tag, _) = error.problem else {
                Issue.record("unexpected error \(error)")
                continue
            }
            #expect(tag == "alpine")
            #expect(error.line > 0)
        }
    }

    static func withoutLines(_ f: LibraryFile) -> LibraryFile {
        var f = f
        f.warnings = []
        f.global.line = 0
        f.entries = f.entries.map {
            var e = $0
            e.line = 0
            return e
        }
        return f
    }
}
