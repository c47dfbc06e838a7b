import Foundation
import Lint
import TrackbotCore

/// What `trackbot lint` found, and where it looked.
public struct LintReport: Codable, Sendable, Hashable {
    /// The official-images commit the library files were read at (a pull request's head with `--pr`).
    public var libraryCommit: String
    /// `--pr N`: the pull request, its head and its merge base with the library ref.
    public var pullRequest: Int?
    public var mergeBase: String?
    public var result: LintResult

    public init(libraryCommit: String, pullRequest: Int? = nil, mergeBase: String? = nil, result: LintResult) {
        self.libraryCommit = libraryCommit
        self.pullRequest = pullRequest
        self.mergeBase = mergeBase
        self.result = result
    }
}

/// `trackbot lint` as text, Markdown or JSON; `prs` shows the same verdict per pull request.
public enum LintRenderer {
    public static func render(_ report: LintReport, format: OutputFormat) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(report)
        // Tags, FROM lines and commit messages are anyone's text.
        case .text: return Sanitize.terminal(text(report), multiline: true)
        case .markdown: return Sanitize.terminal(markdown(report), multiline: true)
        }
    }

    /// One line: the verdict, what was looked at.
    public static func summary(_ r: LintResult) -> String {
        let counted =
            "\(r.images.count) image(s), \(r.entries) entr\(r.entries == 1 ? "y" : "ies"), \(r.tags) tag(s)"
        let unchecked = r.notChecked.isEmpty ? "" : "; \(r.notChecked.count) not checked"
        guard r.failed else { return "lint: pass — no problem in \(counted)\(unchecked)" }
        var byRule: [LintRule: Int] = [:]
        for p in r.problems { byRule[p.rule, default: 0] += 1 }
        let rules = byRule.keys.sorted().map { "\($0.rawValue) ×\(byRule[$0]!)" }.joined(separator: ", ")
        return "lint: FAIL — \(r.problems.count) problem(s) (\(rules)) in \(counted)\(unchecked)"
    }

    /// `1.0 · arm32v6, s390x · FROM debian:bookworm · commit abc`: what a problem is about.
    static func subject(tag: String, architectures: [String], from: String?, commit: String?) -> String {
        var parts: [String] = []
        if !tag.isEmpty { parts.append(tag) }
        if !architectures.isEmpty { parts.append(architectures.joined(separator: ", ")) }
        if let from { parts.append("FROM \(from)") }
        if let commit { parts.append("commit \(commit.prefix(12))") }
        return parts.joined(separator: " · ")
    }

    /// The problems, not-checked rules and notes, indented by `indent`.
    public static func lines(_ r: LintResult, indent: String = "") -> [String] {
        var out: [String] = []
        for p in r.problems {
            out.append(
                "\(indent)\(p.location) \(p.rule.rawValue) [\(subject(tag: p.tag, architectures: p.architectures, from: p.from, commit: p.commit))]: \(p.message)"
            )
            out.append("\(indent)  fix: \(p.fix)")
        }
        for n in r.notChecked {
            out.append(
                "\(indent)\(n.location) \(n.rule.rawValue) not checked [\(subject(tag: n.tag, architectures: n.architectures, from: n.from, commit: nil))]: \(n.reason)"
            )
        }
        out += r.notes.map { "\(indent)note: \($0)" }
        return out
    }

    static func heading(_ r: LintReport) -> String {
        if let pr = r.pullRequest {
            return "official-images pull request #\(pr) (head \(r.libraryCommit.prefix(7))"
                + (r.mergeBase.map { ", merge base \($0.prefix(7))" } ?? "") + ")"
        }
        return "official-images at \(r.libraryCommit.prefix(7))"
    }

    static func text(_ r: LintReport) -> String {
        ([heading(r) + ": " + r.result.images.map { "library/\($0)" }.joined(separator: ", "), summary(r.result)]
            + lines(r.result)).joined(separator: "\n") + "\n"
    }

    /// The problems as a Markdown table, then what was not checked. Every value may come from a
    /// pull request (a FROM, a tag, a message quoting it): escaped as the check report's are
    /// (`MarkdownText`), so it shows as written and opens no tag.
    public static func markdownLines(_ r: LintResult) -> [String] {
        var out = [MarkdownText.escaped(summary(r))]
        if !r.problems.isEmpty {
            out += ["", "| where | rule | concerning | problem | what to do |", "| --- | --- | --- | --- | --- |"]
            for p in r.problems {
                let about = subject(tag: p.tag, architectures: p.architectures, from: p.from, commit: p.commit)
                let cells = [
                    MarkdownText.code(p.location, inTable: true), p.rule.rawValue, MarkdownText.escaped(about),
                    MarkdownText.escaped(p.message), MarkdownText.escaped(p.fix),
                ]
                out.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        if !r.notChecked.isEmpty {
            out +=
                [""]
                + r.notChecked.map {
                    "- not checked: \(MarkdownText.code($0.location)) \($0.rule.rawValue): \(MarkdownText.escaped($0.reason))"
                }
        }
        out += r.notes.map { "- note: \(MarkdownText.escaped($0))" }
        return out
    }

    static func markdown(_ r: LintReport) -> String {
        (["## Lint", "", MarkdownText.escaped(heading(r))] + [""] + markdownLines(r.result)).joined(separator: "\n")
            + "\n"
    }
}
