/// The names a user may type for an architecture besides bashbrew's own: the host names
/// bashbrew's `scripts/bashbrew-host-arch.sh` maps (`uname -m`, `dpkg`/`apk --print-arch`), and
/// OCI platforms (`linux/arm64`, `linux/arm/v7`).
extension Architecture {
    /// Host architecture names and what bashbrew maps them to. `armhf` is left out on purpose:
    /// bashbrew makes it arm32v6 on Alpine and Raspbian and arm32v7 elsewhere, so it names no one
    /// architecture.
    public static let aliases: [String: Architecture] = [
        "x86_64": .amd64, "x86-64": .amd64,
        "arm64": .arm64v8, "aarch64": .arm64v8,
        "armel": .arm32v5, "armv6l": .arm32v6, "armv7l": .arm32v7,
        "i686": .i386, "i586": .i386, "i486": .i386, "x86": .i386,
        "mips64el": .mips64le, "ppc64el": .ppc64le,
    ]

    /// A name as a user typed it: bashbrew's own name, else an alias (`alias` is then true, so the
    /// caller can say which architecture it took). Case is ignored (`AMD64`, `Aarch64`).
    public static func named(_ text: String) -> (architecture: Architecture, alias: Bool)? {
        let name = text.lowercased()
        if let exact = Architecture(rawValue: name) { return (exact, false) }
        if let alias = aliases[name] { return (alias, true) }
        return nil
    }

    /// Why `text` names no architecture, for `--arch` and the configuration alike: the armhf
    /// ambiguity when that is the name, `suggestion` ("did you mean …") when there is one, and
    /// bashbrew's names.
    public static func unknownNameMessage(_ text: String, suggestion: String? = nil) -> String {
        let armhf =
            text.lowercased() == "armhf"
            ? " (armhf is arm32v7 on Debian but arm32v6 on Alpine and Raspbian: name one)" : ""
        return "unknown architecture \"\(text)\"\(armhf)" + (suggestion.map { "; \($0)" } ?? "")
            + " (known: \(allCases.map(\.rawValue).joined(separator: ", ")))"
    }

    /// `os/arch[/variant]` as `--platform` and `docker --platform` write it, normalised as
    /// bashbrew normalises a published platform (`linux/arm64` is arm64v8, `linux/arm` arm32v7).
    /// nil when it is not that shape or names no bashbrew architecture (`linux/arm64/v9`).
    public init?(platformText text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.init(
            platform: Platform(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil))
    }
}
