import TrackbotCore

/// `trackbot prs` as text, Markdown or JSON; each image's diff is `LibraryDiffReport`'s.
public enum PullRequestsRenderer {
    public static func render(_ report: PullRequestsReport, format: OutputFormat) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(report)
        // Pull request titles, library values and upstream commit messages are anyone's.
        case .text: return Sanitize.terminal(text(report), multiline: true)
        case .markdown: return Sanitize.terminal(markdown(report), multiline: true)
        }
    }

    static func heading(_ r: PullRequestsReport) -> String {
        var line =
            "\(r.pullRequests.count) of \(r.examined) pull request(s) from \(r.source) change the images"
            + " (library at \(r.libraryCommit.prefix(7)))"
        if r.approximate {
            line +=
                ". Approximate: without the GitHub API, open pull requests are guessed from the refs/pull/N/merge"
                + " refs GitHub still advertises; official-images squash-merges, so ancestry cannot tell open from merged"
        }
        return line
    }

    static func text(_ r: PullRequestsReport) -> String {
        var out = [heading(r)]
        for pr in r.pullRequests {
            out.append("")
            out.append("pull request #\(pr.number) head \(pr.head.prefix(7)) merge base \(pr.mergeBase.prefix(7))")
            for image in pr.images {
                out += LibraryDiffReport.lines(image.diff, title: "  library/\(image.image)", bullet: "    ")
                out += image.upstream.flatMap { log("      ", $0) }
            }
            if let lint = pr.lint {
                out.append("  " + LintRenderer.summary(lint))
                out += LintRenderer.lines(lint, indent: "    ")
            }
            if let error = pr.lintError { out.append("  lint not run: \(error)") }
        }
        out += r.errors.map { "error: \($0)" }
        return out.joined(separator: "\n") + "\n"
    }

    static func markdown(_ r: PullRequestsReport) -> String {
        typealias M = MarkdownText
        var out = ["## Pull requests", "", M.escaped(heading(r))]
        for pr in r.pullRequests {
            out += [
                "",
                "### #\(pr.number) (head \(M.code(String(pr.head.prefix(7)))), merge base \(M.code(String(pr.mergeBase.prefix(7)))))",
            ]
            for image in pr.images {
                out += ["", "#### library/\(M.escaped(image.image))", ""]
                out += LibraryDiffReport.markdownLines(image.diff)
                if !image.upstream.isEmpty { out.append("") }
                // Commit subjects are anyone's words: escaped, so a regex keeps its backslashes.
                let logs: [String] = image.upstream.flatMap { log("", $0) }
                for line in logs {
                    let words = String(line.drop { $0 == " " })
                    out.append("- " + M.escaped(words))
                }
            }
            if let lint = pr.lint {
                out += ["", "#### official-images CI (lint)", ""] + LintRenderer.markdownLines(lint)
            }
            if let error = pr.lintError { out += ["", "- lint not run: \(M.escaped(error))"] }
        }
        if !r.errors.isEmpty { out += [""] + r.errors.map { "- error: \(M.escaped($0))" } }
        return out.joined(separator: "\n") + "\n"
    }

    static func log(_ indent: String, _ l: PullRequestsReport.UpstreamLog) -> [String] {
        var out = [
            "\(indent)upstream \(l.gitRepo) \(l.old.prefix(7))..\(l.new.prefix(7))"
                + (l.error == nil ? " (\(l.total) commit(s) in \(l.directories.joined(separator: ", ")))" : "")
        ]
        if let error = l.error { out.append("\(indent)  not read: \(error)") }
        out += l.commits.map { "\(indent)  \($0)" }
        if l.total > l.commits.count { out.append("\(indent)  … and \(l.total - l.commits.count) more") }
        return out
    }
}
