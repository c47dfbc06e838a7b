import TrackbotCore

extension State {
    /// Records a person's answer to the open alerts of `image` that `match` selects, and returns
    /// them. For a `digest-drift`, the digest the alert names becomes the trusted build, so the
    /// next run compares with what the person accepted.
    public mutating func acknowledge(
        image: String, _ ack: Acknowledgement,
        where match: (AlertRecord) -> Bool
    ) -> [AlertRecord] {
        guard var imageState = images[image] else { return [] }
        var answered: [AlertRecord] = []
        for i in imageState.alerts.indices
        where imageState.alerts[i].acknowledgement == nil && match(imageState.alerts[i]) {
            imageState.alerts[i].acknowledgement = ack
            let alert = imageState.alerts[i]
            answered.append(alert)
            guard alert.kind == .digestDrift, let tag = alert.tag, let arch = alert.arch,
                let accepted = alert.actual.flatMap({ try? Digest(parsing: $0) }),
                var platform = imageState.tags[tag]?.platforms[arch]
            else { continue }
            platform.trusted = TrustedBuild(
                digest: accepted, source: platform.source, parentDigest: platform.parentDigest,
                since: ack.at, reason: "acknowledged by \(ack.by): \(ack.reason)")
            imageState.tags[tag]?.platforms[arch] = platform
        }
        images[image] = imageState
        return answered
    }
}

extension State {
    /// Changes every alert record in place (what a run learned after recording: the issue it
    /// was filed as, the webhooks it was sent to).
    public mutating func updateAlerts(_ body: (inout AlertRecord) -> Void) {
        for name in images.keys {
            guard var image = images[name] else { continue }
            for i in image.alerts.indices { body(&image.alerts[i]) }
            images[name] = image
        }
    }
}
