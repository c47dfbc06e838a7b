import Testing
import TrackbotCore

@testable import Verification

/// Two tables name architectures the way other tools do: `Architecture.aliases` (what a user may
/// type for `--arch`) and `ArchitectureShellNames` (what a build container answers a `RUN`).
/// They are kept apart on purpose (user input vs. a container's answer) but must never disagree.
@Suite struct ArchitectureNamesAgreeTests {
    /// Every name a container answers with, that only one architecture answers with, means that
    /// architecture when a user types it, or is not accepted at all; never another architecture.
    @Test func aContainersAnswerNeverMeansAnotherArchitectureOnTheCommandLine() {
        var owners: [String: Set<Architecture>] = [:]
        for arch in ArchitectureShellNames.linux {
            guard let names = ArchitectureShellNames(arch) else { continue }
            for name in [names.dpkg, names.apk, names.uname].compactMap({ $0 }) {
                owners[name, default: []].insert(arch)
            }
        }
        for (name, archs) in owners.sorted(by: { $0.key < $1.key }) {
            guard let typed = Architecture.named(name)?.architecture else { continue }
            if archs.count == 1 {
                #expect(
                    archs.first == typed, "`--arch \(name)` means \(typed), a container answering \(name) is \(archs)")
            } else {
                // `armhf` is ARMv6 to Alpine and ARMv7 to Debian: a user typing it must not be guessed.
                Issue.record(
                    "`\(name)` is answered by \(archs.sorted { $0.rawValue < $1.rawValue }) but accepted as \(typed)")
            }
        }
    }

    /// The aliases a user types most (Debian's, Alpine's and the kernel's names of the two
    /// common architectures) are all accepted.
    @Test func theCommonShellNamesAreAccepted() {
        for arch in [Architecture.amd64, .arm64v8] {
            let names = ArchitectureShellNames(arch)!
            for name in [names.dpkg, names.apk, names.uname].compactMap({ $0 }) {
                #expect(Architecture.named(name)?.architecture == arch, "\(name)")
            }
        }
    }
}
