import Testing

@testable import TrackbotCore

@Suite struct SanitizeTests {
    @Test func escapeSequencesAndControlCharactersGo() {
        let hostile =
            "a\u{1B}[2J\u{1B}[1;32mb\u{1B}[0m\u{1B}]0;title\u{07}c\u{1B}]8;;http://x\u{1B}\\d\u{1B}(B\u{1B}7e\u{9B}31mf\u{9D}osc\u{9C}g\u{7F}\u{00}\u{08}h\r"
        #expect(Sanitize.terminal(hostile) == "abcdefgh")
    }

    @Test func newlinesAndTabsStayOnlyInMultilineText() {
        #expect(Sanitize.terminal("one\ntwo\tthree\r\n") == "one two three ")
        #expect(Sanitize.terminal("one\ntwo\tthree\r\n", multiline: true) == "one\ntwo\tthree\n")
    }

    @Test func plainTextIsUntouched() {
        for text in ["", "all images verified ✓", "naïve café — 東京", "tab-free line"] {
            #expect(Sanitize.terminal(text) == text)
        }
    }

    @Test func anUnterminatedStringSequenceDropsOnlyItsIntroducer() {
        #expect(Sanitize.terminal("x\u{1B}]0;no end") == "x0;no end")
        #expect(Sanitize.terminal("trailing\u{1B}") == "trailing")
        #expect(Sanitize.terminal("csi\u{1B}[") == "csi")
    }
}
