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
    /// followed once per run, whichever tags share it.
    func chain(under parent: String, arch: Architecture, libraryCommit: String?, depth: Int = 0) async -> [ChainLink] {
        let key = "\(parent)|\(arch.rawValue)|\(depth)"  // by depth too: a loop ends at chainDepth
        return
            (try? await chains.value(for: key) {
                await self.follow(parent, arch: arch, libraryCommit: libraryCommit, depth: depth)
            }) ?? [ChainLink(image: parent, arch: arch.rawValue, stop: "the chain could not be followed")]
    }

    private func follow(_ parent: String, arch: Architecture, libraryCommit: String?, depth: Int) async -> [ChainLink] {
        func stop(_ why: String) -> [ChainLink] { [ChainLink(image: parent, arch: arch.rawValue, stop: why)] }
        if ParentEvidence.isExternal(parent) {
            return stop("not an official image: how it was built cannot be checked here")
        }
        guard depth < Self.chainDepth else { return stop("more than \(Self.chainDepth) parents deep") }
        let written = parent.hasPrefix("library/") ? String(parent.dropFirst("library/".count)) : parent
        let name = ParentEvidence.repository(of: written)
        let tag = written.count > name.count ? String(written.dropFirst(name.count + 1)) : "latest"
        let file: LibraryFile
        do { file = try await library.file(name, at: libraryCommit) } catch {
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
        if let next = platform.observation.parent {
            return [link] + (await chain(under: next, arch: arch, libraryCommit: libraryCommit, depth: depth + 1))
        }
        link.base = platform.observation.source.builder == "oci-import" ? "oci-import layout" : "scratch"
        return [link]
    }
}
