/// The words for a report's data (`Verified`, `TagNote`), which are Reporting's: an encoder that
/// encodes a report must carry them in its `userInfo` under `key` (Reporting's `JSONOutput` does).
/// The JSON report gives each value as its words, the strings users' scripts read.
public struct ReportWording: Sendable {
    public var verified: @Sendable (Verified) -> String
    public var note: @Sendable (TagNote) -> String

    public init(verified: @escaping @Sendable (Verified) -> String, note: @escaping @Sendable (TagNote) -> String) {
        self.verified = verified
        self.note = note
    }

    public static let key = CodingUserInfoKey(rawValue: "trackbot.report.wording")!

    /// The wording `encoder` carries; an encoder without one (not set up by Reporting) cannot
    /// encode `value`.
    static func of(_ encoder: any Encoder, for value: Any) throws -> ReportWording {
        guard let wording = encoder.userInfo[key] as? ReportWording else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: encoder.codingPath,
                    debugDescription:
                        "a report's data is encoded in Reporting's words; encode the report with Reporting's JSONOutput"
                ))
        }
        return wording
    }
}
