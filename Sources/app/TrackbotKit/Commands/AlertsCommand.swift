import Foundation
import Reporting
import TrackbotCore
import Tracking

/// `trackbot alerts [IMAGE...]`: the alerts the state records, without checking anything (no
/// network): open, muted and acknowledged, with when they were first and last seen and their
/// issue. Exit status 1 while any is open, as for `check`.
public enum AlertsCommand {
    public struct Request: Sendable {
        public var images: [String]
        public init(images: [String]) { self.images = images }
    }

    /// One alert as listed.
    struct Listed: Encodable {
        var status: AlertStatus
        var alert: AlertRecord
    }

    public static func run(_ request: Request, options: GlobalOptions, now: Date = Date()) throws -> CommandResult {
        let context = try RunContext.load(options)
        let config = context.configuration
        let store = context.state
        guard FileManager.default.fileExists(atPath: store.path) else {
            throw UsageError(
                "alerts: state file \(store.path) does not exist; run `trackbot check` first (or pass --state)")
        }
        let state = try store.load()
        for image in request.images where state.images[image] == nil {
            throw UsageError(
                "alerts: the state has no image \"\(image)\" (it records: \(state.images.keys.sorted().joined(separator: ", ")))"
            )
        }
        let wanted = request.images.isEmpty ? Set(state.images.keys) : Set(request.images)
        let listed = state.images.filter { wanted.contains($0.key) }.values.flatMap(\.alerts)
            .sorted { $0.id < $1.id }
            .map { Listed(status: AlertLedger.status(of: $0, mutes: config.mutes, now: now), alert: $0) }
        let open = listed.filter { $0.status == .open }.count
        let output: String
        switch options.format {
        case .json:
            output = try JSONOutput.encode(listed)
        case .text, .markdown:
            var lines = listed.map { l -> String in
                let a = l.alert
                var line =
                    "\(l.status.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(a.label): \(Sanitize.terminal(a.message))"
                line += "\n             since \(a.firstSeen), last seen \(a.lastSeen)"
                if let e = a.expected, let x = a.actual { line += "; expected \(e), actual \(x)" }
                if let n = a.issue { line += "; issue #\(n)" }
                if let ack = a.acknowledgement {
                    line +=
                        "\n             acknowledged by \(ack.by) at \(ack.at) (\(ack.via)): \(Sanitize.terminal(ack.reason))"
                }
                return line
            }
            lines.append("\(open) open, \(listed.count - open) muted or acknowledged, in \(store.path)")
            output = lines.joined(separator: "\n") + "\n"
        }
        return CommandResult(output: output, exitCode: open > 0 ? 1 : 0)
    }
}
