import Foundation
import Lint
import OfficialImages
import Registry
import TestSupport
import Testing
import TrackbotCore
import Tracking

@testable import Reporting

/// The Markdown reports as GitHub shows them: rendered by cmark-gfm (GitHub's CommonMark with
/// its table, autolink and strikethrough extensions) and asserted on the HTML. Raw HTML is let
/// through (`--unsafe`), so any tag a value could inject would show in the HTML.
@Suite struct MarkdownRenderingTests {
    typealias S = ReportShapes

    struct RendererMissing: Error, CustomStringConvertible {
        var description: String { "install cmark-gfm (scripts/install-deps)" }
    }

    static func html(_ markdown: String) throws -> String {
        guard let tool = try? requireTool("cmark-gfm", package: "cmark-gfm") else { throw RendererMissing() }
        return try run(
            tool, ["--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough"], input: Data(markdown.utf8))
    }

    static let regex = #"^v(\d+)\.(\d+)$"#
    static let hostile = #"<img src=x onerror=alert(1)></details><script>alert(2)</script> *a* [l](javascript:x) \|"#

    /// A node-shaped report with changes since the last run, a regex in a message, and an image
    /// whose every value is hostile.
    static func report() -> CheckReport {
        var node = S.nodeShaped(changed: true)
        node.findings.append(
            S.finding(.upstreamAhead, .info, tag: node.tags[0].tag, arch: nil, "tags matching \(regex) are newer"))
        let h = hostile
        var evil = S.platform(
            "amd64", digest: S.digest(4242), directory: "d`</code>\(h)", worst: .alert, status: .couldNotBeChecked)
        evil.source.gitRepo = "https://github.com/a/b\"><script>x</script>"
        evil.statusDetail = "registry said \(h)"
        let tags = ["evil`tag\(h)", "1"].map {
            S.tag($0, entry: ["evil`tag\(h)", "1"], index: S.digest(4200), platforms: [evil])
        }
        let evilImage = ImageReport(
            name: "img\(h)", libraryCommit: "c\(h)", tags: tags,
            findings: [
                S.finding(.digestDrift, .alert, image: "img\(h)", tag: "1", arch: "amd64", "moved \(h)\nsecond line")
            ],
            error: "server said \(h)", notes: ["note \(h)"])
        return CheckReport(images: [node, evilImage])
    }

