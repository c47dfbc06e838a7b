import Foundation
import Reporting
import Tracking

/// A check report rendered for stdout and for each `--output FORMAT=FILE`.
struct ReportOutputs: Sendable {
    /// What goes to stdout.
    var output: String
    var diagnostics: [String] = []
    /// Whether a `--output` file could not be written.
    var failed = false

    /// - Parameter allWell: nothing to report and nothing failed: `-q` then prints nothing.
    static func render(
        _ report: CheckReport, options: GlobalOptions, destinations: [ReportDestination],
        allWell: Bool
    ) throws -> ReportOutputs {
        let color =
            options.format == .text && isatty(FileHandle.standardOutput.fileDescriptor) != 0
            && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        var result = ReportOutputs(output: try CheckReportRenderer.render(report, format: options.format, color: color))
        // -q: nothing when all is well; an alert, a warning or an error is never hidden.
        if options.verbosity < 0 && options.format == .text && report.findings.isEmpty && allWell {
            result.output = ""
        }
        for destination in destinations {
            do {
                try destination.write(try destination.render(report))
            } catch {
                result.diagnostics.append(
                    "error: could not write the \(destination.format.rawValue) report to \(destination.path): \(error)")
                result.failed = true
            }
        }
        return result
    }
}
