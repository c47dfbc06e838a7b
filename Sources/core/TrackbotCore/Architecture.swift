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

    /// The bashbrew architecture a published platform belongs to, matched as bashbrew matches it:
    /// the platform normalised (`Platform.normalized`: `linux/arm` is arm32v7, `linux/arm64` and
    /// `linux/arm64/8` are arm64v8, `linux/amd64/v1` is amd64), then compared by OS, architecture
    /// and variant (an OS version, as Windows images carry, is not compared). nil for a platform
    /// bashbrew builds for no architecture (`linux/amd64/v2`, `linux/arm64/v9`, `linux/arm/v8`).
    public init?(platform: Platform) {
        let normalised = platform.normalized
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