    @Test func gfm_checkReport_alertsOutsideTheFold_fullDigestsPinsAndCommitLinks() throws {
        let report = Self.report()
        let markdown = try CheckReportRenderer.render(report, format: .markdown)
        let html = try Self.html(markdown)
        let fold = try #require(html.range(of: "<details>"), "\(html)")
        // Every image is folded, and what it says is inside.
        #expect(
            html.contains(
                "<summary>node: 18 library entries, 80 tag(s), 325 platform(s); 6 alert(s), 135 warning(s)</summary>"),
            "\(html)")
        #expect(html.components(separatedBy: "<details>").count == html.components(separatedBy: "</details>").count)
        // The alerts come before any fold, in a table.
        let alert = try #require(
            html.range(of: "the published amd64 digest changed with no change in the library entry"))
        #expect(alert.lowerBound < fold.lowerBound)
        #expect(html[..<fold.lowerBound].contains("<td><code>digest-drift</code></td>"), "\(html)")
        #expect(html[..<fold.lowerBound].contains("moved &lt;img"), "\(html)")
        // Full digests in code, and pins ready to paste.
        let index = S.digest(400), platform = S.digest(401)
        #expect(html.contains("<code>\(index)</code>"), "\(html)")
        #expect(html.contains("<code>node:18.3.0-bookworm@\(index)</code>"), "\(html)")
        #expect(html.contains("<td><code>node:18.3.0-bookworm@\(platform)</code></td>"), "\(html)")
        // The upstream commit links to GitHub.
        let commit = S.commit(7)
        #expect(
            html.contains(
                "<a href=\"https://github.com/nodejs/docker-node/commit/\(commit)\"><code>\(commit.prefix(7))</code></a>"
            ),
            "\(html)")
        // The regex keeps its backslashes.
        #expect(html.contains("tags matching \(Self.regex) are newer"), "\(html)")
        // A long list (the changes since the last run) is folded; each names the entry's tags once.
        #expect(html.contains("<summary>45 change(s)</summary>"), "\(html)")
        #expect(html.contains("<li>node <code>18.0.0-bookworm</code> <code>18.0-bookworm</code>"), "\(html)")
    }

    @Test func gfm_hostileValuesInjectNoHTML() throws {
        let markdown = try CheckReportRenderer.render(Self.report(), format: .markdown)
        let html = try Self.html(markdown)
        for tag in ["<img", "<script", "<em>a</em>", "href=\"javascript"] {
            #expect(!html.contains(tag), "\(tag): \(html)")
        }
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&lt;/details&gt;&lt;script&gt;"), "\(html)")
        // Only trackbot's own folds: one per image, one for the long list of changes.
        #expect(html.components(separatedBy: "<details>").count - 1 == 3, "\(html)")
        // A value with backticks stays in its code span, and a GitHub-looking URL with other
        // characters is not made a link.
        #expect(html.contains("<code>d`&lt;/code&gt;&lt;img"), "\(html)")
        #expect(!html.contains("github.com/a/b"), "\(html)")
        // The `|` inside a value does not split its table row: every platform row has five cells.
        for row in html.components(separatedBy: "<tr>").dropFirst() where row.contains("<td>") {
            let cells = row.components(separatedBy: "<td>").count - 1
            #expect([5, 8].contains(cells), "\(row)")
        }
        // The value's own line break does not start a line of Markdown.
        #expect(!markdown.contains("\nsecond line"))
    }

    /// `lint` and `prs` put a pull request's values (a FROM, a tag, a message quoting them) in a
    /// table: as written, one row each, no tag opened.
    @Test func gfm_lintTable_hostileValuesStayInTheirCells() throws {
        let h = Self.hostile
        let problem = LintProblem(
            rule: .naughtyFrom, image: "img", line: 7, tag: "1\(h)", architectures: ["amd64"], from: "evil\(h):1",
            message: "FROM evil\(h):1 matches \(Self.regex)", fix: "pin it \(h)")
        let result = LintResult(
            images: ["img"], rules: [.naughtyFrom], entries: 1, tags: 1, problems: [problem, problem],
            notChecked: [
                LintNotChecked(
                    rule: .naughtyFrom, image: "img", line: 9, tag: "2", architectures: [], reason: "said \(h)")
            ], notes: ["note \(h)"])
        let markdown = try LintRenderer.render(LintReport(libraryCommit: "c0ffee", result: result), format: .markdown)
        let html = try Self.html(markdown)
        for tag in ["<img", "<script", "<em>a</em>", "href=\"javascript", "</details>"] {
            #expect(!html.contains(tag), "\(tag): \(html)")
        }
        #expect(html.contains("matches \(Self.regex)"), "\(html)")
        let rows = html.components(separatedBy: "<tr>").dropFirst().filter { $0.contains("<td>") }
        #expect(rows.count == 2, "\(html)")
        for row in rows { #expect(row.components(separatedBy: "<td>").count - 1 == 5, "\(row)") }
        #expect(html.contains("<code>library/img:7</code>"), "\(html)")
    }

    /// `history` tables: a Dockerfile instruction or history line with backticks and `|` shows
    /// as written in one cell.
    @Test func gfm_historyTable_instructionsShowAsWritten() throws {
        let instruction = "RUN echo `id` | tee /x \(Self.hostile)"
        let report = HistoryReport(
            image: "img", tag: "1", libraryCommit: "c0ffee",
            platforms: [
                HistoryPlatform(
                    arch: "amd64", platform: "linux/amd64", digest: "sha256:" + String(repeating: "a", count: 64),
                    dockerfile: "d`/Dockerfile",
                    rows: [
                        HistoryRow(
                            status: .differs, history: "/bin/sh -c \(Self.hostile)", instruction: instruction, line: 3)
                    ])
            ])
        let html = try Self.html(try HistoryReportRenderer.render(report, format: .markdown))
        for tag in ["<img", "<script", "<em>a</em>"] { #expect(!html.contains(tag), "\(tag): \(html)") }
        #expect(html.contains("<code>RUN echo `id` | tee /x &lt;img"), "\(html)")
        #expect(html.contains("<code>d`/Dockerfile</code>"), "\(html)")
        let rows = html.components(separatedBy: "<tr>").dropFirst().filter { $0.contains("<td>") }
        #expect(rows.count == 1 && rows[0].components(separatedBy: "<td>").count - 1 == 4, "\(rows)")
    }

    /// A GitHub issue's body, as GitHub renders it: the values of each alert (image, tag, digests)
    /// are code spans, so a hostile tag is neither HTML nor an @-mention nor an issue reference.
    @Test func gfm_issueBody_valuesAreCodeSpans() throws {
        let tag = "1@octocat#12\(Self.hostile)"
        let finding = Finding(
            kind: .digestDrift, severity: .alert, image: "img", tag: tag, arch: "amd64",
            message: "moved \(Self.hostile) matching \(Self.regex)", expected: "sha256:aaaa", actual: "sha256:bb|bb")
        let record = AlertRecord(finding, image: "img", now: "2026-01-01T00:00:00Z")
        let body = IssueContent(try #require(AlertGroup.groups([record]).first)).body
        let html = try Self.html(body)
        for tag in ["<img", "<script", "<em>a</em>", "href=\"javascript"] {
            #expect(!html.contains(tag), "\(tag): \(html)")
        }
        #expect(html.contains("<td><code>1@octocat#12&lt;img"), "\(html)")
        #expect(html.contains("<td><code>sha256:bb|bb</code></td>"), "\(html)")
        #expect(html.contains("matching \(Self.regex)"), "\(html)")
        let rows = html.components(separatedBy: "<tr>").dropFirst().filter { $0.contains("<td>") }
        #expect(rows.count == 1 && rows[0].components(separatedBy: "<td>").count - 1 == 7, "\(rows)")
    }

    /// `digests --format markdown`: the registry's annotations (a revision) and platform strings
    /// stay in their cells as written.
    @Test func gfm_digests_registryValuesStayInTheirCells() throws {
        func digest(_ c: Character) throws -> Digest {
            try Digest(parsing: "sha256:" + String(repeating: c, count: 64))
        }
        let platform = PublishedPlatform(
            architecture: "amd64", os: "linux", variant: nil, digest: try digest("b"), bashbrewArch: "amd64",
            annotations: [AnnotationKey.revision: "abc`|\(Self.hostile)"], size: 1, mediaType: "m")
        let image = PublishedImage(
            reference: "img:1", mediaType: "application/vnd.oci.image.index.v1+json", digest: try digest("a"),
            platforms: [platform], attestations: [])
        let html = try Self.html(DigestsReport.markdown(image))
        for tag in ["<img", "<script", "<em>a</em>"] { #expect(!html.contains(tag), "\(tag): \(html)") }
        #expect(html.contains("<code>abc`|&lt;img"), "\(html)")
        #expect(html.contains("<code>img:1@sha256:\(String(repeating: "b", count: 64))</code>"), "\(html)")
        let rows = html.components(separatedBy: "<tr>").dropFirst().filter { $0.contains("<td>") }
        #expect(rows.count == 1 && rows[0].components(separatedBy: "<td>").count - 1 == 5, "\(rows)")
    }

    static func library(_ body: String) throws -> LibraryFile {
        try LibraryFileReader.read(
            """
            Maintainers: Jane Doe <jane@example.com> (@jane)
            GitRepo: https://github.com/nodejs/docker-node.git
            """ + "\n\n" + body, name: "node")
    }

    static func libraryDiff() throws -> LibraryDiff {
        let old = try library(
            """
            Tags: 22.11.0, 22
            Architectures: amd64, arm64v8
            GitCommit: \(S.commit(1))
            Directory: 22/bookworm

            Tags: 20.18.0, 20
            Architectures: amd64
            GitCommit: \(S.commit(2))
            Directory: 20/bookworm
            """)
        let new = try library(
            """
            Tags: 22.12.0, 22
            Architectures: amd64, arm64v8
            GitCommit: \(S.commit(3))
            Directory: 22/re\\d+\\.x````

            Tags: 23.0.0, 23
            Architectures: amd64
            GitCommit: \(S.commit(4))
            Directory: 23/bookworm
            """)
        return LibraryDiff(old: old, new: new)
    }

    @Test func gfm_libraryDiff_addedAndRemovedDistinct_backslashesKept() throws {
        let markdown = try LibraryDiffReport.render(try Self.libraryDiff(), format: .markdown)
        let html = try Self.html(markdown)
        #expect(html.contains("<pre><code class=\"language-diff\">"), "\(html)")
        #expect(
            html.components(separatedBy: "<pre>").count == 2,
            "one block; the backticks in a value close nothing: \(html)")
        #expect(html.contains("\n+ tag 22.12.0\n") || html.contains(">+ tag 22.12.0\n"), "\(html)")
        #expect(html.contains("\n- tag 22.11.0\n"), "\(html)")
        #expect(html.contains("+ entry 23.0.0, 23\n") && html.contains("- entry 20.18.0, 20\n"), "\(html)")
        #expect(!html.contains("<li>"), "no bullets that render empty: \(html)")
        // The changed directory: old removed, new added, the regex's backslashes and the
        // backticks as written.
        #expect(html.contains("\n-     amd64, arm64v8: Directory 22/bookworm\n"), "\(html)")
        #expect(html.contains(#"+     amd64, arm64v8: Directory 22/re\d+\.x````"# + "\n"), "\(html)")
    }

    @Test func gfm_pullRequests_diffBlockAndEscapedCommitSubjects() throws {
        let log = PullRequestsReport.UpstreamLog(
            gitRepo: "https://github.com/nodejs/docker-node.git", old: S.commit(1), new: S.commit(3),
            directories: ["22/bookworm"],
            commits: ["abc1234 only tags matching \(Self.regex) <script>x</script> *now*"],
            total: 1)
        let pr = PullRequestsReport.PullRequest(
            number: 7, head: S.commit(5), mergeBase: S.commit(6),
            images: [.init(image: "node", diff: try Self.libraryDiff(), upstream: [log])],
            finding: Finding(kind: .pullRequest, severity: .info, image: "node", message: "pull request #7"))
        let report = PullRequestsReport(
            source: "refs/pull/*", approximate: false, libraryCommit: S.commit(8), examined: 1, pullRequests: [pr],
            errors: [])
        let html = try Self.html(try PullRequestsRenderer.render(report, format: .markdown))
        #expect(html.contains("<code class=\"language-diff\">"), "\(html)")
        #expect(
            html.contains("abc1234 only tags matching \(Self.regex) &lt;script&gt;x&lt;/script&gt; *now*"), "\(html)")
        #expect(!html.contains("<script") && !html.contains("<em>"), "\(html)")
    }
}

/// MarkdownText against GitHub's renderer: every value comes back exactly as written, in text,
/// in a code span and in a table cell. The values are the cases of the GFM spec's sections on
/// backslash escapes, entities, code spans, emphasis, links, raw HTML, strikethrough and tables.
@Suite struct MarkdownTextRoundTripTests {
    static let values = [
        ##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##,  // every ASCII punctuation character
        #"^v(\d+)\.(\d+)$"#, #"C:\path\*.txt"#, #"\\"#, #"a\|b"#,
        "&copy; &#35; &amp;", "*a* _b_ **c** __d__ ~~e~~ ~f~",
        "[l](javascript:alert(1)) ![i](x.png) [^1] [ref]", "<b>x</b> <!-- c --> <img src=x> </details>",
        "`a`", "``", "` `", "x ``y`` z", "``` fence", " a ", "a ", " a", "a|b", "|", "# h", "- item", "1. item",
        "> quote",
    ]

    /// What cmark-gfm writes for text `s`: `&`, `<`, `>` and `"` as entities.
    static func html(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    @Test func gfm_valuesRoundTrip_inTextCodeSpansAndTables() throws {
        var markdown: [String] = []
        for v in Self.values {
            markdown += [
                "x " + MarkdownText.escaped(v), "", "x " + MarkdownText.code(v), "",
                "| a | b |", "|---|---|", "| \(MarkdownText.escaped(v)) | \(MarkdownText.code(v, inTable: true)) |", "",
            ]
        }
        let html = try MarkdownRenderingTests.html(markdown.joined(separator: "\n"))
        for v in Self.values {
            // Outside code, Markdown drops the spaces at either end of a paragraph or a cell.
            let h = Self.html(v), trimmed = Self.html(v.trimmingCharacters(in: .whitespaces))
            #expect(html.contains("<p>x \(trimmed)</p>\n"), "text: \(v)\n\(html)")
            #expect(html.contains("<p>x <code>\(h)</code></p>\n"), "code: \(v)\n\(html)")
            #expect(html.contains("<td>\(trimmed)</td>\n<td><code>\(h)</code></td>\n"), "table: \(v)\n\(html)")
        }
    }
}
