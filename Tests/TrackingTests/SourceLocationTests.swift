import Testing

@testable import Tracking

/// The published `source` annotation and the provenance's materials are compared with the
/// library entry by one rule; these cases used to pass one comparison and fail the other.
@Suite struct SourceLocationTests {
    let repo = "https://github.com/nodejs/docker-node.git"
    let commit = "bc0a422bce0f729dd85790639d9f1918143f1235"

    @Test func annotationWithAnotherSchemeNamesTheSameRepository() {
        #expect(
            SourceLocation.annotationNames(
                "git://GitHub.com/nodejs/docker-node/#\(commit):22/alpine3.20", repository: repo, commit: commit,
                directory: "22/alpine3.20"))
    }

    @Test func directoryWrittenWithDotSlashIsTheSameDirectory() {
        #expect(
            SourceLocation.annotationNames(
                "\(repo)#\(commit):./22/alpine3.20/", repository: repo, commit: commit, directory: "22/alpine3.20"))
        #expect(SourceLocation.annotationNames("\(repo)#\(commit)", repository: repo, commit: commit, directory: "."))
    }

    @Test func anotherCommitOrDirectoryOrRepositoryIsNot() {
        #expect(
            !SourceLocation.annotationNames(
                "\(repo)#\(String(commit.reversed())):22/alpine3.20", repository: repo, commit: commit,
                directory: "22/alpine3.20"))
        #expect(
            !SourceLocation.annotationNames(
                "\(repo)#\(commit):22/bookworm", repository: repo, commit: commit, directory: "22/alpine3.20"))
        #expect(
            !SourceLocation.annotationNames(
                "https://github.com/nodejs/docker-node-fork#\(commit):22/alpine3.20", repository: repo, commit: commit,
                directory: "22/alpine3.20"))
        #expect(!SourceLocation.annotationNames("no hash here", repository: repo, commit: commit, directory: "."))
    }

    @Test func provenanceAndAnnotationAgreeOnTheRepository() {
        // The same spellings through both doors: provenance materials and the annotation.
        for spelling in ["ssh://git@github.com/nodejs/docker-node", "https://github.com/NodeJS/docker-node/"] {
            #expect(SourceLocation.sameRepository(spelling, repo))
            #expect(
                SourceLocation.annotationNames(
                    "\(spelling)#\(commit):22", repository: repo, commit: commit, directory: "22"))
        }
    }
}
