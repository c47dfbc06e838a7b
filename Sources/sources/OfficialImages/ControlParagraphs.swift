import TrackbotCore

/// The RFC 2822 layer of a library file, as bashbrew reads it (its comment stripper, then
/// pault.ag/go/debian/control): comment lines dropped, paragraphs split on empty lines,
/// continuation lines folded, `Key: value` fields with their line numbers.
struct ControlParagraph {
    struct Field {
        var key: String
        var value: String
        var line: Int
    }

    var line: Int
    /// In first-seen order; a repeated key keeps its first position and takes the last value.
    var fields: [Field] = []

    func line(of key: String) -> Int? { fields.first { $0.key == key }?.line }
    func value(_ key: String) -> String? { fields.first { $0.key == key }?.value }

    static func parse(_ text: String, file: String) throws(LibraryFileError) -> [ControlParagraph] {
        var paragraphs: [ControlParagraph] = []
        var current: ControlParagraph?
        var lineNumber = 0
        // Split bytes, not Characters: Swift treats "\r\n" as one Character.
        for rawBytes in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let raw = String(decoding: rawBytes, as: UTF8.self)
            var line = raw[...]
            if line.last == "\r" { line = line.dropLast() }
            // Comment lines disappear before paragraphs are found, so they never split one.
            if line.drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0B}" || $0 == "\u{0C}" }).first == "#" {
                continue
            }
            if line.isEmpty {
                if let p = current { paragraphs.append(p) }
                current = nil
                continue
            }
            if line.first == " " || line.first == "\t" {
                // Continuation: drop the first character, trim the right; " ." is an empty line.
                var piece = line.dropFirst()
                while let l = piece.last, l == " " || l == "\t" || l == "\r" { piece = piece.dropLast() }
                guard var p = current, !p.fields.isEmpty else {
                    throw LibraryFileError(file: file, line: lineNumber, problem: .continuationWithoutKey(String(raw)))
                }
                p.fields[p.fields.count - 1].value += "\n" + (piece == "." ? "" : piece)
                current = p
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw LibraryFileError(file: file, line: lineNumber, problem: .notKeyValue(String(raw)))
            }
            let key = String(line[..<colon]).trimmed
            let value = String(line[line.index(after: colon)...]).trimmed
            var p = current ?? ControlParagraph(line: lineNumber)
            if let i = p.fields.firstIndex(where: { $0.key == key }) {
                p.fields[i].value = value
                p.fields[i].line = lineNumber
                // Keep the repeated key last so that continuation lines attach to it.
                p.fields.append(p.fields.remove(at: i))
            } else {
                p.fields.append(Field(key: key, value: value, line: lineNumber))
            }
            current = p
        }
        if let p = current { paragraphs.append(p) }
        return paragraphs
    }
}

extension StringProtocol {
    /// Trims what Go's strings.TrimSpace trims for ASCII text.
    var trimmed: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }

    /// bashbrew's list fields: split on ",", each element trimmed of "\n\r\t ".
    var listElements: [String] {
        if trimmed.isEmpty { return [] }
        return split(separator: ",", omittingEmptySubsequences: false).map {
            let isStrip: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            guard let s = $0.firstIndex(where: { !isStrip($0) }) else { return "" }
            let e = $0.lastIndex(where: { !isStrip($0) })!
            return String($0[s...e])
        }
    }
}
