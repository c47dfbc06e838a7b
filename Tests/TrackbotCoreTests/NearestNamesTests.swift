import Testing
import TrackbotCore

/// "did you mean" for image and tag names.
@Suite struct NearestNamesTests {
    let images = ["alpine", "busybox", "debian", "node", "nginx", "ubuntu", "python", "postgres"]

    @Test func didYouMean_imageTypos() {
        #expect(NearestNames.didYouMean("alpne", among: images) == "did you mean alpine?")
        #expect(NearestNames.didYouMean("ngnix", among: images) == "did you mean nginx?")  // a swap is one edit
        #expect(NearestNames.didYouMean("Ubuntu", among: images) == "did you mean ubuntu?")
        #expect(NearestNames.didYouMean("postgress", among: images) == "did you mean postgres?")
    }

    @Test func didYouMean_nothingNearSaysNothing() {
        #expect(NearestNames.didYouMean("kubernetes", among: images) == nil)
        #expect(NearestNames.didYouMean("x", among: images) == nil)
    }

    @Test func didYouMean_tagTyposNameTheNearestTags() {
        let tags = ["3.19", "3.19.4", "3.20", "3.20.3", "3.21", "3.21.0", "latest", "edge"]
        #expect(NearestNames.didYouMean("3.2O", among: tags) == "did you mean 3.20 or 3.21?")  // O for 0 or for 1
        #expect(NearestNames.didYouMean("lastest", among: tags) == "did you mean latest?")
        // A prefix of several tags names the nearest three.
        #expect(NearestNames.suggestions(for: "3.2", among: tags) == ["3.20", "3.21", "3.20.3"])
        #expect(NearestNames.didYouMean("3.2", among: tags) == "did you mean 3.20, 3.21 or 3.20.3?")
    }
}
