import OfficialImages
import TrackbotCore

/// naughty-from.sh: for each architecture of each entry, every image its Dockerfile builds FROM
/// must exist for that architecture. `scratch` is fine except on Windows; an external image
/// (one with a `/`) must be pinned in `.external-pins/` and publish the architecture; an official
/// image must have an entry for the tag that lists the architecture. On riscv64, Ubuntu newer
/// than 25.04 is refused (RVA23).
public enum NaughtyFrom {
    /// Why one FROM fails on some architectures (the words take the architectures in).
    enum Reason: Hashable {
        case ubuntuRVA23(normalized: String)
        case variableInFrom
        case windowsScratch
        case unpinned(pin: String)
        case pinNotDigest(pin: String, content: String)
        case externalLacksArchitecture(pinned: String, published: [String])
        case noLibraryFile(repo: String)
        case noSuchTag(repo: String, tag: String)
        case officialLacksArchitecture(repo: String, line: Int, has: [String])
        case unreadable(String)
    }

    enum Verdict: Hashable {
        case nice
        case naughty(Reason)
        case notChecked(String)
    }

    /// The `.external-pins/` file for `repo/x:tag` (the first `:` becomes `___`, as list.sh says).
    public static func pinPath(_ reference: String) -> String {
        guard let colon = reference.firstIndex(of: ":") else { return reference }
        return reference[..<colon] + "___" + reference[reference.index(after: colon)...]
    }

    /// The reference naughty-from asks the registry about for a pinned external FROM:
    /// `repo/x:tag@<pinned digest>`; nil when it is not pinned.
    public static func pinnedReference(_ from: String, pins: [String: String]) -> String? {
        guard OfficialLookup.isExternal(from), let digest = pins[pinPath(from)], !digest.isEmpty else { return nil }
        return from + "@" + digest
    }

    static func judge(_ from: String, arch: String, facts: LintFacts) -> Verdict {
        // bashbrew does not substitute ARGs in FROM: its CI looks this name up as written.
        if from.contains("$") { return .naughty(.variableInFrom) }
        if arch == "riscv64" && from.hasPrefix("ubuntu:") {
            let normalized: String
            if case .entry(_, let entry) = OfficialLookup.find(from, in: facts.libraryFiles) {
                normalized = "ubuntu:" + entry.firstTag
            } else {
                normalized = ""
            }
            let tag = normalized.dropFirst("ubuntu:".count)
            let fine =
                ["22.04", "24.04", "25.04"].contains(tag) || tag.hasPrefix("jammy") || tag.hasPrefix("noble")
                || tag.hasPrefix("plucky")
            if !fine { return .naughty(.ubuntuRVA23(normalized: normalized.isEmpty ? from : normalized)) }
        }
        if from == "scratch" { return arch.hasPrefix("windows-") ? .naughty(.windowsScratch) : .nice }
        if OfficialLookup.isExternal(from) {
            let pin = pinPath(from)
            guard let digest = facts.externalPins[pin], !digest.isEmpty else { return .naughty(.unpinned(pin: pin)) }
            guard digest.hasPrefix("sha256:") else { return .naughty(.pinNotDigest(pin: pin, content: digest)) }
            let pinned = from + "@" + digest
            switch facts.externalArchitectures[pinned] {
            case .published(let arches)?:
                return arches.contains(arch)
                    ? .nice : .naughty(.externalLacksArchitecture(pinned: pinned, published: arches.sorted()))
            case .notChecked(let reason)?:
                return .notChecked("\(pinned): \(reason)")
            case nil:
                return .notChecked("\(pinned): the registry was not asked")
            }
        }
        switch OfficialLookup.find(from, in: facts.libraryFiles) {
        case .noLibraryFile(let repo): return .naughty(.noLibraryFile(repo: repo))
        case .noSuchTag(let repo, let tag): return .naughty(.noSuchTag(repo: repo, tag: tag))
        case .entry(let file, let entry):
            return entry.architectures.contains { $0.rawValue == arch }
                ? .nice
                : .naughty(
                    .officialLacksArchitecture(
                        repo: file.name, line: entry.line, has: entry.architectures.map(\.rawValue)))
        }
    }

