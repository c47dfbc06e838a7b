import Foundation
import Registry
import TestSupport
import Testing
import TrackbotCore

private let commit = "6d541d27b5dd12639e5a33a675ebca04d3837d74"
private let baseDigest = "sha256:" + String(repeating: "d", count: 64)
private let subject = StreamingHasher.digest(Data("the amd64 manifest".utf8))
private let attestation = StreamingHasher.digest(Data("the attestation manifest".utf8))
private let layer = StreamingHasher.digest(Data("the statement".utf8))

private func parse(_ data: Data) throws -> BuildProvenance {
    try InTotoStatement.provenance([UInt8](data), attestation: attestation, layer: layer)
}

/// docker-library's build of docker:24-cli (meta-scripts' `docker buildx build … --file
/// 'Dockerfile' 'https://github.com/docker-library/docker.git#COMMIT:24/cli'` with the parent
/// pinned by `--build-context`), as BuildKit's provenance records it.
private func dockerCLI(_ version: BuildKitProvenance.Version) -> BuildKitProvenance {
    BuildKitProvenance(
        version: version, repository: "https://github.com/docker-library/docker.git", commit: commit,
        directory: "24/cli", base: (uri: "pkg:docker/alpine@3.18?platform=linux%2Famd64", digest: baseDigest))
}

@Suite("in-toto statements: SLSA provenance as BuildKit writes it")
struct InTotoStatementTests {
    @Test(arguments: [BuildKitProvenance.Version.v02, .v1])
    func buildkit_provenance_gitContextWithSubdir(_ version: BuildKitProvenance.Version) throws {
        let p = try parse(dockerCLI(version).statement(subject: subject))
        #expect(p.predicateType == version.rawValue)
        #expect(p.configSource == "https://github.com/docker-library/docker.git#\(commit):24/cli")
        #expect(p.repository == "https://github.com/docker-library/docker.git")
        #expect(p.ref == commit)
        #expect(p.directory == "24/cli")
        #expect(p.commit == commit)
        #expect(p.dockerfile == "Dockerfile")
        #expect(p.builderID == "https://github.com/docker-library")
        #expect(p.subjects == [subject])
        #expect(
            p.baseImages == [
                ProvenanceMaterial(uri: "pkg:docker/alpine@3.18?platform=linux%2Famd64", digest: baseDigest)
            ])
        // The git context is a material too (sha1 commit), but not a base image.
        #expect(
            p.materials.contains(
                ProvenanceMaterial(
                    uri: "https://github.com/docker-library/docker.git#\(commit)", digest: "sha1:\(commit)")))
    }

    @Test func buildkit_provenance_filenameIsTheEntryPoint() throws {
        var build = dockerCLI(.v02)
        build.dockerfile = "Dockerfile.alpine"
        #expect(try parse(build.statement(subject: subject)).dockerfile == "Dockerfile.alpine")
        build.version = .v1
        #expect(try parse(build.statement(subject: subject)).dockerfile == "Dockerfile.alpine")
    }

    /// BuildKit replaces credentials in the context URL with `xxxxx:xxxxx`; trackbot keeps none.
    @Test func buildkit_provenance_redactedCredentialsStayOut() throws {
        var build = dockerCLI(.v1)
        build.repository = "https://xxxxx:xxxxx@example.invalid/repo.git"
        let p = try parse(build.statement(subject: subject))
        #expect(p.repository?.contains("xxxxx") == false, "\(p.repository ?? "")")
        #expect(p.repository?.hasSuffix("example.invalid/repo.git") == true)
    }

    /// `vcs:revision` (BuildKit's metadata) is the commit when the context was not resolved by
    /// BuildKit itself (a local context): no `configSource.digest`.
    @Test func buildkit_provenance_vcsRevisionWhenNoDigest() throws {
        let statement = #"""
            {"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2",
             "subject":[],"predicate":{"builder":{"id":""},"invocation":{"configSource":{"entryPoint":"Dockerfile"},
             "parameters":{"frontend":"dockerfile.v0","locals":[{"name":"context"},{"name":"dockerfile"}]}},
             "materials":[{"uri":"pkg:docker/alpine@latest?platform=linux%2Famd64","digest":{"sha256":"8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4"}}],
             "metadata":{"https://mobyproject.org/buildkit@v1#metadata":{"vcs":{"source":"https://github.com/o/r.git","revision":"\#(commit)"}}}}}
            """#
        let p = try parse(Data(statement.utf8))
        #expect(p.commit == commit)
        #expect(p.repository == nil)
        #expect(p.baseImages.first?.digest == "sha256:8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4")
    }

    @Test func buildkit_provenance_queryFormContext() throws {
        let statement = #"""
            {"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":[],
             "predicate":{"buildDefinition":{"externalParameters":{"configSource":{"uri":"https://github.com/o/r.git?ref=\#(commit)&subdir=a/b","path":"Dockerfile"}}},"runDetails":{"builder":{"id":""}}}}
            """#
        let p = try parse(Data(statement.utf8))
        #expect(p.repository == "https://github.com/o/r.git")
        #expect(p.ref == commit)
        #expect(p.directory == "a/b")
        #expect(p.builderID == nil)
    }

    @Test func inToto_notAStatementIsAnError() throws {
        let cases = [
            "not json", #"{"predicateType":"https://slsa.dev/provenance/v0.2"}"#,
            #"{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document"}"#,
        ]
        for text in cases {
            #expect(throws: InTotoError.self) { _ = try parse(Data(text.utf8)) }
        }
        do {
            _ = try parse(Data("[]".utf8))
        } catch let error as InTotoError {
            #expect(
                error.description.contains(layer.description) && error.description.contains(attestation.description))
        }
    }

    @Test func inToto_sbomFormatsFromPredicateTypes() {
        #expect(PredicateType.sbomFormat("https://spdx.dev/Document") == "SPDX")
        #expect(PredicateType.sbomFormat("https://cyclonedx.org/bom/v1.5") == "CycloneDX")
        #expect(PredicateType.sbomFormat("https://slsa.dev/provenance/v1") == nil)
    }
}
