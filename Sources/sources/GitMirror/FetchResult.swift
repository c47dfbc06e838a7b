import Foundation

/// What a fetch into a mirror did.
public struct FetchResult: Sendable, Hashable, Codable {
    /// The URL fetched from (after rewrites, without credentials).
    public var url: String
    /// The mirror's directory.
    public var directory: String
    /// True when the mirror was created by this fetch (first use, or after moving a damaged one aside).
    public var created: Bool
    public var updates: [RefUpdate]
    /// Exact refs asked for that the remote does not advertise.
    public var missingRefs: [String]
    public var receivedObjects: Int
    public var receivedBytes: Int
    /// What trackbot repaired on the way (leftovers removed, a damaged mirror moved aside).
    public var notes: [String]
    /// When the mirror last fetched from its remote (this fetch, or with `offline` the last one);
    /// nil for a mirror fetched before trackbot recorded it.
    public var fetchedAt: Date? = nil

    /// Updates that rewrote history (force-pushed branches, moved tags).
    public var rewrites: [RefUpdate] { updates.filter { !$0.isFastForward } }
}
