import Foundation
import GitMirror
import Lint
import OfficialImages
import Registry
import TrackbotCore
import Verification

/// Gathers what the official-images CI rules look at, for some images at one official-images
/// commit: the library files (and those of the official images they build FROM), the
/// `.external-pins` they need, each architecture's FROMs from its upstream Dockerfile, whether
/// each GitCommit is in its GitFetch ref, the tarball changes in upstream history, and (unless
/// `--offline`) the architectures of pinned external images from the registry.
struct LintGathering: Sendable {
    let cache: MirrorCache
    /// official-images.
    let mirror: Mirror
    /// nil: the registry is not asked, and `registryNotAsked` says why.
    let registry: RegistryClient?
    var registryNotAsked = "the registry was not asked (--offline or --no-registry)"

    /// `base`: the pull request's merge base (naughty-commits reads from each entry's GitCommit
    /// there); nil reads each GitCommit's whole history, up to `NaughtyCommits.historyBound` commits.
    func facts(images: [String], at commit: String, base: String?) async throws -> LintFacts {
        var facts = LintFacts(libraryFiles: [:])
        for image in images {
            guard let file = try await libraryFile(image, at: commit) else {
                throw UsageError(
                    "library/\(image) does not exist in official-images at \(commit.prefix(7)): unknown image")
            }
            facts.libraryFiles[image] = file
            if let base, let old = try? await libraryFile(image, at: base) { facts.baseFiles[image] = old }
        }
        // Each upstream commit once: is it in its ref, and what does each Dockerfile build FROM.
        for image in images {
            for entry in facts.libraryFiles[image]!.entries {
                for arch in entry.architectures {
                    let source = entry.source(for: arch)
                    let key = UpstreamCommit(
                        gitRepo: source.gitRepo, gitFetch: source.gitFetch, gitCommit: source.gitCommit)
                    if facts.refChecks[key] == nil { facts.refChecks[key] = await refCheck(key) }
                    if facts.froms[source] == nil { facts.froms[source] = await froms(source) }
                }
            }
        }
        // The official images the FROMs name, and the pins of the external ones.
        let froms = Set(
            facts.froms.values.flatMap { fact -> [String] in
                if case .froms(let list) = fact { return list }
                return []
            }
        ).sorted()
        var lookedUp = Set<String>()  // library files read (or found missing) once, however many tags name them
        for from in froms where from != "scratch" {
            if from.contains("/") {
                let pin = NaughtyFrom.pinPath(from)
                guard facts.externalPins[pin] == nil,
                    let data = try? await mirror.blob(".external-pins/" + pin, at: commit)
                else { continue }
                var content = String(decoding: data, as: UTF8.self)
                while content.last == "\n" { content.removeLast() }
                facts.externalPins[pin] = content
                if let pinned = NaughtyFrom.pinnedReference(from, pins: facts.externalPins),
                    content.hasPrefix("sha256:")
                {
                    facts.externalArchitectures[pinned] = await architectures(pinned)
                }
            } else {
                let repo = String(from.prefix { $0 != ":" })
                if facts.libraryFiles[repo] == nil, lookedUp.insert(repo).inserted,
                    let file = try? await libraryFile(repo, at: commit)
                {
                    facts.libraryFiles[repo] = file
                }
            }
        }
        // Tarball changes in each range naughty-commits reads.
        for image in images {
            for (_, range) in NaughtyCommits.ranges(facts.libraryFiles[image]!, facts: facts)
            where facts.tarballHistories[range] == nil {
                facts.tarballHistories[range] = await tarballHistory(range)
            }
        }
        return facts
    }

    func libraryFile(_ image: String, at commit: String) async throws -> LibraryFile? {
        guard let data = try await PullRequestDiffs.file(mirror, image, at: commit) else { return nil }
        return try LibraryFileReader.read(
            bytes: [UInt8](data), name: image, path: "library/\(image)@\(commit.prefix(7))")
    }

    /// naughty-commits.sh's first test: fetch GitFetch, then `merge-base --is-ancestor`.
    func refCheck(_ key: UpstreamCommit) async -> RefFact {
        guard let commit = ObjectID(key.gitCommit) else {
            return .notInRef(refTip: "GitCommit \"\(key.gitCommit)\" is not a full commit id")
        }
        do {
            let check = try await cache.ensureCommit(commit, reachableFrom: key.gitFetch, of: key.gitRepo)
            switch check.status {
            case .reachable: return .inRef
            case .notReachable, .missing: return .notInRef(refTip: check.refTip.hex)
            }
        } catch MirrorError.refNotFound(_, let ref) {
            return .unfetchable("\(ref) is not advertised")
        } catch MirrorError.invalidRef(let ref, let reason) {
            return .unfetchable("\(ref): \(reason)")
        } catch {
            return .notChecked("\(error)")
        }
    }

    /// bashbrew's DockerFroms for one architecture (`oci-import` entries build from nothing).
    func froms(_ source: ArchitectureSource) async -> FromsFact {
        if source.builder == "oci-import" { return .froms(DockerFroms.ociImport) }
        let directory = source.directory.split(separator: "/").filter { $0 != "." && !$0.isEmpty }
        let path = (directory + [Substring(source.file)]).joined(separator: "/")
        let data: Data
        do {
            data = try await cache.mirror(source.gitRepo).blob(path, at: source.gitCommit)
        } catch MirrorError.pathNotFound {
            return .unreadable("\(path) is not in \(source.gitCommit.prefix(12)) of \(source.gitRepo)")
        } catch {
            return .notChecked("\(source.gitRepo) at \(source.gitCommit.prefix(12)) could not be read: \(error)")
        }
        do {
            return .froms(
                DockerFroms.of(try Dockerfile.parse([UInt8](data), path: path, resolvingArchitecturePins: false)))
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// What `bashbrew remote arches` says: the bashbrew architectures of the pinned index.
    func architectures(_ pinned: String) async -> ArchitecturesFact {
        guard let registry else { return .notChecked(registryNotAsked) }
        do {
            let published = try await registry.resolve(pinned)
            return .published(Set(published.platforms.compactMap(\.bashbrewArch)))
        } catch {
            return .notChecked("the registry did not answer: \(error)")
        }
    }

    /// The tarball changes from `range.commit` back to `range.since` (or the bounded whole history).
    func tarballHistory(_ range: TarballRange) async -> TarballHistoryFact {
        do {
            let upstream = try cache.mirror(range.gitRepo)
            guard (try? await upstream.resolve(range.commit)) != nil else {
                return .notChecked("\(range.commit.prefix(12)) could not be fetched")
            }
            // A previous commit the mirror no longer has (a rewritten branch): read the bounded history.
            let since: String? = if let s = range.since, (try? await upstream.resolve(s)) != nil { s } else { nil }
            let walk = try await upstream.pathChanges(
                containing: ".tar", from: since, to: range.commit, limit: NaughtyCommits.historyBound)
            return .walked(
                changes: walk.changes.map {
                    TarballChange(
                        commit: $0.commit.hex, summary: $0.summary, path: $0.path, isBinary: $0.isBinary, size: $0.size)
                }, visited: walk.visited, truncated: walk.truncated)
        } catch {
            return .notChecked("\(error)")
        }
    }
}
