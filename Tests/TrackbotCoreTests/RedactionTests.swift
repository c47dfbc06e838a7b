import Foundation
import Testing

@testable import TrackbotCore

@Suite struct RedactionTests {
    @Test func everyFormOfASecretIsScrubbed() {
        let password = "pä ss/w+rd=1"
        let pair = "bot:" + password
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        let base64 = Data(password.utf8).base64EncodedString()
        let forms = [
            password, base64, String(base64.prefix { $0 != "=" }),
            password.addingPercentEncoding(withAllowedCharacters: unreserved)!,
            password.addingPercentEncoding(withAllowedCharacters: unreserved)!.lowercased(), pair,
            Data(pair.utf8).base64EncodedString(),
        ]
        let echoed = "server: " + forms.joined(separator: " | ")
        let scrubbed = Redaction.scrub(echoed, secrets: [Secret(password), Secret(pair)])
        for form in forms { #expect(!scrubbed.contains(form), "\(form) in \(scrubbed)") }
        #expect(scrubbed.hasPrefix("server: <redacted> | "))
        #expect(!scrubbed.contains("bot:"), "user:password goes whole: \(scrubbed)")
    }

    @Test func urlCredentialsGoWhereverTheURLIsInTheText() {
        let text =
            #"fetch "https://u:p4ss@example.com/r.git" failed (git://tok@host:9418/x), see https://example.com/a@b"#
        let out = Redaction.scrub(text, secrets: [])
        #expect(out == #"fetch "https://example.com/r.git" failed (git://host:9418/x), see https://example.com/a@b"#)
    }

    @Test func urlCredentialsGoWithoutTouchingOtherText() {
        #expect(
            Redaction.stripURLCredentials(inText: "ü https://ü:pä@hôst.example/x@y ü") == "ü https://hôst.example/x@y ü"
        )
        #expect(
            Redaction.stripURLCredentials(inText: "tag: https://u:p@github.com/x/y.git@abc123 dir")
                == "tag: https://github.com/x/y.git@abc123 dir")
        for plain in ["", "no url here", "mail me@example.com", "https://example.com/a@b", "trailing ://"] {
            #expect(Redaction.stripURLCredentials(inText: plain) == plain)
        }
    }
}
