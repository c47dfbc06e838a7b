import Foundation
import TrackbotCore

/// The path part of git URLs: normalised before the URL policy and again after a rewrite, so
/// that no URL climbs out of where it points (`..`), and one repository has one name (`.` and
/// empty segments are dropped). A `..` is refused, never resolved: the URL is wrong, and saying
/// so beats guessing what it meant.
enum URLPath {
    /// scp-like `[user@]host:path`: a colon before any slash, and not a local path.
    static func isScpLike(_ url: String) -> Bool {
        if url.hasPrefix("/") || url.hasPrefix("./") || url.hasPrefix("../") || url.hasPrefix("~") { return false }
        guard let colon = url.firstIndex(of: ":"), colon != url.startIndex else { return false }
        return !url[..<colon].contains("/") && !url.contains("://")
    }

    /// What comes before the path (`scheme://authority`, `host:`, or nothing) and the path.
    static func split(_ url: String) -> (head: Substring, path: Substring) {
        if let range = url.range(of: "://") {
            let end = url[range.upperBound...].firstIndex(of: "/") ?? url.endIndex
            return (url[..<end], url[end...])
        }
        if isScpLike(url), let colon = url.firstIndex(of: ":") {
            return (url[...colon], url[url.index(after: colon)...])
        }
        return ("", Substring(url))
    }

    /// `url` with `.` and empty path segments dropped (a trailing `/` is kept); throws
    /// `invalidURL` naming `shown` for a `..` segment, or a percent-encoded `.`, `..` or `/`
    /// (libgit2 decodes `file://` paths, and servers may decode others).
    static func normalise(_ url: String, shown: String, context: String = "") throws(MirrorError) -> String {
        let (head, path) = split(url)
        return String(head) + (try normalisePath(path, shown: shown, context: context))
    }

    /// The path part of `normalise`.
    static func normalisePath(_ path: Substring, shown: String, context: String) throws(MirrorError) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == ".." {
                throw .invalidURL(
                    url: shown,
                    reason: context
                        + "its path has a \"..\" segment, which could climb out of the folder it names; trackbot does not resolve \"..\" in URLs: write the URL without it"
                )
            }
            if segment == "." { continue }
            if segment.contains("%") {
                let decoded = segment.removingPercentEncoding ?? String(segment)
                if decoded == "." || decoded == ".." || decoded.contains("/") || decoded.contains("\\") {
                    throw .invalidURL(
                        url: shown,
                        reason: context
                            + "its path segment \"\(segment)\" is a percent-encoded \"..\", \".\" or \"/\", which could climb out of the folder it names: write the URL without it"
                    )
                }
            }
            kept.append(segment)
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !kept.isEmpty ? "/" : ""
        return leading + kept.joined(separator: "/") + trailing
    }

    /// `url` rewritten by `rule`, normalised again. A local target (a path or `file://`) is a
    /// fence: the result must be that folder or inside it, else `outsideRewriteTarget`.
    static func apply(_ rule: URLRewriter.Rule, to url: String, shown: String) throws(MirrorError) -> String {
        let rest = url.dropFirst(rule.from.count)
        let target = rule.to
        let shownRule = "\(Redaction.stripCredentials(rule.from))=\(Redaction.stripCredentials(target))"
        let isFileURL = target.lowercased().hasPrefix("file://")
        guard isFileURL || RemoteLocation.isLocalPath(target) else {
            let rewritten = target + rest
            return try normalise(
                rewritten, shown: shown,
                context: "rewritten by \(shownRule) to \(Redaction.stripCredentials(rewritten)), ")
        }
        // The folder, as an absolute path without "." or ".." (the rule is the user's own) and
        // without a trailing "/"; what the URL adds must stay under it.
        let (head, targetPath) = isFileURL ? split(target) : ("", Substring((target as NSString).expandingTildeInPath))
        let folder = URL(fileURLWithPath: String(targetPath)).standardizedFileURL.path
        let joined = folder + (target.hasSuffix("/") ? "/" : "") + rest
        let path = try normalisePath(
            Substring(joined), shown: shown, context: "rewritten by \(shownRule) to \(joined), ")
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard folder == "/" || trimmed == folder || trimmed.hasPrefix(folder + "/") else {
            throw .outsideRewriteTarget(url: shown, path: trimmed, folder: folder)
        }
        return String(head) + path
    }
}
