import OfficialImages

/// naughty-constraints.sh: an entry's `Constraints` must be exactly what its FROM images need,
/// over all its architectures. An official FROM image's entry gives its own constraints; a
/// Microsoft image gives `windowsservercore[-TAG]` or `nanoserver[-TAG]` (no suffix for `latest`).
public enum NaughtyConstraints {
    enum Expected {
        case constraints([String])
        /// A Microsoft image the script does not know (it stops with "unknown Windows image").
        case unknownWindowsImage
    }

    /// The constraint a Windows base image asks for, as `_windows_constraint` maps it.
    public static func windowsConstraint(_ from: String) -> String? {
        let repo = from.lastIndex(of: ":").map { String(from[..<$0]) } ?? from
        let tag = from.hasPrefix(repo + ":") ? String(from.dropFirst(repo.count + 1)) : from
        var constraint: String
        switch repo {
        case "mcr.microsoft.com/windows/nanoserver", "microsoft/nanoserver": constraint = "nanoserver"
        case "mcr.microsoft.com/windows/servercore", "microsoft/windowsservercore": constraint = "windowsservercore"
        default: return nil
        }
        if tag != "latest" { constraint += "-" + tag }
        return constraint
    }

    static func expected(_ from: String, facts: LintFacts) -> Expected {
        if !OfficialLookup.isExternal(from),
            case .entry(_, let entry) = OfficialLookup.find(from, in: facts.libraryFiles),
            !entry.constraints.isEmpty
        {
            return .constraints(entry.constraints)
        }
        if from.contains("microsoft") {
            guard let constraint = windowsConstraint(from) else { return .unknownWindowsImage }
            return .constraints([constraint])
        }
        return .constraints([])
    }

    static func check(_ file: LibraryFile, facts: LintFacts) -> ([LintProblem], [LintNotChecked]) {
        var problems: [LintProblem] = []
        var unchecked: [LintNotChecked] = []
        for entry in file.entries {
            let have = Set(entry.constraints)
            var missing: [String: [String]] = [:]  // constraint → the FROMs that need it
            var missingOrder: [String] = []
            var extra: Set<String> = []
            var froms: [String] = []
            var unknown: [String] = []
            var skipped: [String] = []
            for arch in entry.architectures {
                guard case .froms(let list)? = facts.froms[entry.source(for: arch)] else {
                    skipped.append(arch.rawValue)
                    continue
                }
                var expected: Set<String> = []
                for from in list {
                    if !froms.contains(from) { froms.append(from) }
                    switch self.expected(from, facts: facts) {
                    case .unknownWindowsImage:
                        if !unknown.contains(from) { unknown.append(from) }
                    case .constraints(let needed):
                        for c in needed {
                            expected.insert(c)
                            if !have.contains(c) {
                                if missing[c] == nil { missingOrder.append(c) }
                                if !(missing[c]?.contains(from) ?? false) { missing[c, default: []].append(from) }
                            }
                        }
                    }
                }
                extra.formUnion(have.subtracting(expected))
            }
            let location = (image: file.name, line: entry.line, tag: entry.firstTag)
            for from in unknown {
                problems.append(
                    LintProblem(
                        rule: .naughtyConstraints, image: location.image, line: location.line, tag: location.tag,
                        from: from,
                        message: "FROM \(from): unknown Windows image (naughty-constraints.sh stops here)",
                        fix: "build FROM mcr.microsoft.com/windows/servercore or mcr.microsoft.com/windows/nanoserver"))
            }
            for c in missingOrder {
                let by = missing[c]!
                problems.append(
                    LintProblem(
                        rule: .naughtyConstraints, image: location.image, line: location.line, tag: location.tag,
                        architectures: entry.architectures.map(\.rawValue), from: by.joined(separator: ", "),
                        message: "missing constraint \(c) (FROM \(by.joined(separator: ", ")))",
                        fix: "add \(c) to the entry's Constraints"))
            }
            for c in extra.sorted() {
                problems.append(
                    LintProblem(
                        rule: .naughtyConstraints, image: location.image, line: location.line, tag: location.tag,
                        architectures: entry.architectures.map(\.rawValue),
                        from: froms.isEmpty ? nil : froms.joined(separator: ", "),
                        message:
                            "extra constraint \(c): no FROM image asks for it (FROM \(froms.joined(separator: ", ")))",
                        fix: "remove \(c) from the entry's Constraints"))
            }
            if !skipped.isEmpty {
                unchecked.append(
                    LintNotChecked(
                        rule: .naughtyConstraints, image: location.image, line: location.line, tag: location.tag,
                        architectures: skipped, reason: "the FROMs of these architectures are not known"))
            }
        }
        return (problems, unchecked)
    }
}
