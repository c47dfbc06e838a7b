import Foundation
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import TrackbotKit

@Suite("check in a synthetic world: oci-import, parents, rewritten upstreams", .serialized)
struct SyntheticEndToEndTests {
    static let shellRootfs = ["bin/sh": "#!fake shell\n", "etc/os-release": "ID=synthetic\n"]

    @Test func ociImportPublishedManifestMustBeTheLayouts() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let rootfs = try world.rootfs(Self.shellRootfs)
        // The upstream holds an OCI layout with one image manifest, in oci/.
        let work = try world.upstream("distro")
        let (_, expected) = try world.layout(rootfs: rootfs, single: true, into: work.appendingPathComponent("oci"))
        let commit = try world.commit("distro", message: "oci layout")
        try world.upstreamGit("distro", ["push", "--quiet", "origin", "main"])
        try world.library(
            "distro",
            SyntheticWorld.libraryFile(
                repo: "distro",
                entries: [
                    ("good", "refs/heads/main", commit, "Builder: oci-import\nFile: index.json\nDirectory: oci\n"),
                    ("bad", "refs/heads/main", commit, "Builder: oci-import\nFile: index.json\nDirectory: oci\n"),
                ]))
        // Same inputs: the same manifest bytes. With an extra file: another manifest.
        try world.publish("distro", tag: "good", rootfs: rootfs)
        try world.publish("distro", tag: "bad", rootfs: rootfs, extra: "etc/extra")

        let (good, rg) = try await world.check(["distro:good"])
        #expect(good.exitCode == 0, "\(good.output)")
        #expect(rg.findings.isEmpty, "\(rg.findings)")

