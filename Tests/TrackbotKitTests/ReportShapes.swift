import Foundation
import OfficialImages
import TrackbotCore
import Tracking

/// Check reports built by hand for the grouped text and Markdown reports: small ones for each
/// rule, and one shaped like `check node` (18 library entries, up to ten tags each).
enum ReportShapes {
    static func digest(_ n: Int) -> Digest {
        let hex = String(n, radix: 16)
        return try! Digest(algorithm: .sha256, hex: String(repeating: "e", count: 64 - hex.count) + hex)
    }

    static func commit(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "c", count: 40 - hex.count) + hex
    }

    static func source(
        _ directory: String, commit: String = commit(7), repo: String = "https://github.com/nodejs/docker-node.git"
    )
        -> ArchitectureSource
    {
        ArchitectureSource(
            gitRepo: repo, gitFetch: "refs/heads/main", gitCommit: commit, directory: directory, file: "Dockerfile",
            builder: "buildkit")
    }

    static func platform(
        _ arch: String, digest: Digest?, directory: String, worst: Severity? = nil, previous: Digest? = nil,
        status: PlatformCheck = .verified, repo: String = "https://github.com/nodejs/docker-node.git"
    ) -> PlatformReport {
        PlatformReport(
            arch: arch, platform: "linux/\(arch)", source: source(directory, repo: repo), digest: digest,
            previousDigest: previous, expectedDigest: nil, parent: nil, parentDigest: nil,
            verified: status == .verified
                ? [.provenanceAnnotations, .trustedDigest(digest ?? Self.digest(0), since: "2026-12-01T00:00:00Z")]
                : [],
            worst: worst, status: status)
    }

    static func tag(
        _ tag: String, entry: [String], index: Digest?, platforms: [PlatformReport], previousIndex: Digest? = nil
    ) -> TagReport {
        TagReport(
            tag: tag, entryTags: entry, indexDigest: index, previousIndexDigest: previousIndex, platforms: platforms,
            notes: [])
    }

    static func finding(
        _ kind: FindingKind, _ severity: Severity, image: String = "node", tag: String?, arch: String?,
        _ message: String
    ) -> Finding {
        var f = Finding(kind: kind, severity: severity, image: image, tag: tag, arch: arch, message: message)
        if severity == .alert {
            f.alertStatus = .open
            f.openSince = "2026-12-01T00:00:00Z"
        }
        return f
    }

    /// One entry of `tags`, published on `arches`, each platform's digest from `seed`.
    static func entry(
        _ tags: [String], arches: [String], seed: Int, directory: String, changed: Bool = false,
        worst: [String: Severity] = [:]
    ) -> [TagReport] {
        let platforms = arches.enumerated().map { i, arch in
            platform(
                arch, digest: digest(seed * 100 + i + 1), directory: directory, worst: worst[arch],
                previous: changed ? digest(seed * 100 + i + 51) : nil)
        }
        return tags.map {
            tag(
                $0, entry: tags, index: digest(seed * 100), platforms: platforms,
                previousIndex: changed ? digest(seed * 100 + 50) : nil)
        }
    }

    static let debian = ["amd64", "arm32v7", "arm64v8", "ppc64le", "s390x"]
    static let alpine = ["amd64", "arm64v8"]

    /// Like `check node`: 18 entries with 2 to 10 tags, published for five or two architectures;
    /// every tag warns that its parent is not checked (the same words on all 80), each of the 55 Debian
    /// tag's arm32v7 warns the same, and one entry has a digest-drift alert on every tag.
    static func nodeShaped(changed: Bool = false) -> ImageReport {
        let sizes = [10, 8, 8, 6, 6, 6, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2]
        var tags: [TagReport] = []
        var findings: [Finding] = []
        for (n, size) in sizes.enumerated() {
            let isAlpine = n % 3 == 2
            let major = 18 + 2 * (n / 6)
            let variant = isAlpine ? "alpine3.20" : ["bookworm", "bookworm-slim"][n % 3]
            let names = (0..<size).map { i in
                i == 0
                    ? "\(major).\(n).0-\(variant)"
                    : i == 1 ? "\(major).\(n)-\(variant)" : "\(major).\(n)-\(variant)-\(i)"
            }
            let drift = n == 4
            let entry = entry(
                names, arches: isAlpine ? alpine : debian, seed: n + 1, directory: "\(major)/\(variant)",
                changed: changed && n % 2 == 0, worst: drift ? ["amd64": .alert] : ["amd64": .warn, "arm32v7": .warn])
            tags += entry
            for t in names {
                findings.append(
                    finding(
                        .parentUnverified, .warn, tag: t, arch: "amd64",
                        "the parent buildpack-deps is not checked: its library entry could not be read"))
                if !isAlpine {
                    findings.append(
                        finding(
                            .platformMismatch, .warn, tag: t, arch: "arm32v7",
                            "the index lists linux/arm/v7 without its variant in the config (bashbrew arm32v7)"))
                }
                if drift {
                    findings.append(
                        finding(
                            .digestDrift, .alert, tag: t, arch: "amd64",
                            "the published amd64 digest changed with no change in the library entry"))
                }
            }
        }
        return ImageReport(name: "node", libraryCommit: commit(99), tags: tags, findings: findings)
    }

    /// The line count of the report as it was before grouping: every tag its own block, every
    /// platform and finding repeated under each tag (the layout of `check` until issue 15).
    static func ungroupedLineCount(_ r: CheckReport) -> Int {
        var n = 0
        for image in r.images {
            n += 1 + (image.error == nil ? 0 : 1)
            for tag in image.tags {
                n += 1 + (tag.indexDigest == nil ? 0 : 1) + tag.notes.count
                for p in tag.platforms {
                    n += 1 + p.verified.count
                    n += image.findings.filter { $0.tag == tag.tag && $0.arch == p.arch }.count
                }
                n += image.findings.filter { $0.tag == tag.tag && $0.arch == nil }.count
            }
            n += image.findings.filter { f in f.tag == nil || !image.tags.contains { $0.tag == f.tag } }.count
            n += image.notes.count
        }
        var changes = 0
        for image in r.images {
            for tag in image.tags {
                if let o = tag.previousIndexDigest, let m = tag.indexDigest, o != m { changes += 1 }
                changes += tag.platforms.filter { p in p.previousDigest.map { $0 != p.digest } ?? false }.count
            }
        }
        return n + (changes > 0 ? changes + 2 : 0) + 2
    }
}

