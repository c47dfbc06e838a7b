// swift-tools-version:6.0
// trackbot: one library of domain modules and a thin executable.
// The folders under Sources/ follow the one-way data flow:
//   sources (official-images, git mirrors, registry, GitHub) -> verification -> tracking -> output,
// with core (shared vocabulary) below them all and app (config, pipeline, commands) on top.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "trackbot",
    products: [
        .executable(name: "trackbot", targets: ["trackbot"]),
        .library(name: "TrackbotKit", targets: ["TrackbotKit"]),
    ],
    // Linux only (Debian 12 here): the code uses Glibc, /proc and the system's libgit2 and libcurl,
    // so no Apple platform is declared. Versions are exact, so a user builds what CI tested;
    // Package.resolved stays out of git (the local package copies carry their own commit ids).
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // C libraries, each a system-library target with a small shim header.
        .systemLibrary(
            name: "CGit2", path: "Sources/system/CGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/system/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/system/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLzma", path: "Sources/system/CLzma", pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(
            name: "CZstd", path: "Sources/system/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),

        // core: the shared vocabulary (Digest, Architecture, Finding, URL rewriting, secrets) and the
        // one implementation of each shared helper (URLAuthority, Hex, RelativePath, RetryPolicy,
        // TaskCache, JSONCoding).
        .target(
            name: "TrackbotCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/core/TrackbotCore", swiftSettings: strict),

        // sources. Each target lists exactly the modules it imports.
        .target(
            name: "OfficialImages", dependencies: ["TrackbotCore"],
            path: "Sources/sources/OfficialImages", swiftSettings: strict),
        .target(
            name: "GitMirror", dependencies: ["TrackbotCore", "CGit2"],
            path: "Sources/sources/GitMirror", swiftSettings: strict),
        .target(
            name: "HTTPTransport", dependencies: ["TrackbotCore", "CCurl"],
            path: "Sources/sources/HTTPTransport", swiftSettings: strict),
        .target(
            name: "Registry", dependencies: ["TrackbotCore", "HTTPTransport"],
            path: "Sources/sources/Registry", swiftSettings: strict),
        // The GitHub REST API: open pull requests (an input of `trackbot prs`) and the issues API.
        .target(
            name: "GitHub", dependencies: ["TrackbotCore", "HTTPTransport"],
            path: "Sources/sources/GitHub", swiftSettings: strict),

        // verification
        .target(
            name: "Verification", dependencies: ["TrackbotCore", "CZlib", "CLzma", "CZstd"],
            path: "Sources/verification/Verification", swiftSettings: strict),
        // official-images' CI rules (naughty-*.sh) as pure functions over gathered facts.
        .target(
            name: "Lint", dependencies: ["TrackbotCore", "OfficialImages", "Verification"],
            path: "Sources/verification/Lint", swiftSettings: strict),

        // tracking
        .target(
            name: "Tracking", dependencies: ["TrackbotCore", "OfficialImages", "Registry", "Verification"],
            path: "Sources/tracking/Tracking", swiftSettings: strict),

        // output: rendering, and GitHub issue content and sync (over the GitHub client).
        .target(
            name: "Reporting",
            dependencies: [
                "TrackbotCore", "OfficialImages", "Registry", "GitHub", "Verification", "Lint", "Tracking",
            ],
            path: "Sources/output/Reporting", swiftSettings: strict),

        // app: configuration, the pipeline, one entry point per command; then the thin executable.
        .target(
            name: "TrackbotKit",
            dependencies: [
                "TrackbotCore", "OfficialImages", "GitMirror", "HTTPTransport", "Registry", "GitHub",
                "Verification", "Lint", "Tracking", "Reporting",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            path: "Sources/app/TrackbotKit", swiftSettings: strict),
        .executableTarget(
            name: "trackbot",
            dependencies: [
                "TrackbotKit", "TrackbotCore", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/app/trackbot", swiftSettings: strict, plugins: ["BuildInfo"]),
        // `trackbot --version`: the VERSION file and the commit built from (scripts/build-info).
        .plugin(name: "BuildInfo", capability: .buildTool(), path: "Plugins/BuildInfo"),

        // benchmarks: the trackbot side of scripts/bench.d, kept out of the shipped binary.
        .executableTarget(
            name: "trackbot-bench",
            dependencies: [
                "TrackbotCore", "GitMirror", "OfficialImages", "Registry", "Verification",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/bench/trackbot-bench", swiftSettings: strict),

        // tests
        .target(
            name: "TestSupport", dependencies: ["TrackbotCore"], path: "Tests/TestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "TrackbotCoreTests", dependencies: ["TrackbotCore"],
            swiftSettings: strict),
        .testTarget(
            name: "OfficialImagesTests", dependencies: ["OfficialImages", "TrackbotCore", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "GitMirrorTests", dependencies: ["GitMirror", "TrackbotCore", "CGit2", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", "HTTPTransport", "TrackbotCore", "Reporting", "TrackbotKit", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "VerificationTests", dependencies: ["Verification", "TrackbotCore", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "LintTests", dependencies: ["Lint", "OfficialImages", "Verification", "TrackbotCore", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "TrackingTests",
            dependencies: ["Tracking", "TrackbotCore", "OfficialImages", "Registry", "Verification", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "TrackbotKitTests",
            dependencies: [
                "TrackbotKit", "TrackbotCore", "OfficialImages", "GitMirror", "HTTPTransport", "Registry",
                "GitHub", "Verification", "Lint", "Tracking", "Reporting", "TestSupport",
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
