import TrackbotCore

/// `Full Name <email-or-url> (@github-handle)`, the email optional (bashbrew's MaintainersRegex).
public struct Maintainer: Hashable, Codable, Sendable, CustomStringConvertible {
    public var name: String
    public var email: String?
    public var handle: String

    public init(name: String, email: String? = nil, handle: String) {
        self.name = name
        self.email = email
        self.handle = handle
    }

    public static let format = "Full Name <contact-email-or-url> (@github-handle) OR Full Name (@github-handle)"

    /// Matches bashbrew's `^([^\s<>()][^<>()]*)(?:\s+<([^\s<>()]+)>)?\s+[(]@([^\s<>()]+)[)]$`
    /// by hand: `(` and `<` can only appear once each in a valid value, which makes the split unique.
    public init?(parsing text: String) {
        let s = Array(text.unicodeScalars)
        guard s.last == ")", let open = s.firstIndex(of: "("), open + 1 < s.count, s[open + 1] == "@" else {
            return nil
        }
        let handle = s[(open + 2)..<(s.count - 1)]
        guard !handle.isEmpty, handle.allSatisfy({ !Self.isSpace($0) && !Self.isBracket($0) }) else { return nil }
        // Before "(@": at least one blank; the greedy name gives back exactly one blank to `\s+`.
        guard open > 0, Self.isSpace(s[open - 1]) else { return nil }
        var runStart = open - 1
        while runStart > 0, Self.isSpace(s[runStart - 1]) { runStart -= 1 }
        var email: String?
        var nameEnd = open - 1
        if runStart > 0, s[runStart - 1] == ">" {
            let gt = runStart - 1
            guard let lt = s[..<gt].lastIndex(of: "<") else { return nil }
            let e = s[(lt + 1)..<gt]
            guard !e.isEmpty, e.allSatisfy({ !Self.isSpace($0) && !Self.isBracket($0) }) else { return nil }
            email = String(String.UnicodeScalarView(e))
            guard lt > 0, Self.isSpace(s[lt - 1]) else { return nil }
            nameEnd = lt - 1
        }
        let nameScalars = s[0..<nameEnd]
        guard let first = nameScalars.first, !Self.isSpace(first), !Self.isBracket(first),
            nameScalars.allSatisfy({ !Self.isBracket($0) })
        else { return nil }
        self.init(
            name: String(String.UnicodeScalarView(nameScalars)), email: email,
            handle: String(String.UnicodeScalarView(handle)))
    }

    public var description: String {
        [name, email.map { "<\($0)>" }, "(@\(handle))"].compactMap { $0 }.joined(separator: " ")
    }

    /// Go's `\s`: tab, newline, form feed, carriage return, space.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}"
    }

    static func isBracket(_ c: Unicode.Scalar) -> Bool { c == "<" || c == ">" || c == "(" || c == ")" }
}
