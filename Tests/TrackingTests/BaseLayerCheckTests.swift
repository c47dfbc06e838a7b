import Testing
import TrackbotCore
import Tracking

/// Issue 14: an image built FROM a parent starts with the parent's layers.
@Suite struct BaseLayerCheckTests {
    func d(_ c: Character) -> Digest { try! Digest(algorithm: .sha256, hex: String(repeating: c, count: 64)) }

    @Test func theParentsLayersFirstIsBuiltOnIt() {
        #expect(
            BaseLayerCheck.compare(
                imageLayers: [d("a"), d("b"), d("c")], imageDiffIDs: [d("1"), d("2"), d("3")],
                parentLayers: [d("a"), d("b")], parentDiffIDs: [d("1"), d("2")]) == nil)
    }

    @Test func anotherBlobIsALayersMismatchAtItsPosition() throws {
        let m = try #require(
            BaseLayerCheck.compare(
                imageLayers: [d("a"), d("7"), d("c")], imageDiffIDs: [d("1"), d("2"), d("3")],
                parentLayers: [d("a"), d("b")], parentDiffIDs: [d("1"), d("2")]))
        #expect(m.layer == 1 && m.field == "layers" && m.expected == d("b") && m.actual == d("7"))
    }

    @Test func sameBlobsButOtherDiffIDsIsADiffIDsMismatch() throws {
        // The configs disagree on what the same blobs hold: one of them lies.
        let m = try #require(
            BaseLayerCheck.compare(
                imageLayers: [d("a"), d("c")], imageDiffIDs: [d("9"), d("3")],
                parentLayers: [d("a")], parentDiffIDs: [d("1")]))
        #expect(m.layer == 0 && m.field == "diff_ids" && m.expected == d("1") && m.actual == d("9"))
    }

    @Test func anImageWithFewerLayersThanItsParentIsNotBuiltOnIt() throws {
        let m = try #require(
            BaseLayerCheck.compare(
                imageLayers: [d("a")], imageDiffIDs: [d("1")], parentLayers: [d("a"), d("b")],
                parentDiffIDs: [d("1"), d("2")]))
        #expect(m.layer == 1 && m.actual == nil)
        let check = BaseLayerCheck(
            imageDigest: d("e"), parent: "base:1", parentDigest: d("f"), named: .annotation, layers: 2, mismatch: m)
        let f = try #require(check.finding(image: "child", tag: "1", arch: "amd64"))
        #expect(f.kind == .parentMismatch && f.severity == .alert && f.actual == nil)
        #expect(f.message.contains("base.digest annotation") && f.message.contains("has only 1 layer(s)"))
    }
}
