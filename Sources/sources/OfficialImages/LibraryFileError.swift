import Foundation
import TrackbotCore

/// What is wrong with a library file, and where: `library/foo:14: Tags "1.2, 1" has invalid GitCommit …`.
public struct LibraryFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case notKeyValue(String)
        case missingMaintainers
        case invalidMaintainers([String])
        case globalTagsNotPermitted
        case invalidGlobalArchitectures([String])
        case invalidGitFetch(tags: String, value: String)
        case invalidGitCommit(tags: String, value: String)
        case sha256GitCommit(tags: String, key: String, value: String)
        case missingTags
        case missingSource(tags: String)
        case invalidTags(tags: String, invalid: [String])
        case invalidArchitectures(tags: String, invalid: [String])
        case duplicateTag(tags: String, tag: String, otherEntry: String?)
        case tagConflictsWithSharedTag(tags: String, tag: String, otherEntry: String)
        case sharedTagConflictsWithTag(tags: String, tag: String, otherEntry: String)
        case duplicateTagInSharedTags(tags: String, tag: String)
        case lineMissingColon(String)
        case lineMissingAt(String)
        case stackbrewLine(String)
        case notUTF8
        case tooLarge(bytes: Int, limit: Int)
    }

    /// The file as the user knows it (`library/alpine`, or a path).
    public var file: String
    /// 1-based line number, or 0 when the problem concerns the whole file.
    public var line: Int
    public var problem: Problem

    public init(file: String, line: Int, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    /// One message; the lines it quotes come from the file, so they lose URL credentials and
    /// control characters.
    public var description: String {
        Sanitize.terminal(
            Redaction.stripURLCredentials(inText: (line > 0 ? "\(file):\(line): " : "\(file): ") + problem.message))
    }
}

extension LibraryFileError.Problem {
    private static func q(_ s: String) -> String {
        "\""
            + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    var message: String {
        let q = Self.q
        switch self {
        case .notKeyValue(let line):
            return "line \(q(line)) is not \"Key: value\" (continuation lines start with a space or a tab)"
        case .missingMaintainers:
            return "missing Maintainers (the first paragraph must name at least one: \(Maintainer.format))"
        case .invalidMaintainers(let list):
            return "invalid Maintainers: \(q(list.joined(separator: ", "))) (expected format \(q(Maintainer.format)))"
        case .globalTagsNotPermitted:
            return "global Tags not permitted (the first paragraph holds defaults; put Tags in an entry paragraph)"
        case .invalidGlobalArchitectures(let list):
            return "invalid global Architectures: \(q(list.joined(separator: ", "))) (known: \(knownArchitectures))"
        case .invalidGitFetch(let tags, let value):
            return "Tags \(q(tags)) has invalid GitFetch (must be \"refs/heads/...\" or \"refs/tags/...\"): \(q(value))"
        case .invalidGitCommit(let tags, let value):
            return
                "Tags \(q(tags)) has invalid GitCommit (must be a commit, not a tag or ref): \(q(value)) (a commit id is 40 lowercase hex digits)"
        case .sha256GitCommit(let tags, let key, let value):
            return
                "Tags \(q(tags)) has a SHA-256 \(key): \(q(value)) (bashbrew accepts 64 hex digits, but trackbot reads git "
                + "repositories through libgit2 1.5, which cannot open SHA-256 repositories, so this entry could not be "
                + "checked; trackbot refuses it here rather than fail on it later)"
        case .missingTags:
            return "missing Tags (every paragraph after the first is an entry and needs Tags)"
        case .missingSource(let tags):
            return "Tags \(q(tags)) missing one of GitRepo, GitFetch, or GitCommit"
        case .invalidTags(let tags, let invalid):
            return
                "Tags \(q(tags)) has invalid (Shared)Tags: \(q(invalid.joined(separator: ", "))) (a tag matches ^\\w[\\w.-]{0,127}$)"
        case .invalidArchitectures(let tags, let invalid):
            return
                "Tags \(q(tags)) has invalid Architectures: \(q(invalid.joined(separator: ", "))) (known: \(knownArchitectures))"
        case .duplicateTag(let tags, let tag, let other):
            return "Tags \(q(tags)) includes duplicate tag: \(q(tag))"
                + (other.map { " (duplicated in \(q($0)))" } ?? "")
        case .tagConflictsWithSharedTag(let tags, let tag, let other):
            return "Tags \(q(tags)) includes tag conflicting with a shared tag: \(q(tag)) (shared tag in \(q(other)))"
        case .sharedTagConflictsWithTag(let tags, let tag, let other):
            return "Tags \(q(tags)) includes conflicting shared tag: \(q(tag)) (duplicated in \(q(other)))"
        case .duplicateTagInSharedTags(let tags, let tag):
            return "Tags \(q(tags)) includes duplicate tag: \(q(tag)) (in SharedTags)"
        case .lineMissingColon(let line):
            return "manifest line missing ':': \(q(line)) (line-based format: tag: repo@commit [directory])"
        case .lineMissingAt(let line):
            return "manifest line missing '@': \(q(line)) (line-based format: tag: repo@commit [directory])"
        case .stackbrewLine(let line):
            return "line \(q(line)) is not \"tag repo [B:branch|C:commit]\""
        case .notUTF8:
            return "not valid UTF-8 text"
        case .tooLarge(let bytes, let limit):
            let mib = (Double(bytes) / 1_048_576 * 10).rounded(.down) / 10
            return
                "\(mib) MiB, larger than the \(limit >> 20) MiB a library file may be (the largest real one is well under 1 MB); "
                + "refused without parsing it. Check that the source and ref name official-images, not another repository"
        }
    }

    private var knownArchitectures: String {
        Architecture.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
