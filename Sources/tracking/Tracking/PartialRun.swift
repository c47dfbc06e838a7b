/// How a run that checked only part of a tag (`--arch`, a configured subset) records it: the
/// architectures it checked are updated, every other record is kept as it was.
extension TagState {
    /// `checked` is what this run made of the tag; `architectures` the ones it checked;
    /// `complete` whether those are all the library lists for the tag.
    public static func recording(
        _ checked: TagState, over previous: TagState?, architectures: Set<String>,
        complete: Bool
    ) -> TagState {
        guard !complete else {
            // Platforms the library no longer lists are dropped; their open alerts live on in
            // the image's alert records.
            return checked
        }
        var merged = previous ?? TagState()
        for arch in architectures {
            if let p = checked.platforms[arch] { merged.platforms[arch] = p } else { merged.platforms[arch] = nil }
        }
        merged.unpublishedSince = checked.unpublishedSince
        // The index is recorded whole (every platform's descriptor, `indexPlatforms`), so the
        // next run compares the platforms this one skipped with their trusted digests even
        // when the index is unchanged and only a HEAD request is made.
        if checked.indexPlatforms != nil {
            merged.indexDigest = checked.indexDigest
            merged.mediaType = checked.mediaType
            merged.attestations = checked.attestations
            merged.indexPlatforms = checked.indexPlatforms
        } else if previous?.indexPlatforms == nil {
            // A record from before indexPlatforms: the next run must read the index again.
            merged.indexDigest = previous?.indexDigest
        }
        return merged
    }
}
