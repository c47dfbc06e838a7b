import Registry
import Testing
import TrackbotCore

/// A registry rule (`docker.io=…`, or a URL prefix) that points the registry elsewhere counts as
/// matched in the run; one for a registry never contacted does not.
@Suite struct RegistryRewriteUsageTests {
    @Test func rewrite_registryNameRuleCountsAsMatched() {
        let usage = RewriteUsage()
        RewriteUsage.$current.withValue(usage) {
            let rewriter = URLRewriter(rules: [
                .init(from: "docker.io", to: "http://127.0.0.1:5000"),
                .init(from: "https://ghcr.io", to: "http://127.0.0.1:5001"),
                .init(from: "quay.io", to: "http://127.0.0.1:5002"),
            ])
            #expect(RegistryEndpoint(registry: "docker.io", rewriter: rewriter).baseURL == "http://127.0.0.1:5000")
            #expect(RegistryEndpoint(registry: "ghcr.io", rewriter: rewriter).baseURL == "http://127.0.0.1:5001")
        }
        #expect(usage.unmatched == [.init(from: "quay.io", to: "http://127.0.0.1:5002")])
    }
}
