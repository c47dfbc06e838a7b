/// The authority of a URL (`scheme://[userinfo@]host[:port]/…`), parsed once for every module:
/// scheme and host lowercased, the user information dropped (it is a credential, never part of
/// an identity), the port checked and filled in from the scheme when it has a default, IPv6
/// literals kept in their brackets (`[::1]`).
///
/// Stricter than the copies it replaces, on purpose: a non-numeric or out-of-range port, an
/// empty host, an unbracketed IPv6 address, or whitespace or control characters in the host make
/// the URL unreadable (nil) rather than "some host"; an explicit default port (`:443` on https) is
/// the same authority as none; loopback means `localhost`, `127.x.y.z` with four numeric parts,
/// or `[::1]`, never a name that merely starts with `127.`.
public struct URLAuthority: Hashable, Sendable, CustomStringConvertible {
    /// Lowercased (`https`).
    public let scheme: String
    /// Lowercased; an IPv6 literal with its brackets.
    public let host: String
    /// The port written, else the scheme's default; nil when neither exists.
    public let port: Int?

    /// Parses `scheme://authority…`; nil when there is no `://`, or the authority is unreadable.
    public init?(url: String) {
        guard let range = Self.authorityRange(in: url) else { return nil }
        let scheme = url[..<url.range(of: "://")!.lowerBound]
        self.init(authority: url[range], scheme: String(scheme))
    }

    /// Parses `[userinfo@]host[:port]` for `scheme`.
    public init?<S: StringProtocol>(authority: S, scheme: String) {
        let scheme = scheme.lowercased()
        guard !scheme.isEmpty,
            scheme.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789+-.".unicodeScalars.contains($0))
            })
        else { return nil }
        var rest = Substring(authority)
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var host: Substring, portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[...close]
            let after = rest[rest.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
            guard host.count > 2,
                host.dropFirst().dropLast().allSatisfy({ $0.isHexDigit && $0.isASCII || $0 == ":" || $0 == "." })
            else { return nil }
        } else {
            let colons = rest.filter { $0 == ":" }.count
            guard colons <= 1 else { return nil }  // an IPv6 address must be bracketed
            if let colon = rest.firstIndex(of: ":") {
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            } else {
                host = rest
                portText = nil
            }
        }
        guard !host.isEmpty,
            !host.unicodeScalars.contains(where: {
                $0.value <= 0x20 || $0.value == 0x7f || $0 == "/" || $0 == "\\" || $0 == "?" || $0 == "#"
            })
        else { return nil }
        var port = Self.defaultPort(scheme: scheme)
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let value = Int(portText), value <= 65535
            else { return nil }
            port = value
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    /// The port a scheme uses when none is written.
    public static func defaultPort(scheme: String) -> Int? {
        switch scheme.lowercased() {
        case "http": return 80
        case "https": return 443
        case "git": return 9418
        case "ssh": return 22
        case "ftp": return 21
        default: return nil
        }
    }

    /// Where the authority of `url` lies: after `://`, up to the first `/`, `?` or `#`.
    public static func authorityRange(in url: String) -> Range<String.Index>? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let after = url[schemeEnd.upperBound...]
        let end = after.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? after.endIndex
        return schemeEnd.upperBound..<end
    }

    /// Whether the port is the scheme's default (or there is none).
    public var hasDefaultPort: Bool { port == nil || port == Self.defaultPort(scheme: scheme) }

    /// `host`, with `:port` when it is not the scheme's default.
    public var hostPort: String { hasDefaultPort ? host : "\(host):\(port!)" }

    /// `scheme://host[:port]`, the default port left out: the origin credentials belong to.
    public var origin: String { "\(scheme)://\(hostPort)" }

    /// `scheme://host:port` with the port always written (when known): a connection-pool key.
    public var key: String { port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)" }

    /// The host without brackets (`::1` for `[::1]`).
    public var bareHost: String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// `localhost`, `127.x.y.z` (four numeric parts) or `[::1]`.
    public var isLoopback: Bool { Self.isLoopback(host: host) }

    /// Whether a host (`host`, `host:port`, `[v6]` or `[v6]:port`) names the loopback interface.
    public static func isLoopback(host text: String) -> Bool {
        guard let parsed = URLAuthority(authority: text, scheme: "loopback-check") else { return false }
        let host = parsed.host
        if host == "localhost" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy {
            $0.count <= 3 && !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } && Int($0)! <= 255
        }
    }

    public var description: String { origin }
}
