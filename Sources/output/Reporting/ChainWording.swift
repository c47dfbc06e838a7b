import TrackbotCore
import Tracking

/// The words for a platform's chain of parents (`ChainLink`s): one line per parent under the
/// platform in the text report, `→` leading down to what the chain ends on.
public enum ChainWording {
    /// `alpine:3.20 sha256:… (docker-alpine@7d63673 x86_64): x86_64/alpine-minirootfs….tar.gz
    /// sha512 (checksums.sha512:1)`, then `→ scratch` at the bottom, or why the chain stops.
    public static func lines(_ chain: [ChainLink]) -> [String] {
        var out: [String] = []
        for link in chain {
            var line = "→ \(link.image)"
            if let digest = link.digest { line += " \(digest)" }
            if let source = link.source {
                line += " (\(repository(source.gitRepo))@\(source.gitCommit.prefix(7)) \(source.directory))"
            }
            let verified = link.verified.map(VerifiedWording.what)
            line += verified.isEmpty ? ": nothing verified" : ": ✓ " + verified.joined(separator: "; ✓ ")
            if !link.problems.isEmpty { line += "; ✗ " + link.problems.joined(separator: "; ✗ ") }
            out.append(line)
            if let stop = link.stop { out.append("→ the chain stops: \(stop)") }
            if let base = link.base { out.append("→ \(base)") }
        }
        return out
    }

    /// `https://github.com/alpinelinux/docker-alpine.git` → `docker-alpine`.
    static func repository(_ url: String) -> String {
        var name = url.split(separator: "/").last.map(String.init) ?? url
        if name.hasSuffix(".git") { name.removeLast(4) }
        return name
    }
}
