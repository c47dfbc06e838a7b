import Tracking

/// What became of a run's states: recorded under the state file's lock, or not.
enum StateRecording: Sendable {
    case written
    /// `--dry-run`.
    case dryRun
    /// Nothing to record.
    case nothing
    /// The state file could not be written; the message says so (the report is still complete).
    case failed(String)

    /// Records `states` over what the state file holds now (another run may have written other
    /// images meanwhile).
    static func record(_ states: [String: ImageState], in store: StateStore, dryRun: Bool) async -> StateRecording {
        if dryRun { return .dryRun }
        guard !states.isEmpty else { return .nothing }
        // A state that cannot be written never hides the report: it is printed in full.
        do {
            try await store.withLock {
                var state = try store.load()
                for (name, image) in states { state.images[name] = image }
                try store.save(state)
            }
            return .written
        } catch {
            return .failed(
                "error: the state was not written (\(error)); this report is complete, and the next run compares with the state as it was"
            )
        }
    }
}
