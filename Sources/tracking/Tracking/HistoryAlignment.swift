import Foundation
import TrackbotCore
import Verification

/// Lines up an image config's history with the Dockerfile's final stage. Both sides are
/// normalised to `KEYWORD arguments` (builders decorate `created_by` in several ways), then
/// matched by longest common subsequence; history entries before the first match are the
/// parent's.
public enum HistoryAlignment {
    /// One history entry as `KEYWORD arguments`, whitespace collapsed.
    public static func normalise(createdBy raw: String) -> String {
        var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.hasSuffix("# buildkit") { s = String(s.dropLast("# buildkit".count)).trimmingCharacters(in: .whitespaces) }
        // BuildKit's RUN with build args: `|2 A=1 B=2 /bin/sh -c …`.
        if s.hasPrefix("|"), let space = s.firstIndex(of: " "), let n = Int(s[s.index(after: s.startIndex)..<space]) {
            var rest = Substring(s[s.index(after: space)...])
            for _ in 0..<n {
                rest = rest.drop { $0 != " " }.drop { $0 == " " }
            }
            s = String(rest)
        }
        var runPrefix = false
        if s.hasPrefix("RUN ") {
            s = String(s.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            runPrefix = true
        }
        for shell in ["/bin/sh -c ", "/bin/bash -c ", "cmd /S /C ", "powershell -Command "] where s.hasPrefix(shell) {
            s = String(s.dropFirst(shell.count))
            runPrefix = true
            break
        }
        if s.hasPrefix("#(nop)") {
            s = String(s.dropFirst("#(nop)".count)).trimmingCharacters(in: .whitespaces)
            runPrefix = false
        }
        if runPrefix { s = "RUN " + s }
        return collapse(s)
    }

    /// One instruction as `KEYWORD arguments` (flags kept, whitespace collapsed).
    public static func normalise(_ i: DockerfileInstruction) -> String {
        let flags = i.flags.map { f in "--\(f.name)" + (f.value.map { "=\($0)" } ?? "") }
        return collapse(([i.keyword.uppercased()] + flags + [i.arguments]).joined(separator: " "))
    }

    /// Whitespace runs to one space; no spaces just inside JSON brackets or after commas, so
    /// `CMD [ "a", "b" ]` and `CMD ["a","b"]` compare equal.
    public static func collapse(_ s: String) -> String {
        var out = s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
        for (a, b) in [("[ ", "["), (" ]", "]"), (", ", ","), (" ,", ",")] {
            while out.contains(a) { out = out.replacingOccurrences(of: a, with: b) }
        }
        return out
    }

    /// Whether the two normalised forms say the same: equal, or (classic builders record
    /// `ADD file:<hash> in <dest>`) the same ADD/COPY destination.
    public static func same(_ history: String, _ instruction: String) -> Bool {
        if history == instruction { return true }
        let h = history.split(separator: " "), i = instruction.split(separator: " ")
        guard let hk = h.first, let ik = i.first, hk == ik, hk == "ADD" || hk == "COPY", h.count >= 4,
            h[h.count - 2] == "in", h[1].hasPrefix("file:") || h[1].hasPrefix("dir:") || h[1].hasPrefix("multi:")
        else { return false }
        return h.last == i.last
    }

    /// Aligns `history` (oldest first) with the final stage's instructions (FROM left out).
    public static func align(history: [ImageConfig.History], dockerfile: Dockerfile) -> [HistoryRow] {
        let last = dockerfile.stages.count - 1
        let instructions = dockerfile.instructions.filter { $0.stage == last && $0.keyword.uppercased() != "FROM" }
        let h = history.map { normalise(createdBy: $0.createdBy ?? "") }
        let d = instructions.map(normalise)
        // LCS table, from the ends.
        var table = [[Int]](repeating: [Int](repeating: 0, count: d.count + 1), count: h.count + 1)
        for x in stride(from: h.count - 1, through: 0, by: -1) {
            for y in stride(from: d.count - 1, through: 0, by: -1) {
                table[x][y] = same(h[x], d[y]) ? table[x + 1][y + 1] + 1 : max(table[x + 1][y], table[x][y + 1])
            }
        }
        func historyRow(_ x: Int, _ status: HistoryRow.Status) -> HistoryRow {
            HistoryRow(
                status: status, createdBy: history[x].createdBy, history: h[x], emptyLayer: history[x].emptyLayer)
        }
        func instructionRow(_ y: Int) -> HistoryRow {
            let status: HistoryRow.Status =
                instructions[y].keyword.uppercased() == "ARG" ? .notRecorded : .onlyInDockerfile
            return HistoryRow(status: status, instruction: d[y], line: instructions[y].line)
        }
        var rows: [HistoryRow] = []
        var x = 0, y = 0
        var pendingHistory: [Int] = [], pendingInstructions: [Int] = []
        var matchedAny = false
        func flush() {
            // Before the first match, the history's entries are the parent's, except as many of
            // the last ones as there are unmatched instructions (a scratch image has no parent).
            if !matchedAny && !dockerfile.parentIsScratch {
                let recorded = pendingInstructions.filter { instructions[$0].keyword.uppercased() != "ARG" }.count
                for hx in pendingHistory.dropLast(recorded) { rows.append(historyRow(hx, .inherited)) }
                pendingHistory = Array(pendingHistory.suffix(recorded))
            }
            // A gap with entries on both sides: an entry and an instruction with the same keyword
            // are one difference; the rest are one-sided.
            var unpaired = pendingHistory
            for dy in pendingInstructions {
                let keyword = d[dy].prefix { $0 != " " }
                if instructions[dy].keyword.uppercased() != "ARG",
                    let k = unpaired.firstIndex(where: { h[$0].prefix { $0 != " " } == keyword })
                {
                    let hx = unpaired.remove(at: k)
                    rows.append(
                        HistoryRow(
                            status: .differs, createdBy: history[hx].createdBy, history: h[hx],
                            emptyLayer: history[hx].emptyLayer, instruction: d[dy], line: instructions[dy].line))
                } else {
                    rows.append(instructionRow(dy))
                }
            }
            for hx in unpaired { rows.append(historyRow(hx, .onlyInImage)) }
            pendingHistory = []
            pendingInstructions = []
        }
        while x < h.count || y < d.count {
            if x < h.count, y < d.count, same(h[x], d[y]), table[x][y] == table[x + 1][y + 1] + 1 {
                flush()
                rows.append(
                    HistoryRow(
                        status: .match, createdBy: history[x].createdBy, history: h[x],
                        emptyLayer: history[x].emptyLayer,
                        instruction: d[y], line: instructions[y].line))
                matchedAny = true
                x += 1
                y += 1
            } else if x < h.count, y == d.count || table[x + 1][y] >= table[x][y + 1] {
                pendingHistory.append(x)
                x += 1
            } else {
                pendingInstructions.append(y)
                y += 1
            }
        }
        flush()
        return rows
    }
}

/// One line of the side-by-side view.
public struct HistoryRow: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// The history entry is the instruction.
        case match
        /// Both sides have an entry at this place and they differ.
        case differs
        /// From the parent image (before the Dockerfile's first instruction): not compared.
        case inherited
        /// A history entry no instruction explains.
        case onlyInImage = "only-in-image"
        /// An instruction the history does not record.
        case onlyInDockerfile = "only-in-dockerfile"
        /// An instruction builders do not record in history (ARG): not a difference.
        case notRecorded = "not-recorded"

        /// Whether the row is a difference worth a finding.
        public var isMismatch: Bool { self == .differs || self == .onlyInImage || self == .onlyInDockerfile }
    }

    public var status: Status
    /// The history entry's `created_by` as recorded, and normalised for comparison.
    public var createdBy: String?
    public var history: String?
    public var emptyLayer: Bool?
    /// The instruction (normalised) and its line in the Dockerfile.
    public var instruction: String?
    public var line: Int?

    public init(
        status: Status, createdBy: String? = nil, history: String? = nil, emptyLayer: Bool? = nil,
        instruction: String? = nil, line: Int? = nil
    ) {
        self.status = status
        self.createdBy = createdBy
        self.history = history
        self.emptyLayer = emptyLayer
        self.instruction = instruction
        self.line = line
    }
}
