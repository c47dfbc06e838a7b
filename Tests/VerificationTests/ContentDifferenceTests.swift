import Foundation
import Testing
import Verification

/// A tar comparison as a finding reads it (moved here from the app layer with `ContentDifference`).
@Suite struct ContentDifferenceTests {
    func entry(_ path: String, mode: UInt32 = 0o644, size: Int = 1) throws -> TarEntry {
        try JSONDecoder().decode(
            TarEntry.self,
            from: Data(#"{"path":"\#(path)","kind":"file","mode":\#(mode),"uid":0,"gid":0,"size":\#(size)}"#.utf8))
    }

    @Test func oneLinePerDifferenceAndTheRootLeftOut() throws {
        let old = TarListing(entries: [try entry("."), try entry("etc/a"), try entry("etc/b")])
        let new = TarListing(entries: [try entry(".", mode: 0o755), try entry("etc/a", size: 2), try entry("etc/c")])
        let difference = ContentDifference(old.compare(with: new))
        #expect(difference.lines == ["+ etc/c", "- etc/b", "~ etc/a (size)"])
        #expect(!difference.isEmpty)
        #expect(difference.summary(limit: 2) == "3 entries differ: + etc/c, - etc/b and 1 more")
        #expect(ContentDifference(old.compare(with: old)).isEmpty)
    }
}
