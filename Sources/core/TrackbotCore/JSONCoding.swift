import Foundation

/// The one JSON encoder set-up. Everything trackbot writes for people and for diffs (the state
/// file, `--format json`, `digests`, the verification bench) is `readable`: pretty, keys sorted
/// (stable diffs), slashes not escaped; those outputs must stay byte-identical from run to run.
/// Request bodies sent to APIs are `compact`: the same but on one line.
public enum JSONCoding {
    /// Pretty, sorted keys, unescaped slashes.
    public static func readableEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// One line, sorted keys, unescaped slashes: request bodies.
    public static func compactEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as readable JSON text with a final newline.
    public static func readable<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try readableEncoder().encode(value), as: UTF8.self) + "\n"
    }
}
