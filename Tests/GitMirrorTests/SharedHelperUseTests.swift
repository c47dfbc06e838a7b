import Testing
import TrackbotCore

@testable import GitMirror

/// Where GitMirror's copies of the authority parsing used to disagree with URLAuthority.
@Suite struct GitMirrorSharedHelperUseTests {
    @Test func hostIsLowercasedWithoutUserinfoOrDefaultPort() {
        #expect(RemoteLocation.host(of: "https://User:Pw@GitHub.com:443/o/r", scheme: .https) == "github.com")
        #expect(RemoteLocation.host(of: "http://127.0.0.1:8080/o/r", scheme: .http) == "127.0.0.1:8080")
        #expect(RemoteLocation.host(of: "git@GitHub.com:o/r", scheme: .ssh) == "github.com")
        #expect(RemoteLocation.host(of: "file:///srv/r", scheme: .file) == nil)
    }

    @Test func tokensTravelOverHTTPOnlyToLoopback() {
        #expect(CallbackState.mayCarryToken(scheme: .https, host: "github.com"))
        #expect(CallbackState.mayCarryToken(scheme: .http, host: "127.0.0.1:8080"))
        #expect(CallbackState.mayCarryToken(scheme: .http, host: "[::1]:8080"))
        #expect(CallbackState.mayCarryToken(scheme: .http, host: "localhost"))
        // A name that merely starts with "127." is not the loopback interface.
        #expect(!CallbackState.mayCarryToken(scheme: .http, host: "127.evil.example"))
        #expect(!CallbackState.mayCarryToken(scheme: .git, host: "127.0.0.1"))
    }

    @Test func tokensPerHostAndPort() {
        let credentials = GitCredentials(tokens: ["example.com": Secret("a"), "example.com:8443": Secret("b")])
        #expect(credentials.token(for: "example.com:8443")?.value == "b")
        #expect(credentials.token(for: "example.com:9000")?.value == "a")
        #expect(credentials.token(for: "Example.COM")?.value == "a")
        #expect(credentials.token(for: "other.example") == nil)
    }
}
