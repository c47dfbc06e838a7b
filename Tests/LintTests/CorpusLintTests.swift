import Foundation
import Lint
import OfficialImages
import TestSupport
import Testing

/// The library-only rules over real, merged library files (official-images CI passed them): the
/// corpus subset's alpine, busybox, debian, node and ubuntu at master.
@Suite struct CorpusLintTests {
    @Test func libraryRules_mergedCorpusHasNoProblem() throws {
        let dir = try TemporaryDirectory("lint-corpus")
        let bare = try GitRepositories.fromBundle("official-images-subset.bundle", into: dir.url, name: "oi.git")
        let images = ["alpine", "busybox", "debian", "node", "ubuntu"]
        var files: [String: LibraryFile] = [:]
        for image in images {
            let text = try git(["--git-dir", bare.path, "show", "refs/heads/master:library/\(image)"])
            files[image] = try LibraryFileReader.read(text, name: image, path: "library/\(image)")
        }
        let result = Lint.check(images, facts: LintFacts(libraryFiles: files), rules: LintRule.libraryOnly)
        #expect(result.problems.isEmpty)
        #expect(result.notChecked.isEmpty)
        // What was looked at (counted with the reader, and at least one entry per image).
        #expect(result.entries == files.values.reduce(0) { $0 + $1.entries.count })
        #expect(result.tags == files.values.reduce(0) { $0 + $1.entries.reduce(0) { $0 + $1.allTags.count } })
        #expect(images.allSatisfy { !(files[$0]?.entries.isEmpty ?? true) })
        print("corpus lint: \(result.entries) entries, \(result.tags) tags, \(result.problems.count) problems")
    }
}
