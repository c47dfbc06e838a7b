extension BuildInfo {
    /// What `trackbot --version` prints: `trackbot 0.15.0 (commit 1a2b…)`, the full commit so it
    /// can be checked out; "unknown commit" for a build outside a git checkout.
    static var versionLine: String {
        "trackbot \(version) (\(commit == "unknown" ? "unknown commit" : "commit \(commit)"))"
    }
}
