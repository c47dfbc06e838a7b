import Foundation

/// Resolves, for each bashbrew architecture, the downloads a Dockerfile's `RUN`s would make and
/// how each is checked: every script is followed as a shell would for that architecture
/// (`ShellEvaluation`, with the stage's `ENV`/`ARG` values), then each download is matched by file
/// name with its `sha256sum -c` check, the checksum list it is looked up in, and the `gpg` run over
/// it or over that list.
enum PinResolver {
    struct Script {
        var instruction: DockerfileInstruction
        var variables: [String: String]
    }

    /// Empty when no `RUN` fetches anything.
    static func resolve(_ scripts: [Script]) -> [ArchitecturePins] {
        let parsed = scripts.compactMap { s -> (Script, [ShellNode])? in
            guard s.instruction.json == nil else { return nil }  // the exec form runs no shell
            var texts = s.instruction.heredocs.map(\.content)
            if !s.instruction.arguments.trimmingCharacters(in: .whitespaces).hasPrefix("<<") {
                texts.insert(s.instruction.arguments, at: 0)
            }
            let nodes = texts.map(ShellScript.parse)
            return (s, nodes)
        }
        var result: [ArchitecturePins] = []
        for arch in ArchitectureShellNames.linux {
            guard let names = ArchitectureShellNames(arch) else { continue }
            var pins = ArchitecturePins(architecture: arch, unsupported: nil, downloads: [])
            for (script, nodes) in parsed {
                for node in nodes {
                    let expansion = ShellExpansion(
                        variables: script.variables, assignedSomewhere: ShellEvaluation.assignedNames(node),
                        names: names)
                    var evaluation = ShellEvaluation(expansion: expansion)
                    evaluation.run(node)
                    pins.downloads += downloads(evaluation.facts, instruction: script.instruction)
                    if evaluation.facts.incomplete { pins.incomplete = true }
                    if let message = evaluation.facts.unsupported, pins.unsupported == nil {
                        pins.unsupported = .init(message: message, line: script.instruction.line)
                    }
                }
                if pins.unsupported != nil { break }
            }
            result.append(pins)
        }
        return result.contains { !$0.downloads.isEmpty } ? result : []
    }

    /// Each fetched file that is not itself a signature or checksum list, with its check.
    static func downloads(_ facts: ShellFacts, instruction: DockerfileInstruction) -> [PinnedDownload] {
        let keys = facts.keys
        func fetch(named name: String) -> ShellFacts.Fetch? {
            let base = TreePath.base(name)
            return facts.fetches.first { $0.file == base }
        }
        func signature(over file: String) -> PinnedSignature? {
            let base = TreePath.base(file)
            for s in facts.signatures {
                let signed =
                    s.data.map(TreePath.base) ?? s.output.map(TreePath.base)
                    ?? (s.signature.hasSuffix(".asc") || s.signature.hasSuffix(".sig")
                        ? String(TreePath.base(s.signature).dropLast(4)) : nil)
                guard signed == base else { continue }
                return PinnedSignature(
                    url: fetch(named: s.signature)?.url, signs: base, clearsigned: s.output != nil && s.data == nil,
                    keys: keys)
            }
            return nil
        }
        var auxiliary = Set(facts.signatures.map { TreePath.base($0.signature) })
        auxiliary.formUnion(facts.listChecks.map { TreePath.base($0.list) })
        var out: [PinnedDownload] = []
        for f in facts.fetches where !auxiliary.contains(f.file) {
            var checksum: PinnedChecksum?
            var signed = signature(over: f.file)
            if let c = facts.inlineChecks.first(where: { TreePath.base($0.file) == f.file }) {
                checksum = PinnedChecksum(
                    algorithm: c.algorithm, expected: c.expected, list: nil, listURL: nil,
                    line: PinScanner.lineContaining(c.expected ?? "sum -c", in: instruction))
            } else if let c = facts.listChecks.first(where: { TreePath.base($0.file) == f.file }) {
                let list = TreePath.base(c.list)
                let listSignature = signature(over: list)
                let listFetch =
                    fetch(named: list) ?? listSignature?.url.flatMap { u in facts.fetches.first { $0.url == u } }
                checksum = PinnedChecksum(
                    algorithm: c.algorithm, expected: nil, list: list, listURL: listFetch?.url,
                    line: PinScanner.lineContaining(c.list + " |", in: instruction))
                signed = signed ?? listSignature
            }
            if f.toStdout && checksum == nil && signed == nil && !f.resolved { continue }
            out.append(
                PinnedDownload(
                    url: f.url, resolved: f.resolved, file: f.file, line: instruction.line, checksum: checksum,
                    signature: signed))
        }
        return out
    }
}
