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

    public static func run(_ request: Request) async throws -> CommandResult {
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
        try await store.withLock { try store.save(merged) }
        return CommandResult(
            output: "",
            diagnostics: [
                "merged \(merged.images.count) image(s) from \(request.inputs.count) state file(s) into \(request.output)"
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

/// `trackbot state compare OLD NEW`: whether two state files record the same thing apart from
/// when it was checked or last seen (exit 0), or differ (exit 1), so CI commits a state only
/// when something changed.
public enum StateCompareCommand {
    public static func run(old: String, new: String) throws -> CommandResult {
        guard FileManager.default.fileExists(atPath: new) else {
            throw UsageError("state compare: \(new) does not exist")
        }
        let b = try StateStore(path: new).load()
        guard FileManager.default.fileExists(atPath: old) else {
            return CommandResult(output: "differ: \(old) does not exist\n", exitCode: 1)
        }
        let a = try StateStore(path: old).load()
        let same = timeless(a) == timeless(b)
        return CommandResult(output: same ? "same (apart from times)\n" : "differ\n", exitCode: same ? 0 : 1)
    }

    static func timeless(_ state: State) -> State {
        var s = state
        for (name, image) in s.images {
            var image = image
            image.checkedAt = ""
            for i in image.alerts.indices { image.alerts[i].lastSeen = "" }
            s.images[name] = image
        }
        return s
    }
}
