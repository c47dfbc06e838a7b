import Foundation
import Reporting
import TestSupport
import Testing
import TrackbotCore
import Verification

/// The words for a platform's pins in `check` and `trackbot verify`.
@Suite struct PinWordingTests {
    @Test func pinWording_hashListSignatureAndNotBuilt() throws {
        let directory = TestPaths.fixture("pins/docker-node/bc0a422bce0f729dd85790639d9f1918143f1235/22/bookworm").path
        let report = try Verifier(tree: try LocalSourceTree(root: directory)).verify()
        let pins = try #require(report.dockerfile?.architecturePins)
        let arm64 = try #require(pins.first { $0.architecture == .arm64v8 })
        #expect(
            PinWording.lines(arm64, directory: "22/bookworm", file: "Dockerfile") == [
                "pin https://nodejs.org/dist/v22.23.2/node-v22.23.2-linux-arm64.tar.xz sha256 from SHASUMS256.txt (https://nodejs.org/dist/v22.23.2/SHASUMS256.txt.asc) (22/bookworm/Dockerfile:40); SHASUMS256.txt signed, 9 keys listed",
                "pin https://yarnpkg.com/downloads/1.22.22/yarn-v1.22.22.tar.gz no checksum; signed, 1 key listed",
            ])
        let i386 = try #require(pins.first { $0.architecture == .i386 })
        #expect(
            PinWording.lines(i386, directory: ".", file: "Dockerfile") == [
                "not built for this architecture: \"unsupported architecture\" (Dockerfile:8)"
            ])
        let text = try VerificationRenderer.render(report, format: .text)
        #expect(
            text.contains("  s390x: pin https://nodejs.org/dist/v22.23.2/node-v22.23.2-linux-s390x.tar.xz sha256 from"))
        #expect(text.contains("  riscv64: not built for this architecture"))
    }
}
