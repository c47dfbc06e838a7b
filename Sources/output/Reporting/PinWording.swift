import TrackbotCore
import Verification

/// The words for what a platform's build downloads (`ArchitecturePins`): one `pin` line per
/// download with how it is checked, or why the build does not run for this architecture.
public enum PinWording {
    public static func lines(_ pins: ArchitecturePins?, directory: String, file: String) -> [String] {
        guard let pins else { return [] }
        let dockerfile = TreePath.join(directory == "." ? "" : directory, file)
        if let unsupported = pins.unsupported {
            return ["not built for this architecture: \"\(unsupported.message)\" (\(dockerfile):\(unsupported.line))"]
        }
        return pins.downloads.map { line($0, dockerfile: dockerfile) }
            + (pins.incomplete ? ["pins incomplete: a RUN of \(dockerfile) was too long to follow to its end"] : [])
    }

    static func line(_ d: PinnedDownload, dockerfile: String) -> String {
        var words = "pin \(d.url)"
        if !d.resolved { words += " (not fully resolved)" }
        if let c = d.checksum {
            if let expected = c.expected {
                words += " \(c.algorithm):\(expected) (\(dockerfile):\(c.line))"
            } else if let list = c.list {
                words +=
                    " \(c.algorithm) from \(list)" + (c.listURL.map { " (\($0))" } ?? "") + " (\(dockerfile):\(c.line))"
            } else {
                words += " \(c.algorithm) (unresolved, \(dockerfile):\(c.line))"
            }
        } else {
            words += " no checksum"
        }
        if let s = d.signature {
            let subject = s.signs == d.file ? "" : " \(s.signs)"
            words += ";\(subject) signed, \(s.keys.count) key\(s.keys.count == 1 ? "" : "s") listed"
        }
        return words
    }
}
