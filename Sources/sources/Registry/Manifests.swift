import TrackbotCore

/// A manifest as fetched: the exact bytes, their verified digest, and the parsed content.
public struct FetchedManifest: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case index(ImageIndex)
        case image(ImageManifest)
    }

    public var digest: Digest
    public var mediaType: String
    public var bytes: [UInt8]
    public var content: Content

    public var index: ImageIndex? { if case .index(let i) = content { return i } else { return nil } }
    public var image: ImageManifest? { if case .image(let m) = content { return m } else { return nil } }
}

/// What one HEAD of a manifest tells: enough to compare with recorded state.
public struct ManifestHead: Sendable, Hashable, Codable {
    public var digest: Digest
    public var mediaType: String
    public var size: Int64?
}
