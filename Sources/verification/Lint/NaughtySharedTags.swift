import OfficialImages

/// naughty-sharedtags.sh: the entries sharing a tag must not give one architecture twice
/// (a client pulling the shared tag would get only one of them). `windows-amd64` may repeat:
/// several Windows versions under one shared tag is what shared tags are for.
public enum NaughtySharedTags {
    static func check(_ file: LibraryFile) -> [LintProblem] {
        var problems: [LintProblem] = []
        var order: [String] = []
        var holders: [String: [Entry]] = [:]
        for entry in file.entries {
            for tag in entry.sharedTags {
                if holders[tag] == nil { order.append(tag) }
                holders[tag, default: []].append(entry)
            }
        }
        for tag in order {
            var first: [String: Entry] = [:]  // architecture → the entry that gave it first
            for entry in holders[tag]! {
                var repeated: [String] = []
                var earlier: [String] = []
                for arch in entry.architectures.map(\.rawValue) where arch != "windows-amd64" {
                    if let before = first[arch] {
                        repeated.append(arch)
                        if !earlier.contains(before.firstTag) { earlier.append(before.firstTag) }
                    } else {
                        first[arch] = entry
                    }
                }
                guard !repeated.isEmpty else { continue }
                problems.append(
                    LintProblem(
                        rule: .naughtySharedTags, image: file.name, line: entry.line, tag: tag,
                        architectures: repeated,
                        message:
                            "shared tag \(tag) gives \(repeated.joined(separator: ", ")) twice: here (\(entry.firstTag)) and in \(earlier.joined(separator: ", "))",
                        fix:
                            "keep \(tag) on one entry per architecture: drop it from this entry's SharedTags, or drop \(repeated.joined(separator: ", ")) from one of the entries"
                    ))
            }
        }
        return problems
    }
}
