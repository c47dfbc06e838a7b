import OfficialImages
import TrackbotCore

/// The tags of one library entry are one build, so each architecture must publish one digest
/// under all of them. Different digests mean a partial re-push (or a tag moved by hand): a user
/// pinning `node:22` and one pinning `node:22.11` then run different images.
public enum AliasAgreement {
    /// `alias-mismatch` findings for the entries of `file`. `published`: per tag this run read
    /// from the registry (fetched, or confirmed unchanged by a HEAD), the platform digest per
    /// bashbrew architecture. Tags not in it are not compared: a partial run says nothing about
    /// the tags it did not check. A shared tag counts only when it belongs to this entry alone
    /// (a shared tag spanning entries is one index combining them).
    public static func findings(image: String, file: LibraryFile, published: [String: [String: Digest]]) -> [Finding] {
        var out: [Finding] = []
        for entry in file.entries {
            let aliases =
                entry.tags + entry.sharedTags.filter { file.entries(for: $0).count == 1 }
            for arch in entry.architectures.map(\.rawValue) {
                let seen = aliases.compactMap { tag in published[tag]?[arch].map { (tag: tag, digest: $0) } }
                guard Set(seen.map(\.digest)).count > 1 else { continue }
                // The digest most of the aliases publish is the one the others disagree with.
                let counts = Dictionary(grouping: seen, by: \.digest)
                let common = seen.map(\.digest).max { a, b in
                    (counts[a]!.count, b.description) < (counts[b]!.count, a.description)
                }!
                let odd = seen.filter { $0.digest != common }
                let listing = seen.map { "\(image):\($0.tag) → \($0.digest)" }.joined(separator: ", ")
                out.append(
                    Finding(
                        kind: .aliasMismatch, severity: .warn, image: image, tag: odd[0].tag, arch: arch,
                        message:
                            "the tags of library/\(image):\(entry.line) are one build but publish different \(arch) images: \(listing). A partial re-push? Pull by digest until the registry agrees again.",
                        expected: common.description,
                        actual: Array(Set(odd.map(\.digest.description))).sorted().joined(separator: ", ")))
            }
        }
        return out
    }
}
