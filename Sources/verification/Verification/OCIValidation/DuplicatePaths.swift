/// Paths a layer's tar holds more than once (ggcr's validate refuses them: what extraction
/// leaves depends on the order). Fed in the pass that reads the layer; memory is bounded by the
/// tar caps on entries and name bytes.
public struct DuplicatePaths: Sendable {
    /// At most this many repeated paths are named (the rest are counted).
    public static let kept = 5

    private var seen = Set<String>()
    public private(set) var repeated: [String] = []
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ path: String) {
        if seen.insert(path).inserted { return }
        count += 1
        if repeated.count < Self.kept { repeated.append(path) }
    }

    /// One problem naming the repeated paths of layer `field` (`layers[0]`), or none.
    public func problems(document: String, field: String) -> [OCIProblem] {
        guard count > 0 else { return [] }
        let more = count > repeated.count ? " and \(count - repeated.count) more" : ""
        return [
            OCIProblem(
                document: document, field: field, rule: .duplicatePath,
                message: "holds \(count) path\(count == 1 ? "" : "s") more than once: "
                    + repeated.map { "\"\(OCISchema.cut($0))\"" }.joined(separator: ", ") + more,
                actual: repeated.first)
        ]
    }
}
