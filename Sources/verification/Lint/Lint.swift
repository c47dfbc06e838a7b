import OfficialImages

/// The official-images CI rules over gathered facts: pure, so each rule is tested with facts in
/// and problems out. `LintCommand` (app) gathers the facts.
public enum Lint {
    /// Runs `rules` over the library files of `images` (each must be in `facts.libraryFiles`).
    public static func check(_ images: [String], facts: LintFacts, rules: Set<LintRule> = Set(LintRule.allCases))
        -> LintResult
    {
        var problems: [LintProblem] = []
        var unchecked: [LintNotChecked] = []
        var notes: [String] = []
        var entries = 0
        var tags = 0
        for image in images {
            guard let file = facts.libraryFiles[image] else {
                unchecked += rules.sorted().map {
                    LintNotChecked(rule: $0, image: image, line: 0, tag: "", reason: "library/\(image) was not read")
                }
                continue
            }
            entries += file.entries.count
            tags += file.entries.reduce(0) { $0 + $1.allTags.count }
            if rules.contains(.latestTag) { problems += LatestTag.check(file) }
            if rules.contains(.naughtySharedTags) { problems += NaughtySharedTags.check(file) }
            if rules.contains(.naughtyFrom) {
                let (p, u) = NaughtyFrom.check(file, facts: facts)
                problems += p
                unchecked += u
            }
            if rules.contains(.naughtyConstraints) {
                let (p, u) = NaughtyConstraints.check(file, facts: facts)
                problems += p
                unchecked += u
            }
            if rules.contains(.commitNotInRef) || rules.contains(.naughtyCommits) {
                let (p, u, n) = NaughtyCommits.check(file, facts: facts, rules: rules)
                problems += p
                unchecked += u
                notes += n.filter { !notes.contains($0) }
            }
        }
        // File order within an image, rules in their order at one line.
        let order = Dictionary(images.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func key(_ image: String, _ line: Int, _ rule: LintRule) -> (Int, Int, Int) {
            (order[image] ?? 0, line, LintRule.allCases.firstIndex(of: rule)!)
        }
        let sortedProblems = problems.enumerated().sorted {
            let a = key($0.element.image, $0.element.line, $0.element.rule)
            let b = key($1.element.image, $1.element.line, $1.element.rule)
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
        return LintResult(
            images: images, rules: rules.sorted(), entries: entries, tags: tags, problems: sortedProblems,
            notChecked: unchecked, notes: notes)
    }
}