extension ReportShapes {
    /// The example of docs/reports.md: two alpine entries of node, a drift on one, a parent
    /// not checked on both, an upstream tag pattern.
    static func docsExample() -> CheckReport {
        let a = ["22.11.0-alpine3.20", "22-alpine3.20", "22-alpine", "lts-alpine"]
        let b = ["20.18.0-alpine3.20", "20-alpine", "iron-alpine"]
        var first = entry(a, arches: alpine, seed: 0x22, directory: "22/alpine3.20", worst: ["amd64": .alert])
        for i in first.indices { first[i].platforms[0].previousDigest = digest(0x2299) }
        let second = entry(b, arches: alpine, seed: 0x20, directory: "20/alpine3.20", worst: ["amd64": .warn])
        let drift = "the published amd64 digest changed with no change in the library entry and none in its parent"
        let parent = "the parent alpine:3.20 is not checked: library/alpine was not read at this commit"
        let findings =
            a.map { finding(.digestDrift, .alert, tag: $0, arch: "amd64", drift) }
            + (a + b).map { finding(.parentUnverified, .warn, tag: $0, arch: "amd64", parent) }
            + [finding(.upstreamAhead, .info, tag: b[0], arch: nil, #"v20.18.1 matches ^v(\d+)\.(\d+)\.(\d+)$"#)]
        return CheckReport(images: [
            ImageReport(name: "node", libraryCommit: commit(0x5eed), tags: first + second, findings: findings)
        ])
    }
}
