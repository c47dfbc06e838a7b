import Foundation
import Tracking

/// `trackbot state merge OUT IN...`: joins the state files of the shards of a split watch into one.
public enum StateMergeCommand {
    public struct Request: Sendable {
        /// The merged state file (written atomically under its lock).
        public var output: String
        /// The shards' state files, at least one.
        public var inputs: [String]

        public init(output: String, inputs: [String]) {
            self.output = output
            self.inputs = inputs
        }
    }

    public static func run(_ request: Request) throws -> CommandResult {
        guard !request.inputs.isEmpty else { throw UsageError("state merge: name at least one input state file") }
        var states: [State] = []
        for path in request.inputs {
            guard FileManager.default.fileExists(atPath: path) else {
                throw UsageError("state merge: input \(path) does not exist (did the shard upload its state?)")
            }
            // load() refuses a corrupt or newer-schema file with an error naming it; nothing is written then.
            states.append(try StateStore(path: path).load())
        }
        let merged = merge(states)
        let store = StateStore(path: request.output)
        try store.withLock { try store.save(merged) }
        return CommandResult(output: "", diagnostics: [
            "merged \(merged.images.count) image(s) from \(request.inputs.count) state file(s) into \(request.output)",
        ])
    }

    /// Images from every state; for an image in several, the one checked last (`checkedAt`) wins.
    public static func merge(_ states: [State]) -> State {
        var merged = State()
        for state in states {
            for (name, image) in state.images {
                if let existing = merged.images[name], !isLater(image.checkedAt, than: existing.checkedAt) { continue }
                merged.images[name] = image
            }
        }
        return merged
    }

    /// Compares RFC 3339 times as instants; falls back to text order when one does not parse.
    static func isLater(_ a: String, than b: String) -> Bool {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions.insert(.withFractionalSeconds)
        func date(_ s: String) -> Date? { plain.date(from: s) ?? fractional.date(from: s) }
        if let da = date(a), let db = date(b) { return da > db }
        return a > b
    }
}
