import Foundation
import Testing
import TrackbotCore
import Tracking
import Verification

@Suite("history: normalising created_by and aligning it with the Dockerfile")
struct HistoryAlignmentTests {
    @Test func builderDecorationsAreStripped() {
        #expect(HistoryAlignment.normalise(createdBy: #"/bin/sh -c #(nop)  CMD ["/bin/sh"]"#) == #"CMD ["/bin/sh"]"#)
        #expect(HistoryAlignment.normalise(createdBy: "|2 A=1 B=two /bin/sh -c apk add  x") == "RUN apk add x")
        #expect(
            HistoryAlignment.normalise(createdBy: "RUN /bin/sh -c set -eux;   true # buildkit") == "RUN set -eux; true")
        #expect(HistoryAlignment.normalise(createdBy: "ADD rootfs.tar.gz / # buildkit") == "ADD rootfs.tar.gz /")
        #expect(HistoryAlignment.normalise(createdBy: "/bin/sh -c #(nop) ENV A=1") == "ENV A=1")
        #expect(
            HistoryAlignment.same(
                HistoryAlignment.normalise(createdBy: "/bin/sh -c #(nop) ADD file:0123abcd in / "),
                "ADD rootfs.tar.gz /"))
        #expect(!HistoryAlignment.same("ADD file:0123abcd in /usr", "ADD rootfs.tar.gz /"))
    }

    @Test func parentEntriesAreInheritedAndDifferencesPaired() throws {
        let dockerfile = try Dockerfile.parse(
            "FROM base:1\nARG V=1\nRUN make \\\n  install\nENV X=1\nCMD [ \"node\" ]\n")
        func h(_ s: String) -> TrackbotCore.ImageConfig.History {
            try! JSONDecoder().decode(
                TrackbotCore.ImageConfig.History.self, from: Data(#"{"created_by": \#(String(reflecting: s))}"#.utf8))
        }
        let rows = HistoryAlignment.align(
            history: [
                h("/bin/sh -c #(nop) ADD file:ab in / "), h(#"/bin/sh -c #(nop)  CMD ["sh"]"#),
                h("|1 V=1 /bin/sh -c make install"), h(#"CMD ["npm"] # buildkit"#),
            ],
            dockerfile: dockerfile)
        #expect(rows.map(\.status) == [.inherited, .inherited, .notRecorded, .match, .onlyInDockerfile, .differs])
        #expect(rows[3].line == 3 && rows[3].instruction == "RUN make install")
        #expect(rows[4].instruction == "ENV X=1" && rows[4].line == 5)
        #expect(rows[5].instruction == #"CMD ["node"]"# && rows[5].history == #"CMD ["npm"]"#)
    }
}
