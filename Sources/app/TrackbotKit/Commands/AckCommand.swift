import Foundation
import TrackbotCore
import Tracking

/// `trackbot ack IMAGE[:TAG] --kind KIND [--arch ARCH] --reason TEXT`: a person answers open
/// alerts. Recorded in the state (who, when, why); the alert stops counting, the next report
/// shows the acknowledgement once, and for a digest drift the new digest becomes the trusted one.
public enum AckCommand {
    public struct Request: Sendable {
        public var reference: String
        public var kind: String
        public var arch: String?
        public var reason: String
        /// `--by`; default `USER`.
        public var by: String?

        public init(reference: String, kind: String, arch: String? = nil, reason: String, by: String? = nil) {
            self.reference = reference
            self.kind = kind
            self.arch = arch
            self.reason = reason
            self.by = by
        }
    }

    public static func run(_ request: Request, options: GlobalOptions, now: Date = Date()) async throws -> CommandResult
    {
        let (image, tag) = try ImageArgument.split(request.reference)
        guard let kind = FindingKind(rawValue: request.kind) else {
            throw UsageError(
                "ack: unknown kind \"\(request.kind)\" (alert kinds: \(FindingKind.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        if let arch = request.arch, Architecture(rawValue: arch) == nil {
            throw UsageError(
                "ack: unknown architecture \"\(arch)\" (known: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw UsageError("ack: --reason must say why the alert is answered") }
        let env = ProcessInfo.processInfo.environment
        let by = request.by ?? env["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
        let store = try RunContext.load(options).state
        guard FileManager.default.fileExists(atPath: store.path) else {
            throw UsageError(
                "ack: state file \(store.path) does not exist; run `trackbot check` first (or pass --state)")
        }
        let ack = Acknowledgement(
            by: by, at: ISO8601DateFormatter().string(from: now), reason: reason, via: "trackbot ack")
        return try await store.withLock {
            var state = try store.load()
            let answered = state.acknowledge(image: image, ack) { a in
                a.kind == kind && (tag == nil || a.tag == tag) && (request.arch == nil || a.arch == request.arch)
            }
            guard !answered.isEmpty else {
                let open = state.images[image]?.alerts.filter { $0.acknowledgement == nil } ?? []
                let list = open.isEmpty ? "none" : open.map(\.label).joined(separator: "; ")
                throw UsageError(
                    "ack: no open \(kind.rawValue) alert for \(request.reference)\(request.arch.map { " \($0)" } ?? "") in \(store.path) (open alerts of \(image): \(list))"
                )
            }
            if !options.dryRun { try store.save(state) }
            let lines = answered.map {
                "acknowledged \($0.label) (open since \($0.firstSeen))"
                    + ($0.kind == .digestDrift ? ": \($0.actual ?? "?") is now the trusted digest" : "")
            }
            return CommandResult(
                output: lines.joined(separator: "\n") + "\n",
                diagnostics: options.dryRun ? ["dry run: state not written"] : [])
        }
    }
}
