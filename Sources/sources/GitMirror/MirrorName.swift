import TrackbotCore

/// The directory name of a URL's mirror: readable (`github.com_alpinelinux_docker-alpine`) plus
/// a short hash of the exact URL, so two URLs that read alike never share a mirror.
enum MirrorName {
    static func directoryName(for url: String) -> String {
        let plain = Redaction.stripCredentials(url)
        var readable = Substring(plain)
        if let range = plain.range(of: "://") { readable = plain[range.upperBound...] }
        while readable.hasSuffix("/") { readable = readable.dropLast() }
        if readable.hasSuffix(".git") { readable = readable.dropLast(4) }
        var name = String(
            readable.unicodeScalars.map { scalar -> Character in
                let c = Character(scalar)
                return scalar.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-") ? c : "_"
            })
        while name.hasPrefix(".") || name.hasPrefix("_") { name.removeFirst() }
        if name.count > 80 { name = String(name.suffix(80)) }
        if name.isEmpty { name = "repository" }
        let hash = StreamingHasher.digest(Array(plain.utf8)).hex.prefix(8)
        return "\(name)-\(hash).git"
    }
}
