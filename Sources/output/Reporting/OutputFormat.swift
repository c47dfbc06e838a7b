/// How a command prints its result.
public enum OutputFormat: String, CaseIterable, Sendable, Codable {
    case text, json, markdown
}
