import Foundation
import TrackbotCore
import Tracking

extension CheckReportRenderer {
    /// The mirrors read without fetching (`--offline`), one line each under a heading, after the
    /// rest of the report; nothing when every mirror was fetched.
    static func mirrorsSection(_ r: CheckReport, format: OutputFormat) -> String {
        guard let mirrors = r.mirrors, !mirrors.isEmpty else { return "" }
        switch format {
        case .json: return ""
        case .markdown:
            return "\n### Mirrors (not fetched)\n\n" + mirrors.map { "- \(MarkdownText.escaped($0.line))\n" }.joined()
        case .text:
            return "\nmirrors (not fetched):\n" + mirrors.map { "  " + clean($0.line) + "\n" }.joined()
        }
    }
}
