import Foundation
import TestSupport
import Testing

/// Every message that asks the reader to raise, increase or lower something names a real
/// setting: a key of docs/configuration.md's table (`git.stall-timeout`, or `[git] stall-timeout`
/// as TOML writes it) or a command-line flag that the man page, generated from the command
/// definitions, lists. A built-in limit is said to be built in instead.
@Suite struct SettingNamesTests {
    @Test func everyRaiseNamesARealSetting() throws {
        let root = TestPaths.packageRoot
        let keys = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let man = try String(contentsOf: root.appendingPathComponent("docs/man/trackbot.1"), encoding: .utf8)
        let verb = try Regex(#"(?i)\b(raise|increase|lower)\s+(\[[a-z-]+\]\s+)?([A-Za-z0-9_.\-]+)"#)
        var checked = 0
        let files = FileManager.default.enumerator(atPath: root.appendingPathComponent("Sources").path)!
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent("Sources/\(file)"), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                // Messages only: the part of the line inside a string literal, not comments.
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//"), let quote = line.firstIndex(of: "\"") else { continue }
                for match in line[quote...].matches(of: verb) {
                    let table = match.output[2].substring.map {
                        $0.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    }
                    let name = String(match.output[3].substring ?? "")
                    let key = table.map { "\($0).\(name)" } ?? name
                    checked += 1
                    let real =
                        keys.contains("| `\(key)` |")
                        || (key.hasPrefix("--") && man.contains(".It Fl -\(key.dropFirst(2)) "))
                    #expect(
                        real, "Sources/\(file):\(number + 1): \"\(match.output[0].substring ?? "")\" names no setting")
                }
            }
        }
        #expect(checked >= 3, "the messages that name settings were not found")
    }
}
