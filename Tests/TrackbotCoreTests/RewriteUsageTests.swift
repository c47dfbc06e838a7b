import Testing
import TrackbotCore

/// A rewrite that matched nothing in a run is reported by name; `FROM = TO` is refused.
@Suite struct RewriteUsageTests {
    @Test func rewrite_unmatchedRuleIsNamedAtTheEnd() {
        let usage = RewriteUsage()
        RewriteUsage.$current.withValue(usage) {
            var rewriter = URLRewriter(rules: [.init(from: "https://github.com/", to: "http://127.0.0.1:1/")])
            rewriter.add(.init(from: "https://githb.com/", to: "http://127.0.0.1:2/"))
            // A copy made elsewhere (another thread, another stage) records into the same run.
            let copy = rewriter
            #expect(copy.rewrite("https://github.com/docker-library/official-images").rewritten)
            #expect(!copy.rewrite("https://gitlab.com/x").rewritten)
        }
        #expect(usage.unmatched == [.init(from: "https://githb.com/", to: "http://127.0.0.1:2/")])
        #expect(usage.warnings.count == 1)
        #expect(usage.warnings.first?.contains("https://githb.com/=http://127.0.0.1:2/") == true)
    }

    @Test func rewrite_everyRuleMatchedSaysNothing() {
        let usage = RewriteUsage()
        RewriteUsage.$current.withValue(usage) {
            let rewriter = URLRewriter(rules: [.init(from: "https://github.com/", to: "http://127.0.0.1:1/")])
            _ = rewriter.rule(for: "https://github.com/a/b")
        }
        #expect(usage.warnings.isEmpty)
    }

    @Test func rewrite_outsideARunRecordsNothing() {
        let rewriter = URLRewriter(rules: [.init(from: "https://github.com/", to: "http://x/")])
        #expect(rewriter.rewrite("https://github.com/a").url == "http://x/a")
        #expect(rewriter == URLRewriter(rules: [.init(from: "https://github.com/", to: "http://x/")]))
    }

    @Test func rewrite_spacesAroundEqualsAreRefused() throws {
        #expect(throws: RewriteError.self) { try URLRewriter.parseRule("https://github.com/ = http://127.0.0.1/") }
        do {
            _ = try URLRewriter.parseRule("https://github.com/ =http://127.0.0.1/")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("white space"), "\(error)")
            #expect(error.description.contains("write https://github.com/=http://127.0.0.1/"), "\(error)")
        }
        #expect(URLRewriter.problem(from: " docker.io", to: "http://127.0.0.1:5000") != nil)
        #expect(URLRewriter.problem(from: "docker.io", to: "http://127.0.0.1:5000") == nil)
        #expect(try URLRewriter.parseRule("docker.io=http://127.0.0.1:5000").to == "http://127.0.0.1:5000")
    }
}
