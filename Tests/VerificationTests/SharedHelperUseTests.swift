import Testing
import TrackbotCore

@testable import Verification

/// Where Verification's copies of Hex and RelativePath used to disagree with the shared ones.
@Suite struct SharedHelperUseTests {
    @Test func fullwidthDigitsAreNotAChecksum() {
        let fullwidth = String(repeating: "ａ", count: 64)
        let file = ChecksumFile.parse(Array("\(fullwidth)  rootfs.tar.xz\n".utf8), path: "SHA256SUMS")
        #expect(file.entries.isEmpty)
        #expect(file.problems.count == 1)
        let ascii = ChecksumFile.parse(
            Array("\(String(repeating: "A", count: 64))  rootfs.tar.xz\n".utf8), path: "SHA256SUMS")
        #expect(ascii.entries.first?.digest.hex == String(repeating: "a", count: 64))
    }

    @Test func treePathsAreRelative() {
        #expect(TreePath.resolve("a/./b/../c") == "a/c")
        #expect(TreePath.resolve("../a") == nil)
        // Read as "etc/passwd" before; an absolute path is not a path in the tree.
        #expect(TreePath.resolve("/etc/passwd") == nil)
    }

    @Test func tarEntryPathsSayWhatIsUnsafe() {
        #expect(TarReader.cleanEntryPath("./usr/bin/") == ("usr/bin", nil))
        #expect(TarReader.cleanEntryPath("/etc/passwd") == ("etc/passwd", "absolute path"))
        #expect(TarReader.cleanEntryPath("a/../../x") == ("../x", "climbs out of the root with .."))
        #expect(TarReader.cleanEntryPath("") == (".", nil))
    }
}
