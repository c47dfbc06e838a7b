import TrackbotCore
import Verification

/// `trackbot verify` output: each verified artefact and each finding.
public enum VerificationRenderer {
    public static func render(_ report: VerificationReport, format: OutputFormat) throws -> String {
        switch format {
        case .json: return try JSONOutput.encode(report)
        // File names and messages come from the upstream directory.
        case .text, .markdown:
            return Sanitize.terminal(
                lines(report, markdown: format == .markdown).joined(separator: "\n") + "\n", multiline: true)
        }
    }

    static func lines(_ r: VerificationReport, markdown: Bool) -> [String] {
        let b = markdown ? "- " : "  "
        var out: [String] = []
        let what =
            r.kind == .ociImport ? "OCI layout (\(r.file))" : "\(r.file)" + (r.parent.map { ", FROM \($0)" } ?? "")
        out.append((markdown ? "### " : "") + "\(r.source) \(r.directory.isEmpty ? "." : r.directory): \(what)")
        for a in r.artefacts {
            let mark = a.status == .verified ? "✓" : a.status == .mismatch ? "✗" : a.status == .missing ? "!" : "·"
            let digest = a.digests.first { $0.algorithm == .sha512 } ?? a.digests.first
            let checks = a.checks.map { "\($0.file):\($0.line)" }.joined(separator: ", ")
            out.append(
                "\(b)\(mark) \(a.path)  \(a.status.rawValue)" + (checks.isEmpty ? "" : " against \(checks)")
                    + (digest.map { "  \($0.algorithm.rawValue):\($0.hex.prefix(16))…" } ?? ""))
        }
        if let layout = r.layout {
            if let m = layout.expectedManifestDigest {
                out.append(
                    "\(b)\(layout.isValid ? "✓" : "✗") manifest \(m)  (the per-platform digest the registry must publish)"
                )
            }
            if let c = layout.config { out.append("\(b)  config \(c.digest)") }
            for l in layout.layers { out.append("\(b)  layer \(l.descriptor.digest)") }
        }
        for p in r.pins {
            out.append(
                "\(b)pin (\(p.kind.rawValue)) \(p.url ?? p.file ?? "")"
                    + (p.expected.map { " \(p.algorithm):\($0.prefix(16))…" } ?? "")
                    + " at \(r.file):\(p.line)")
        }
        // What each architecture's build downloads, as its RUNs resolve there.
        for pins in r.dockerfile?.architecturePins ?? [] {
            for line in PinWording.lines(pins, directory: "", file: r.file) {
                out.append("\(b)\(pins.architecture): \(line)")
            }
        }
        for f in r.findings {
            out.append(
                "\(b)\(f.severity == .alert ? "✗" : f.severity == .warn ? "!" : "i") \(f.kind.rawValue): \(f.message)"
                    + (f.expected.map { "\n\(b)    expected \($0)" } ?? "")
                    + (f.actual.map { "\n\(b)    actual   \($0)" } ?? ""))
        }
        // Say exactly what was checked: "all verified" only when something was.
        let verified = r.artefacts.filter { $0.status == .verified }.count + (r.layout?.isValid == true ? 1 : 0)
        if r.findings.isEmpty {
            out.append(
                verified == 0
                    ? "\(b)nothing to verify: no checksum file, OCI layout or pinned download covers anything here"
                    : "\(b)all verified (\(verified) item\(verified == 1 ? "" : "s"))")
        }
        return out
    }
}
