/// A bashbrew architecture name, as library files write it.
public enum Architecture: String, CaseIterable, Codable, Sendable, Comparable, CustomStringConvertible {
    case amd64, arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x
    case windowsAmd64 = "windows-amd64"

    public var description: String { rawValue }

    public static func < (a: Architecture, b: Architecture) -> Bool { a.rawValue < b.rawValue }

    /// The OCI platform an image for this architecture is published as.
    public var platform: Platform {
        switch self {
        case .amd64: return Platform(os: "linux", architecture: "amd64")
        case .arm64v8: return Platform(os: "linux", architecture: "arm64", variant: "v8")
        case .arm32v7: return Platform(os: "linux", architecture: "arm", variant: "v7")
        case .arm32v6: return Platform(os: "linux", architecture: "arm", variant: "v6")
        case .arm32v5: return Platform(os: "linux", architecture: "arm", variant: "v5")
        case .i386: return Platform(os: "linux", architecture: "386")
        case .ppc64le, .s390x, .riscv64, .mips64le: return Platform(os: "linux", architecture: rawValue)
        case .windowsAmd64: return Platform(os: "windows", architecture: "amd64")
        }
    }

    /// The bashbrew architecture a published platform belongs to. An arm64 platform without a
    /// variant is arm64v8 (registries and tools often leave the `v8` out).
    public init?(platform: Platform) {
        let normalised =
            platform.architecture == "arm64" && platform.variant == nil
            ? Platform(os: platform.os, architecture: "arm64", variant: "v8") : platform
        guard let match = Architecture.allCases.first(where: { $0.platform == normalised }) else { return nil }
        self = match
    }
}

/// An OCI platform: `os/architecture[/variant]`.
public struct Platform: Hashable, Codable, Sendable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    public var description: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }
}
