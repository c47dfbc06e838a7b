import OfficialImages
import Registry
import TrackbotCore
import Tracking

extension CheckPipeline {
    /// How deep a chain is followed (official images are two or three deep; a loop stops here).
    static let chainDepth = 8

    /// The chain under `parent` for `arch`: the parent checked as its own library entry says
    /// (its source verified, its published platform, its layers against its own parent), then
    /// what it is built on, down to `FROM scratch` or an oci-import layout. Each parent is
    /// checked once per run and architecture, whichever tags and chains share it, at any depth.
    func chain(under parent: String, arch: Architecture, libraryCommit: String?) async -> [ChainLink] {
        var chain: [ChainLink] = []
        var next: String? = parent
        while let current = next {
            // Checked before each parent, so a loop ends here.
            if !ParentEvidence.isExternal(current) && chain.count >= Self.chainDepth {
                chain.append(
                    ChainLink(image: current, arch: arch.rawValue, stop: "more than \(Self.chainDepth) parents deep"))
                break
            }
            let key = "\(current)|\(arch.rawValue)"
            let (link, parent) =
                (try? await chains.value(for: key) {
                    await self.follow(current, arch: arch, libraryCommit: libraryCommit)
                }) ?? (ChainLink(image: current, arch: arch.rawValue, stop: "the chain could not be followed"), nil)
            chain.append(link)
            next = parent
        }
        return chain
    }

    /// One link: `parent` checked for `arch`, and the parent it is built on (nil at the root).
    private func follow(_ parent: String, arch: Architecture, libraryCommit: String?) async -> (ChainLink, String?) {
        func stop(_ why: String) -> (ChainLink, String?) {
            (ChainLink(image: parent, arch: arch.rawValue, stop: why), nil)
        }
        if ParentEvidence.isExternal(parent) {
            return stop("not an official image: how it was built cannot be checked here")
        }
        let written = parent.hasPrefix("library/") ? String(parent.dropFirst("library/".count)) : parent
        let name = ParentEvidence.repository(of: written)
        let tag = written.count > name.count ? String(written.dropFirst(name.count + 1)) : "latest"
        let file: LibraryFile
        do { file = try await libraryFile(name, at: libraryCommit) } catch {
            return stop("library/\(name): \(error)")
        }
        let entries = file.entries(for: tag).filter { $0.architectures.contains(arch) }
        guard !entries.isEmpty else { return stop("library/\(name) has no tag \(tag) for \(arch.rawValue)") }
        let target = Target(image: name, tags: [tag], architectures: [arch])
        let sources = await SourceEvidence.gather(
            tag: tag, entries: entries, target: target, verification: verification, registry: registry)
        guard let platform = sources.platforms.first else { return stop("library/\(name):\(tag) lists no \(arch)") }
        var index: PublishedIndex?
        var problems: [String] = []
        if let registry {
            // The same lookup (and cache) as the child's parent digest: one resolve per parent a run.
            do { index = PublishedIndex(try await registry.parentImage(parent)) } catch RegistryError.notFound {
                problems.append("\(name):\(tag) is not published")
            } catch {
                problems.append("registry: \(error)")
            }
        }
        let parents = await ParentEvidence.gather(
            image: name, tag: tag, sources: sources, index: index, registry: registry, previous: nil)
        let key = arch.rawValue
        problems += [platform.failure, parents.failures[key]].compactMap { $0 }
        problems += (sources.findings + parents.findings).filter { $0.severity >= .warn }.map(\.message)
        var link = ChainLink(
            image: "\(name):\(tag)", arch: key, digest: index?.platform(arch)?.digest,
            source: platform.observation.source, verified: platform.verified + (parents.verified[key] ?? []),
            problems: problems)
        if let next = platform.observation.parent { return (link, next) }
        link.base = platform.observation.source.builder == "oci-import" ? "oci-import layout" : "scratch"
        return (link, nil)
    }
}
