import Testing
import TrackbotCore

/// `--arch` aliases and `--platform` text, held against bashbrew: scripts/bashbrew-host-arch.sh
/// (host names → bashbrew architecture) and architecture/oci-platform_test.go.
@Suite struct ArchitectureAliasTests {
    /// Every name bashbrew-host-arch.sh maps, with what it maps it to (armv6*/armv7* as uname
    /// prints them on Linux; i[3456]86 as i386 itself, i486, i586, i686).
    static let bashbrewHostArch: [(String, Architecture)] = [
        ("amd64", .amd64), ("x86_64", .amd64), ("arm64", .arm64v8), ("aarch64", .arm64v8), ("armel", .arm32v5),
        ("armv6l", .arm32v6), ("armv7l", .arm32v7), ("i386", .i386), ("i486", .i386), ("i586", .i386),
        ("i686", .i386), ("x86", .i386), ("mips64el", .mips64le), ("ppc64el", .ppc64le), ("ppc64le", .ppc64le),
        ("riscv64", .riscv64), ("s390x", .s390x),
    ]

    @Test func bashbrewHostArch_namesMapAsBashbrewMapsThem() {
        for (name, expected) in Self.bashbrewHostArch {
            let named = Architecture.named(name)
            #expect(named?.architecture == expected, "\(name)")
            // Only a name that is not bashbrew's own is an alias (and gets a note).
            #expect(named?.alias == (Architecture(rawValue: name) == nil), "\(name)")
        }
    }

    /// bashbrew makes armhf arm32v6 on Alpine and Raspbian, arm32v7 elsewhere: no one answer.
    @Test func bashbrewHostArch_armhfIsAmbiguous() {
        #expect(Architecture.named("armhf") == nil)
    }

    @Test func bashbrewNames_acceptedAsTheyAreAndInAnyCase() {
        for a in Architecture.allCases {
            #expect(Architecture.named(a.rawValue)?.architecture == a)
            #expect(Architecture.named(a.rawValue)?.alias == false)
        }
        #expect(Architecture.named("AArch64")?.architecture == .arm64v8)
        #expect(Architecture.named("arm64v9") == nil)
    }

    /// oci-platform_test.go TestString, read the other way, and TestIs's platforms.
    @Test func bashbrewOCIPlatform_textNamesTheArchitecture() {
        let cases: [(String, Architecture?)] = [
            ("linux/amd64", .amd64), ("linux/arm/v6", .arm32v6), ("windows/amd64", .windowsAmd64),
            ("linux/arm64", .arm64v8), ("linux/arm64/v8", .arm64v8), ("linux/arm/v7", .arm32v7),
            ("linux/arm", .arm32v7),
            ("linux/386", .i386), ("linux/amd64/v4", nil), ("linux/arm64/v9", nil),
            ("linux/aarch64", .arm64v8), ("linux/x86_64", .amd64),
            ("amd64", nil), ("linux//v7", nil), ("linux/arm/v7/extra", nil),
        ]
        for (text, expected) in cases {
            #expect(Architecture(platformText: text) == expected, "\(text)")
        }
    }
}
