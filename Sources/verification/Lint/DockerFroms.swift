import Verification

/// bashbrew's `DockerFroms` (pkg/dockerfile/parse.go): every image an entry's Dockerfile builds
/// from, in order, without repeats. Each `FROM` (a reference to an earlier stage counts as that
/// stage's image), each `COPY --from=<image>` and each `RUN --mount=type=bind,from=<image>`;
/// references to earlier stages (by name or number) are not images. `:latest` is added to a
/// reference without a `:`, as bashbrew does. A `FROM` that names a variable (`FROM $BASE`) is
/// kept as written, as bashbrew keeps it: its CI then looks for an image literally named `$BASE`
/// and fails, so naughty-from must fail it too (a substituted name would be a false pass).
public enum DockerFroms {
    /// What bashbrew gives for a `Builder: oci-import` entry: there is no Dockerfile.
    public static let ociImport = ["scratch"]

    public static func of(_ dockerfile: Dockerfile) -> [String] {
        var stageFroms: [String] = []
        var out: [String] = []
        func add(_ from: String) {
            if !out.contains(from) { out.append(from) }
        }
        /// An earlier stage's image when `name` names one (its `AS` name, or its number), else the image `name`.
        func resolve(_ name: String) -> String {
            let lower = name.lowercased()
            if let i = dockerfile.stages.prefix(stageFroms.count).firstIndex(where: { $0.name == lower }) {
                return stageFroms[i]
            }
            if let n = Int(name), n >= 0, n < stageFroms.count { return stageFroms[n] }
            return latestize(name)
        }
        for instruction in dockerfile.instructions {
            switch instruction.keyword {
            case "FROM":
                guard stageFroms.count < dockerfile.stages.count else { continue }
                let stage = dockerfile.stages[stageFroms.count]
                let written = instruction.arguments.split(whereSeparator: \.isWhitespace).first.map(String.init)
                let from: String
                if let written, written.contains("$") {
                    from = latestize(written)
                } else {
                    from = stage.baseStage.map { stageFroms[$0] } ?? latestize(stage.base)
                }
                stageFroms.append(from)
                add(from)
            case "COPY":
                if let from = instruction.flag("from") ?? nil, !from.isEmpty { add(resolve(from)) }
            case "RUN":
                for flag in instruction.flags where flag.name == "mount" {
                    guard let from = bindMountSource(flag.value ?? "") else { continue }
                    add(resolve(from))
                }
            default:
                continue
            }
        }
        return out
    }

    /// The `from=` of a `type=bind` mount (bashbrew reads only those, and only with `type=bind` written).
    static func bindMountSource(_ csv: String) -> String? {
        var type: String?
        var from: String?
        for field in csv.split(separator: ",", omittingEmptySubsequences: false) {
            if field.hasPrefix("type=") { type = String(field.dropFirst(5)) }
            if field.hasPrefix("from=") { from = String(field.dropFirst(5)) }
        }
        guard type == "bind", let from, !from.isEmpty else { return nil }
        return from
    }

    /// `name` with `:latest` when it has no `:` at all (`scratch` stays as it is).
    public static func latestize(_ reference: String) -> String {
        reference != "scratch" && !reference.contains(":") ? reference + ":latest" : reference
    }
}
