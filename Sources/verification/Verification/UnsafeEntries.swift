import TrackbotCore

/// The `unsafe-entry` finding of one verification: the unsafe entries of every archive it read
/// (tarballs a Dockerfile adds, layers of an OCI layout), in one finding so that an image's
/// platform has one such alert, naming a few entries and counting the rest.
public enum UnsafeEntries {
    /// nil when no archive holds an unsafe entry. Alert when an entry escapes the root or is a
    /// device node; warn when the only unsafe entries are setuid/setgid files.
    public static func finding(_ scans: [TarScan]) -> Finding? {
        let affected = scans.filter { $0.unsafeCount > 0 }
        guard !affected.isEmpty else { return nil }
        let total = affected.reduce(0) { $0 + $1.unsafeCount }
        let setIDOnly = affected.reduce(0) { $0 + $1.setIDOnlyCount }
        var named: [String] = []
        for scan in affected {
            for e in scan.unsafe where named.count < TarScan.keptUnsafe {
                let link = e.linkTarget.map { " -> \(TarEntry.shown($0, limit: 80))" } ?? ""
                named.append(
                    (affected.count > 1 ? "\(TarEntry.shown(scan.path, limit: 80)): " : "")
                        + "\(TarEntry.shown(e.path))\(link) (\(e.unsafe ?? ""))")
            }
        }
        let more = total > named.count ? " and \(total - named.count) more" : ""
        let places = affected.map { TarEntry.shown($0.path, limit: 120) }.joined(separator: ", ")
        let message =
            "\(total) unsafe \(total == 1 ? "entry" : "entries") in \(places) "
            + "(extraction would escape the root, create a device or a setuid/setgid file): "
            + named.joined(separator: ", ") + more
        return Finding(
            kind: .unsafeEntry, severity: setIDOnly == total ? .warn : .alert, message: message,
            actual: affected.map {
                "\(TarEntry.shown($0.path, limit: 120)): \($0.unsafeCount) of \($0.entries) entries"
            }
            .joined(separator: "; "))
    }
}