    static func check(_ file: LibraryFile, facts: LintFacts) -> ([LintProblem], [LintNotChecked]) {
        var problems: [LintProblem] = []
        var unchecked: [LintNotChecked] = []
        for entry in file.entries {
            // (FROM, reason) → architectures, in the order met.
            var naughty: [(from: String, reason: Reason, arches: [String])] = []
            var skipped: [(from: String?, reason: String, arches: [String])] = []
            var hasNice = false
            for architecture in entry.architectures {
                let arch = architecture.rawValue
                let froms: [String]
                switch facts.froms[entry.source(for: architecture)] {
                case .froms(let list)?: froms = list
                case .unreadable(let why)?:
                    add(&naughty, from: "", reason: .unreadable(why), arch: arch)
                    continue
                case .notChecked(let why)?:
                    addSkip(&skipped, from: nil, reason: why, arch: arch)
                    continue
                case nil:
                    addSkip(&skipped, from: nil, reason: "the Dockerfile was not read", arch: arch)
                    continue
                }
                for from in froms {
                    switch judge(from, arch: arch, facts: facts) {
                    case .nice: hasNice = true
                    case .naughty(let reason): add(&naughty, from: from, reason: reason, arch: arch)
                    case .notChecked(let why): addSkip(&skipped, from: from, reason: why, arch: arch)
                    }
                }
            }
            let allNaughty = !hasNice && skipped.isEmpty && !naughty.isEmpty
            for n in naughty {
                var (message, fix) = words(n.reason, from: n.from, arches: n.arches)
                if allNaughty && !n.from.isEmpty { message += "; no architecture of this entry has a supported base" }
                problems.append(
                    LintProblem(
                        rule: .naughtyFrom, image: file.name, line: entry.line, tag: entry.firstTag,
                        architectures: n.arches, from: n.from.isEmpty ? nil : n.from, message: message, fix: fix))
            }
            for s in skipped {
                unchecked.append(
                    LintNotChecked(
                        rule: .naughtyFrom, image: file.name, line: entry.line, tag: entry.firstTag,
                        architectures: s.arches, from: s.from, reason: s.reason))
            }
        }
        return (problems, unchecked)
    }

    private static func add(
        _ list: inout [(from: String, reason: Reason, arches: [String])], from: String, reason: Reason, arch: String
    ) {
        if let i = list.firstIndex(where: { $0.from == from && $0.reason == reason }) {
            list[i].arches.append(arch)
        } else {
            list.append((from, reason, [arch]))
        }
    }

    private static func addSkip(
        _ list: inout [(from: String?, reason: String, arches: [String])], from: String?, reason: String, arch: String
    ) {
        if let i = list.firstIndex(where: { $0.from == from && $0.reason == reason }) {
            list[i].arches.append(arch)
        } else {
            list.append((from, reason, [arch]))
        }
    }

    static func words(_ reason: Reason, from: String, arches: [String]) -> (message: String, fix: String) {
        let list = arches.joined(separator: ", ")
        let drop = "drop \(list) from Architectures or use a base that has \(arches.count == 1 ? "it" : "them")"
        switch reason {
        case .ubuntuRVA23(let normalized):
            return (
                "FROM \(from) (\(normalized)) on riscv64: DOI cannot support riscv64 on Ubuntu 25.10+, which needs RVA23 hardware that does not exist yet",
                "drop riscv64 from Architectures, or build FROM Ubuntu 22.04, 24.04 or 25.04"
            )
        case .variableInFrom:
            return (
                "FROM \(from) [\(list)]: bashbrew reads FROM without ARG substitution, so official-images CI looks for an image literally named \(from) and fails (docker would substitute it; trackbot follows bashbrew here)",
                "write the image name in FROM; ARG values are not substituted by bashbrew"
            )
        case .windowsScratch:
            return (
                "FROM scratch on \(list): Windows images cannot start from scratch",
                "build FROM a pinned mcr.microsoft.com/windows/servercore or nanoserver image"
            )
        case .unpinned(let pin):
            return (
                "FROM \(from) [\(list)]: an external image that is not pinned (.external-pins/\(pin) does not exist at the ref)",
                "pin it: add .external-pins/\(pin) holding the image's digest (official-images' .external-pins/update.sh), or build FROM an official image"
            )
        case .pinNotDigest(let pin, let content):
            return (
                "FROM \(from) [\(list)]: .external-pins/\(pin) holds \"\(content.prefix(80))\", not a sha256: digest",
                "write the image's sha256: digest into .external-pins/\(pin)"
            )
        case .externalLacksArchitecture(let pinned, let published):
            return (
                "FROM \(from) [\(list)]: the pinned image \(pinned) publishes no \(list) image (it has \(published.isEmpty ? "none" : published.joined(separator: ", ")))",
                drop
            )
        case .noLibraryFile(let repo):
            return (
                "FROM \(from) [\(list)]: no official image library/\(repo) at the ref",
                "build FROM an official image, or pin an external one in .external-pins/"
            )
        case .noSuchTag(let repo, let tag):
            return (
                "FROM \(from) [\(list)]: library/\(repo) has no tag \(tag) at the ref",
                "build FROM a tag library/\(repo) has"
            )
        case .officialLacksArchitecture(let repo, let line, let has):
            return (
                "FROM \(from) [\(list)]: library/\(repo):\(line) does not build \(list) (it has \(has.joined(separator: ", ")))",
                drop
            )
        case .unreadable(let why):
            return (
                "the Dockerfile of \(list) cannot be read (naughty.sh's `bashbrew from` fails): \(why)",
                "check GitCommit, Directory and File of \(list)"
            )
        }
    }
}
