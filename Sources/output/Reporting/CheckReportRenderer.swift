import Foundation
import TrackbotCore
import Tracking

/// `check`/`watch` output: text and Markdown grouped image → library entry → architecture
/// (`ImageGrouping`), with a section of what changed since the last run (old and new digests,
/// each labelled); or JSON, the stable machine format, one object per tag.
public enum CheckReportRenderer {
    /// Every string in the report may come from outside (library files, registries, servers'
    /// messages): none of their control characters or escape sequences reach the output.
    public static func render(_ report: CheckReport, format: OutputFormat, color: Bool = false) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(report)
        case .markdown:
            return Sanitize.terminal(markdown(report) + mirrorsSection(report, format: .markdown), multiline: true)
        case .text: return text(report, style: Style(enabled: color)) + mirrorsSection(report, format: .text)
        }
    }

    /// Text output: every piece of a line is made safe first (`clean`: one line, no control
    /// characters), so a value can neither draw on the terminal nor start a line of its own;
    /// only then are trackbot's own colours painted around some pieces.
    struct Style {
        var enabled: Bool
        func paint(_ s: String, _ code: String) -> String {
            let safe = CheckReportRenderer.clean(s)
            return enabled ? "\u{1B}[\(code)m\(safe)\u{1B}[0m" : safe
        }
        func severity(_ s: Severity?) -> String {
            switch s {
            case nil: return paint("✓", "32")
            case .info?: return paint("i", "36")
            case .warn?: return paint("!", "33")
            case .alert?: return paint("✗", "31;1")
            }
        }
        /// ✓ only when something was verified or compared and matched.
        func mark(_ p: PlatformReport) -> String {
            switch (p.worst, p.status) {
            case (.alert?, _): return severity(.alert)
            case (_, .couldNotBeChecked): return paint("?", "31")
            case (.warn?, _): return severity(.warn)
            case (_, .verified): return severity(nil)
            default: return "·"
            }
        }
    }

    /// One line's worth of text from anywhere: no control characters, no line breaks.
    static func clean(_ s: String) -> String { Sanitize.terminal(s) }

    /// `(open since …)` for an alert that an earlier run raised.
    static func since(_ f: Finding) -> String {
        guard f.alertStatus == .open, let since = f.openSince else { return "" }
        return " (open since \(since))"
    }
}
