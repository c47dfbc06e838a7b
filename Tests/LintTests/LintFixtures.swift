import Lint
import OfficialImages
import TrackbotCore
import Verification

/// Library files and facts written out in the tests, as official-images would hold them.
enum LintFixtures {
    static let commitA = String(repeating: "a", count: 40)
    static let commitB = String(repeating: "b", count: 40)
    static let commitC = String(repeating: "c", count: 40)

    static func library(_ name: String, _ body: String, repo: String = "https://github.com/example/\("x").git")
        throws -> LibraryFile
    {
        let text = "Maintainers: Test <test@example.invalid> (@test)\nGitRepo: \(repo)\n\n" + body
        return try LibraryFileReader.read(text, name: name, path: "library/\(name)")
    }

    /// `debian` with a `bookworm` entry on amd64 and arm64v8 only.
    static func debian() throws -> LibraryFile {
        try library(
            "debian",
            """
            Tags: bookworm, 12, latest
            Architectures: amd64, arm64v8
            GitCommit: \(commitA)
            Directory: bookworm

            """)
    }

    /// Facts where every architecture of every entry of `files` builds FROM `froms`.
    static func facts(_ files: [LibraryFile], froms: [String], extra: [LibraryFile] = []) -> LintFacts {
        var facts = LintFacts(libraryFiles: [:])
        for f in files + extra { facts.libraryFiles[f.name] = f }
        for f in files {
            for e in f.entries {
                for a in e.architectures { facts.froms[e.source(for: a)] = .froms(froms) }
            }
        }
        return facts
    }
}
