import Foundation

// The string formats image-spec's schemas name: media types, digests, URIs, base64.
extension OCISchema {
    /// defs-descriptor.json's mediaType: `^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$`.
    static func isMediaType(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, part.unicodeScalars.count <= 127, isAlnum(first) else {
                return false
            }
            return part.unicodeScalars.allSatisfy { isAlnum($0) || "!#$&^_.+-".unicodeScalars.contains($0) }
        }
    }

    /// Why `s` is not a digest (defs-descriptor.json's pattern, then the encoding of the
    /// algorithms go-digest registers); nil when it is one. Unregistered algorithms pass, as
    /// image-spec's validator lets them.
    static func digestProblem(_ s: String) -> String? {
        guard let colon = s.firstIndex(of: ":") else { return "has no algorithm (algorithm:encoded)" }
        let algorithm = s[..<colon], encoded = s[s.index(after: colon)...]
        // algorithm: `[a-z0-9]+(?:[+._-][a-z0-9]+)*`
        let components = algorithm.split(omittingEmptySubsequences: false) { "+._-".contains($0) }
        guard
            components.allSatisfy({ c in
                !c.isEmpty && c.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
            })
        else { return "has an invalid algorithm \"\(cut(String(algorithm)))\"" }
        guard !encoded.isEmpty,
            encoded.unicodeScalars.allSatisfy({ isAlnum($0) || "=_-".unicodeScalars.contains($0) })
        else { return "has an invalid encoded part" }
        let lengths = ["sha256": 64, "sha384": 96, "sha512": 128]
        if let length = lengths[String(algorithm)] {
            let hex = encoded.unicodeScalars.allSatisfy { ("a"..."f").contains($0) || ("0"..."9").contains($0) }
            if !hex || encoded.count != length {
                return "is not \(algorithm):<\(length) lowercase hex digits>"
            }
        }
        return nil
    }

    /// The `uri` format: an absolute URI (a scheme, then `:`), with no characters a URI never holds.
    static func isURI(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":"), let first = s.unicodeScalars.first,
            ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        else { return false }
        let scheme = s[..<colon]
        guard scheme.unicodeScalars.allSatisfy({ isAlnum($0) || "+.-".unicodeScalars.contains($0) }) else {
            return false
        }
        return s.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7F && !"<>\"{}|\\^`".unicodeScalars.contains($0)
        }
            && URL(string: s) != nil
    }

    /// Standard padded base64 (Go's `base64.StdEncoding`), decoded; nil when it is not.
    static func base64(_ s: String) -> [UInt8]? {
        let scalars = Array(s.unicodeScalars)
        guard scalars.count % 4 == 0 else { return nil }
        let padding = scalars.reversed().prefix { $0 == "=" }.count
        guard padding <= 2 else { return nil }
        let body = scalars.dropLast(padding)
        guard body.allSatisfy({ isAlnum($0) || $0 == "+" || $0 == "/" }) else { return nil }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }

    private static func isAlnum(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    /// At most 120 characters of a value from the document, for a message.
    static func cut(_ s: String) -> String { s.count > 120 ? String(s.prefix(120)) + "…" : s }
}
