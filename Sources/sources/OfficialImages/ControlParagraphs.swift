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
    /// In file order; a repeated key takes the last value and the place where it was last written.
    var fields: [Field] = []

    func line(of key: String) -> Int? { fields.first { $0.key == key }?.line }
    func value(_ key: String) -> String? { fields.first { $0.key == key }?.value }

    /// What one line of the file is, once read.
    private enum Line {
        case skipped
        case blank
        case continuation(String)
        case field(key: String, value: String)
    }

    static func parse(_ text: String, file: String) throws(LibraryFileError) -> [ControlParagraph] {
        var paragraphs: [ControlParagraph] = []
        var current: ControlParagraph?
        // Per paragraph: which fields a repeated key replaced, and (in a long paragraph) where each
        // key is. A repeated key moves to the end without shifting the fields after it (which
        // would make a paragraph of many repeated keys quadratic); replaced fields go when it ends.
        var position: [String: Int] = [:]
        var replaced: [Bool] = []
        func finish() {
            guard var p = current else { return }
            if replaced.contains(true) { p.fields = p.fields.indices.filter { !replaced[$0] }.map { p.fields[$0] } }
            paragraphs.append(p)
            current = nil
            position = [:]
            replaced = []
        }
        var lineNumber = 0
        // Split bytes, not Characters: Swift treats "\r\n" as one Character.
        for rawBytes in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            // ASCII lines (nearly all) are read as bytes; a line with other text is read as
            // Characters, whose grapheme rules can differ from bytes (a combining mark joins the
            // character before it).
            let kind =
                try rawBytes.allSatisfy({ $0 < 0x80 })
                ? classifyASCII(rawBytes, file: file, line: lineNumber)
                : classify(String(decoding: rawBytes, as: UTF8.self), file: file, line: lineNumber)
            switch kind {
            case .skipped:
                continue
            case .blank:
                finish()
            case .continuation(let piece):
                // A continuation line before any field of its paragraph continues no field:
                // pault.ag/go/debian/control files it under the key "" (which no field reads) and
                // goes on, so bashbrew ignores it, and so does trackbot.
                guard current != nil else { continue }
                // The last field is always live: a repeated key is appended, never left behind.
                current!.fields[current!.fields.count - 1].value += "\n" + piece
            case .field(let key, let value):
                if current == nil { current = ControlParagraph(line: lineNumber) }
                let count = current!.fields.count
                // The field this key was last written in: a short paragraph (nearly all) is
                // searched directly, a long one through `position`, built once it is long.
                var previous: Int?
                if count < 32 {
                    previous = current!.fields.lastIndex { $0.key == key }
                } else {
                    if position.isEmpty {
                        for i in 0..<count where !replaced[i] { position[current!.fields[i].key] = i }
                    }
                    previous = position[key]
                    position[key] = count
                }
                // The repeated key goes last, so that continuation lines attach to it.
                if let i = previous { replaced[i] = true }
                current!.fields.append(Field(key: key, value: value, line: lineNumber))
                replaced.append(false)
            }
        }
        finish()
        return paragraphs
    }

    /// One line of ASCII bytes (without its "\n").
    private static func classifyASCII(_ raw: ArraySlice<UInt8>, file: String, line: Int) throws(LibraryFileError)
        -> Line
    {
        var end = raw.endIndex
        if end > raw.startIndex, raw[raw.index(before: end)] == 0x0D { end = raw.index(before: end) }
        let bytes = raw[raw.startIndex..<end]
        // Comment lines disappear before paragraphs are found, so they never split one.
        if let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0B && $0 != 0x0C }),
            bytes[first] == 0x23
        {
            return .skipped
        }
        guard let head = bytes.first else { return .blank }
        if head == 0x20 || head == 0x09 {
            // Continuation: drop the first character, trim the right; " ." is an empty line.
            var piece = bytes.dropFirst()
            while let l = piece.last, l == 0x20 || l == 0x09 || l == 0x0D { piece = piece.dropLast() }
            return .continuation(
                piece.elementsEqual(CollectionOfOne(0x2E)) ? "" : String(decoding: piece, as: UTF8.self))
        }
        guard let colon = bytes.firstIndex(of: 0x3A) else {
            throw LibraryFileError(file: file, line: line, problem: .notKeyValue(String(decoding: raw, as: UTF8.self)))
        }
        return .field(
            key: ASCII.trimmedString(bytes[..<colon]), value: ASCII.trimmedString(bytes[bytes.index(after: colon)...]))
    }

    /// One line of any text, read as Characters.
    private static func classify(_ raw: String, file: String, line lineNumber: Int) throws(LibraryFileError) -> Line {
        var line = raw[...]
        if line.last == "\r" { line = line.dropLast() }
        if line.drop(while: { $0 == " " || $0 == "\t" || $0 == "\u{0B}" || $0 == "\u{0C}" }).first == "#" {
            return .skipped
        }
        if line.isEmpty { return .blank }
        if line.first == " " || line.first == "\t" {
            var piece = line.dropFirst()
            while let l = piece.last, l == " " || l == "\t" || l == "\r" { piece = piece.dropLast() }
            return .continuation(piece == "." ? "" : String(piece))
        }
        guard let colon = line.firstIndex(of: ":") else {
            throw LibraryFileError(file: file, line: lineNumber, problem: .notKeyValue(raw))
        }
        return .field(key: String(line[..<colon]).trimmed, value: String(line[line.index(after: colon)...]).trimmed)
    }
}

extension StringProtocol {
    /// Trims what Go's strings.TrimSpace trims for ASCII text.
    var trimmed: String {
        if let fast = utf8.withContiguousStorageIfAvailable({ ASCII.isASCII($0) ? ASCII.trimmedString($0) : nil }),
            let fast
        {
            return fast
        }
        let isSpace: (Character) -> Bool = {
            $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" || $0 == "\r\n"
        }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }

    /// bashbrew's list fields: split on ",", each element trimmed of "\n\r\t ". An empty value is
    /// one empty element (`[""]`, not `[]`), as pault.ag/go/debian/control splits it, so that
    /// `Architectures:` with nothing after it is an invalid architecture "", as in bashbrew, and
    /// does not fall back to the inherited list.
    var listElements: [String] {
        if let fast = utf8.withContiguousStorageIfAvailable({ ASCII.isASCII($0) ? ASCII.listElements($0) : nil }),
            let fast
        {
            return fast
        }
        return split(separator: ",", omittingEmptySubsequences: false).map {
            let isStrip: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            guard let s = $0.firstIndex(where: { !isStrip($0) }) else { return "" }
            let e = $0.lastIndex(where: { !isStrip($0) })!
            return String($0[s...e])
        }
    }
}
