import Testing

@testable import TrackbotCore

/// A published platform matched to a bashbrew architecture as bashbrew matches it
/// (architecture/oci-platform.go: containerd's platforms.Normalize, then arm64 → arm64/v8; the
/// normalised platform compared by OS, architecture and variant). The cases are those of
/// bashbrew's architecture/oci-platform_test.go and of containerd's normalizeArch.
@Suite struct ArchitecturePlatformTests {
    private static func platform(_ text: String) -> Platform {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return Platform(os: parts[0], architecture: parts[1], variant: parts.count > 2 ? parts[2] : nil)
    }

    // oci-platform_test.go TestString: an architecture's platform as text.
    @Test(arguments: [
        (Architecture.amd64, "linux/amd64"), (.arm32v6, "linux/arm/v6"), (.windowsAmd64, "windows/amd64"),
    ])
    func bashbrew_ociPlatform_string(_ arch: Architecture, _ text: String) {
        #expect(arch.platform.description == text)
    }

    // oci-platform_test.go TestIs, the pairs that are the same platform: the second, as published,
    // is matched to the first.
    @Test func bashbrew_ociPlatform_isSamePlatform() {
        for arch in [Architecture.amd64, .arm32v5, .arm32v6, .arm32v7] {
            #expect(Architecture(platform: arch.platform) == arch)
        }
        #expect(Architecture(platform: Platform(os: "linux", architecture: "arm64", variant: "v8")) == .arm64v8)
        // An OS version (Windows images carry one) is not compared.
        var windows = DescriptorPlatform(architecture: "amd64", os: "windows")
        windows.osVersion = "1.2.3.4"
        #expect(Architecture(platform: windows.platform) == .windowsAmd64)
    }

    // oci-platform_test.go TestIs, the pairs that are not: the second is matched to another
    // architecture, or to none.
    @Test func bashbrew_ociPlatform_isNotSamePlatform() {
        #expect(Architecture(platform: Self.platform("linux/amd64/v4")) == nil)
        for (arch, other) in [
            (Architecture.amd64, Architecture.arm64v8), (.amd64, .i386), (.amd64, .windowsAmd64),
            (.arm32v7, .arm32v6), (.arm32v7, .arm64v8),
        ] {
            #expect(Architecture(platform: other.platform) == other)
            #expect(Architecture(platform: other.platform) != arch)
        }
        #expect(Architecture(platform: Self.platform("linux/arm64/v9")) == nil)
    }

    // oci-platform_test.go TestNormalize: every supported architecture's platform normalises to
    // itself, so each is matched back to its architecture.
    @Test(arguments: Architecture.allCases)
    func bashbrew_ociPlatform_normalizeKeepsSupportedArches(_ arch: Architecture) {
        #expect(arch.platform.normalized == arch.platform)
        #expect(Architecture(platform: arch.platform) == arch)
    }

    // containerd's normalizeArch as bashbrew uses it: what a registry may publish, and the
    // architecture it is built for.
    @Test(arguments: [
        ("linux/arm", Architecture.arm32v7), ("linux/arm/7", .arm32v7), ("linux/arm/v7", .arm32v7),
        ("linux/arm/5", .arm32v5), ("linux/arm/6", .arm32v6), ("linux/armhf", .arm32v7), ("linux/armel", .arm32v6),
        ("linux/arm64", .arm64v8), ("linux/arm64/8", .arm64v8), ("linux/aarch64", .arm64v8),
        ("linux/aarch64/v8", .arm64v8), ("linux/amd64/v1", .amd64), ("linux/x86_64", .amd64),
        ("linux/x86-64", .amd64), ("linux/i386", .i386), ("linux/386", .i386), ("Linux/AMD64", .amd64),
        ("linux/ARM/V6", .arm32v6), ("/amd64", .amd64),
    ])
    func containerd_normalize_platformIsArchitecture(_ text: String, _ arch: Architecture) {
        #expect(Architecture(platform: Self.platform(text)) == arch, "\(text)")
    }

    // What normalisation does not reach: a variant bashbrew builds for no architecture.
    @Test(arguments: [
        "linux/arm/8", "linux/arm/v8", "linux/arm64/v9", "linux/amd64/v2", "linux/386/sse2", "unknown/unknown",
        "linux/sparc", "darwin/arm64",
    ])
    func containerd_normalize_platformIsNoArchitecture(_ text: String) {
        #expect(Architecture(platform: Self.platform(text)) == nil, "\(text)")
    }

    @Test func containerd_normalize_emptyVariantIsNoVariant() {
        #expect(Platform(os: "linux", architecture: "s390x", variant: "").normalized.description == "linux/s390x")
        #expect(Platform(os: "linux", architecture: "arm", variant: "").normalized.description == "linux/arm/v7")
        #expect(Platform(os: "macos", architecture: "arm64").normalized.description == "darwin/arm64/v8")
    }
}
