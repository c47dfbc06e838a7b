import TrackbotCore

/// Values from outside (library files, registries, upstream commit messages) put into Markdown
/// that GitHub renders: each stays on its line, shows as written (a regex's backslashes, a
/// `*`), and can neither leave its code span nor open an HTML tag.
enum MarkdownText {
    /// Text outside code: every character Markdown or GFM would read as markup is
    /// backslash-escaped (`\<` renders as `&lt;`, so no tag opens).
    static func escaped(_ s: String) -> String {
        var out = ""
        for c in Sanitize.terminal(s) {
            if special.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The characters `escaped` escapes: emphasis, code, links, HTML, entities, tables,
    /// strikethrough, and the backslash itself.
    static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&", "!", "#"]

    /// A code span that shows `s` exactly: its fence is one backtick longer than the longest run
    /// of backticks inside, and a value starting or ending with a backtick or a space is padded
    /// with one space each side (CommonMark strips exactly that). In a table cell, `|` is escaped
    /// (GFM splits cells first).
    static func code(_ s: String, inTable: Bool = false) -> String {
        var value = Sanitize.terminal(s)
        if value.isEmpty { return "" }
        if inTable { value = value.replacingOccurrences(of: "|", with: "\\|") }
        let fence = String(repeating: "`", count: longestBacktickRun([value]) + 1)
        let edges: [Character] = ["`", " "]
        let pad =
            value.contains { $0 != " " } && (edges.contains(value.first!) || edges.contains(value.last!)) ? " " : ""
        return fence + pad + value + pad + fence
    }

    /// A fenced code block (`info`: `diff`): the fence is longer than any run of backticks in
    /// the lines, so no line can close it.
    static func fenced(_ lines: [String], info: String) -> [String] {
        let body = lines.map { Sanitize.terminal($0) }
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(body) + 1))
        return [fence + info] + body + [fence]
    }

    /// The longest run of backticks in any of `lines`: a fence must be longer to hold them.
    static func longestBacktickRun(_ lines: [String]) -> Int {
        var longest = 0
        for line in lines {
            var run = 0
            for c in line {
                run = c == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return longest
    }

    /// Text inside an HTML element (`<summary>`), where Markdown is not read.
    static func html(_ s: String) -> String {
        var out = ""
        for c in Sanitize.terminal(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// `lines` folded under `summary`; the blank lines let GitHub read Markdown inside.
    static func details(_ summary: String, _ lines: [String]) -> [String] {
        ["<details>", "<summary>\(html(summary))</summary>", ""] + lines + ["", "</details>"]
    }

    /// `lines` as they are when there are few, folded under `summary` when there are more than
    /// `limit` (about a screen on GitHub).
    static func foldedWhenLong(_ summary: String, _ lines: [String], limit: Int = 20) -> [String] {
        lines.count > limit ? details(summary, lines) : lines
    }

    /// The upstream commit as a link when its repository is on github.com
    /// (`https://github.com/OWNER/REPO/commit/SHA`), else as code. Only names GitHub allows
    /// and a hexadecimal commit make a link, so nothing from the library file shapes the URL.
    static func commit(_ sha: String, gitRepo: String, length: Int = 7) -> String {
        let shown = code(String(sha.prefix(length)))
        guard let path = gitHubRepository(gitRepo), Hex.isHex(sha) else { return shown }
        return "[\(shown)](https://github.com/\(path)/commit/\(sha))"
    }

    /// `OWNER/REPO` of `https://github.com/OWNER/REPO(.git)`, nil for any other URL.
    static func gitHubRepository(_ url: String) -> String? {
        let prefix = "https://github.com/"
        guard url.lowercased().hasPrefix(prefix) else { return nil }
        var rest = String(url.dropFirst(prefix.count))
        if rest.hasSuffix("/") { rest.removeLast() }
        if rest.hasSuffix(".git") { rest.removeLast(4) }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) }),
            !parts.contains(where: { $0 == "." || $0 == ".." })
        else { return nil }
        return rest
    }
}
