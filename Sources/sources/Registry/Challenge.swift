/// A parsed `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
public struct Challenge: Sendable, Hashable {
    public var scheme: String
    public var parameters: [String: String]

    public var realm: String? { parameters["realm"] }
    public var service: String? { parameters["service"] }
    public var isBearer: Bool { scheme.lowercased() == "bearer" }
    public var isBasic: Bool { scheme.lowercased() == "basic" }

    /// Parses one header value; nil when it has no scheme.
    public init?(header: String) {
        var s = Substring(header).drop { $0 == " " }
        let scheme = s.prefix { $0 != " " }
        guard !scheme.isEmpty else { return nil }
        self.scheme = String(scheme)
        s = s.dropFirst(scheme.count)
        var params: [String: String] = [:]
        while true {
            s = s.drop { $0 == " " || $0 == "," }
            guard let eq = s.firstIndex(of: "=") else { break }
            let key = s[..<eq].trimmingSpaces().lowercased()
            s = s[s.index(after: eq)...].drop { $0 == " " }
            var value = ""
            if s.first == "\"" {
                s = s.dropFirst()
                var escaped = false
                while let c = s.first {
                    s = s.dropFirst()
                    if escaped {
                        value.append(c)
                        escaped = false
                    } else if c == "\\" {
                        escaped = true
                    } else if c == "\"" {
                        break
                    } else {
                        value.append(c)
                    }
                }
            } else {
                value = String(s.prefix { $0 != "," }).trimmingSpaces()
                s = s.drop { $0 != "," }
            }
            params[key] = value
        }
        parameters = params
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
