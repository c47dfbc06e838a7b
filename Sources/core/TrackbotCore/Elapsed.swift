/// How long something took, as every `-v` line says it: whole milliseconds.
public enum Elapsed {
    /// `"1234 ms"` since `start`.
    public static func milliseconds(since start: ContinuousClock.Instant) -> String {
        let d = ContinuousClock.now - start
        return "\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000) ms"
    }
}