        let (bad, rb) = try await world.check(["distro:bad"])
        #expect(bad.exitCode == 1)
        #expect(rb.findings.map(\.kind) == ["expected-digest-mismatch"])
        let f = try #require(rb.findings.first)
        #expect(f.severity == "alert" && f.tag == "bad" && f.arch == "amd64")
        #expect(f.expected == expected)
        #expect(f.actual != nil && f.actual != expected)
    }

    @Test func parentRepushedExplainsTheChildsNewDigest() async throws {
        let world = try await offPool { try SyntheticWorld() }
        try world.dockerfileImage("child", tags: "1", dockerfile: "FROM base:1\nCMD [\"true\"]\n")
        try world.scratchImage("base")
        let rootfs = try world.rootfs(Self.shellRootfs)
        let base = try world.publish("base", tag: "1", rootfs: rootfs)
        try world.publish("child", tag: "1", rootfs: rootfs, extra: "etc/child", base: base, baseName: "base:1")

        let (first, r1) = try await world.check(["child:1"])
        #expect(first.exitCode == 0, "\(first.output)")
        #expect(r1.findings.isEmpty, "\(r1.findings)")
        let before = try #require(
            try StateStore(path: world.statePath).load().images["child"]?.tags["1"]?.platforms["amd64"])

        // The parent is rebuilt, then the child on top of it.
        let rebuilt = try world.publish("base", tag: "1", rootfs: rootfs, extra: "etc/base-update")
        try world.publish(
            "child", tag: "1", rootfs: rootfs, extra: "etc/base-update-and-child", base: rebuilt, baseName: "base:1")
        let (second, r2) = try await world.check(["child:1"])
        #expect(second.exitCode == 0, "\(second.output)")
        #expect(r2.findings.map(\.kind) == ["rebuilt"])
        let f = try #require(r2.findings.first)
        #expect(f.severity == "info" && f.arch == "amd64" && f.tag == "1")
        #expect(f.message.contains("base:1"))
        #expect(f.expected == before.digest?.description)
        let after = try #require(
            try StateStore(path: world.statePath).load().images["child"]?.tags["1"]?.platforms["amd64"])
        #expect(f.actual == after.digest?.description && after.digest != before.digest)
        #expect(after.parentDigest != before.parentDigest)
    }

    @Test func aliasesPublishingDifferentImagesAreAnAliasMismatch() async throws {
        let world = try await offPool { try SyntheticWorld() }
        try world.dockerfileImage("app", tags: "2.1.0, 2.1, 2", dockerfile: "FROM scratch\nCMD [\"true\"]\n")
        let rootfs = try world.rootfs(Self.shellRootfs)
        for tag in ["2.1.0", "2.1", "2"] { try world.publish("app", tag: tag, rootfs: rootfs) }

        let (first, r1) = try await world.check(["app"])
        #expect(first.exitCode == 0, "\(first.output)")
        #expect(!r1.findings.contains { $0.kind == "alias-mismatch" }, "\(r1.findings)")

        // A partial re-push: one alias gets another image.
        try world.publish("app", tag: "2", rootfs: rootfs, extra: "etc/repushed")
        let (_, r2) = try await world.check(["app"])
        let mismatches = r2.findings.filter { $0.kind == "alias-mismatch" }
        #expect(mismatches.count == 1, "\(r2.findings)")
        let f = try #require(mismatches.first)
        #expect(f.severity == "warn" && f.tag == "2" && f.arch == "amd64")
        #expect(f.expected == r2.platform("app", "2.1.0", "amd64")?.digest)
        #expect(f.actual == r2.platform("app", "2", "amd64")?.digest && f.actual != f.expected)

        // A check of one tag compares nothing, and says nothing about the others.
        let (_, r3) = try await world.check(["app:2"])
        #expect(!r3.findings.contains { $0.kind == "alias-mismatch" }, "\(r3.findings)")
    }

    @Test func anImageIsBuiltOnItsParentsLayersOrItIsAParentMismatch() async throws {
        let world = try await offPool { try SyntheticWorld() }
        try world.dockerfileImage("child", tags: "1", dockerfile: "FROM base:1\nCMD [\"true\"]\n")
        try world.scratchImage("base")
        let rootfs = try world.rootfs(Self.shellRootfs)
        let base = try world.publish("base", tag: "1", rootfs: rootfs)
        let other = try world.rootfs(["bin/sh": "#!another shell\n"], name: "other")
        let impostor = try world.layout(rootfs: other).0

        // Built on base:1's layers, and annotated so: verified, naming the parent and its digest.
        try world.publish("child", tag: "1", rootfs: rootfs, extra: "etc/child", base: base, baseName: "base:1")
        let (good, rg) = try await world.check(["child:1"])
        #expect(good.exitCode == 0, "\(good.output)")
        #expect(!rg.findings.contains { $0.kind.hasPrefix("parent-") }, "\(rg.findings)")
        let verified = try #require(rg.platform("child", "1", "amd64")?.verified)
        #expect(
            verified.contains { $0.contains("built on base:1 sha256:") && $0.contains("1 layer(s)") }, "\(verified)")

        // Re-pushed on another image's layers while claiming base:1: the layers say otherwise.
        try world.publish("child", tag: "1", rootfs: rootfs, extra: "etc/child2", base: impostor)
        let (bad, rb) = try await world.check(["child:1"])
        #expect(bad.exitCode == 1, "\(bad.output)")
        let mismatch = try #require(rb.findings.first { $0.kind == "parent-mismatch" }, "\(rb.findings)")
        #expect(mismatch.severity == "alert" && mismatch.arch == "amd64" && mismatch.tag == "1")
        #expect(mismatch.message.contains("layers[0]") && mismatch.message.contains("current image"))
        #expect(rb.platform("child", "1", "amd64")?.status == "mismatch")

        // The next run reads nothing new (the check is recorded) and the alert is still there.
        let (again, ra) = try await world.check(["child:1"])
        #expect(again.exitCode == 1)
        let kept = try #require(ra.findings.first { $0.kind == "parent-mismatch" })
        #expect(kept.openSince == mismatch.openSince && kept.expected == mismatch.expected)
    }

    @Test func aParentTheLibraryLacksStopsTheChainWithAWarning() async throws {
        let world = try await offPool { try SyntheticWorld() }
        try world.dockerfileImage("child", tags: "1", dockerfile: "FROM ghost:1\nCMD [\"true\"]\n")
        let rootfs = try world.rootfs(Self.shellRootfs)
        let ghost = try world.publish("ghost", tag: "1", rootfs: rootfs)
        try world.publish("child", tag: "1", rootfs: rootfs, extra: "etc/child", base: ghost, baseName: "ghost:1")
        let (result, report) = try await world.check(["child:1"])
        // Built on ghost:1's layers (a ✓), but ghost is no official image: the chain stops there.
        #expect(result.exitCode == 0, "\(result.output)")
        let warning = try #require(report.findings.first { $0.kind == "parent-unverified" }, "\(report.findings)")
        #expect(warning.severity == "warn" && warning.arch == "amd64")
        #expect(warning.message.contains("stops at ghost:1") && warning.message.contains("library/ghost"))
        #expect(report.platform("child", "1", "amd64")?.verified.contains { $0.contains("built on ghost:1") } == true)
    }

    @Test func forcePushedBranchIsInfoAndMovedTagIsAlert() async throws {
        let world = try await offPool { try SyntheticWorld() }
        let dockerfile = ["Dockerfile": "FROM scratch\nCMD [\"true\"]\n"]
        // forced: main = c1 → c2; the entry pins c1.
        let c1 = try world.commit("forced", files: dockerfile)
        let c2 = try world.commit("forced", files: ["NEWS": "two\n"])
        try world.upstreamGit("forced", ["push", "--quiet", "origin", "main"])
        // tagged: v1 → t1; the entry pins t1 through the tag.
        let t1 = try world.commit("tagged", files: dockerfile)
        let t2 = try world.commit("tagged", files: ["NEWS": "later\n"])
        try world.upstreamGit("tagged", ["tag", "v1", t1])
        try world.upstreamGit("tagged", ["push", "--quiet", "origin", "main", "v1"])
        try world.library(
            "forced", SyntheticWorld.libraryFile(repo: "forced", entries: [("1", "refs/heads/main", c1, "")]))
        try world.library(
            "tagged", SyntheticWorld.libraryFile(repo: "tagged", entries: [("1", "refs/tags/v1", t1, "")]))

        let (first, r1) = try await world.check(["forced", "tagged"], noRegistry: true)
        #expect(first.exitCode == 0, "\(first.output)")
        #expect(r1.findings.isEmpty, "\(r1.findings)")

        // main is rewritten (c2 replaced by c3, c1 kept); v1 moves to t2.
        try world.upstreamGit("forced", ["reset", "--quiet", "--hard", c1])
        let c3 = try world.commit("forced", files: ["NEWS": "rewritten\n"])
        try world.upstreamGit("forced", ["push", "--quiet", "--force", "origin", "main"])
        try world.upstreamGit("tagged", ["tag", "-f", "v1", t2])
        try world.upstreamGit("tagged", ["push", "--quiet", "--force", "origin", "v1"])

        let (second, r2) = try await world.check(["forced", "tagged"], noRegistry: true)
        #expect(second.exitCode == 1, "\(second.output)")
        #expect(r2.findings.count == 2, "\(r2.findings)")
        let branch = try #require(r2.findings.first { $0.image == "forced" })
        #expect(branch.kind == "upstream-rewritten" && branch.severity == "info")
        #expect(branch.expected == c2 && branch.actual == c3)
        #expect(branch.message.contains("refs/heads/main"))
        let tag = try #require(r2.findings.first { $0.image == "tagged" })
        #expect(tag.kind == "upstream-rewritten" && tag.severity == "alert")
        #expect(tag.expected == t1 && tag.actual == t2)
        #expect(tag.message.contains("refs/tags/v1"))
    }

    @Test func commitOutsideGitFetchIsCommitNotInRef() async throws {
        let world = try await offPool { try SyntheticWorld() }
        try world.commit("stray", files: ["Dockerfile": "FROM scratch\nCMD [\"true\"]\n"])
        try world.upstreamGit("stray", ["push", "--quiet", "origin", "main"])
        try world.upstreamGit("stray", ["checkout", "--quiet", "-b", "other"])
        let x = try world.commit("stray", files: ["Dockerfile": "FROM scratch\nCMD [\"false\"]\n"])
        try world.upstreamGit("stray", ["push", "--quiet", "origin", "other"])
        try world.library(
            "stray", SyntheticWorld.libraryFile(repo: "stray", entries: [("1", "refs/heads/main", x, "")]))

        let (result, report) = try await world.check(["stray:1"], noRegistry: true)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(report.images.first?.error == nil)
        #expect(report.findings.map(\.kind) == ["commit-not-in-ref"], "\(report.findings)")
        let f = try #require(report.findings.first)
        #expect(f.severity == "warn" && f.tag == "1" && f.arch == "amd64")
        #expect(f.expected == "refs/heads/main" && f.actual == x)
    }
}

@Suite struct ParentReferenceTests {
    @Test func theRepositoryOfAParentIsItsNameWithoutTagOrDigest() {
        #expect(ParentEvidence.repository(of: "alpine:3.20") == "alpine")
        #expect(ParentEvidence.repository(of: "localhost:5000/o/r:1") == "localhost:5000/o/r")
        #expect(ParentEvidence.repository(of: "localhost:5000/o/r") == "localhost:5000/o/r")
        #expect(
            ParentEvidence.repository(of: "ghcr.io/o/r:1@sha256:" + String(repeating: "a", count: 64)) == "ghcr.io/o/r")
    }

    @Test func onlyImagesOutsideTheLibraryStopTheChain() {
        #expect(!ParentEvidence.isExternal("alpine:3.20"))
        #expect(!ParentEvidence.isExternal("library/alpine:3.20"))
        #expect(ParentEvidence.isExternal("mcr.microsoft.com/windows/servercore:ltsc2022"))
        #expect(ParentEvidence.isExternal("redhat/ubi9"))
    }
}
