import OfficialImages

/// naughty.sh's `latest` check (`grep -E ':.+latest.*|:.*latest.+'` over `bashbrew list`): a tag
/// or shared tag that contains `latest` must be exactly `latest` (no `latest-alpine`, `1-latest`).
public enum LatestTag {
    public static func isMisformatted(_ tag: String) -> Bool { tag != "latest" && tag.contains("latest") }

    static func check(_ file: LibraryFile) -> [LintProblem] {
        file.entries.flatMap { entry in
            entry.allTags.filter(isMisformatted).map { tag in
                LintProblem(
                    rule: .latestTag, image: file.name, line: entry.line, tag: tag,
                    message: "tag \(tag): only the tag `latest` may contain \"latest\"",
                    fix:
                        "rename \(tag) (e.g. drop the \"latest\" part; see official-images' README, \"Tags and aliases\")"
                )
            }
        }
    }
}
