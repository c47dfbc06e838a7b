import Foundation

/// A directory removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ prefix: String = "trackbot-test") throws {
        let base = FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func appending(_ component: String) -> URL { url.appendingPathComponent(component) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

extension TemporaryDirectory {
    /// For a shared world held in a static (never released): removed when the test process exits.
    public func removedAtExit() -> TemporaryDirectory {
        LiveServers.shared.removeAtExit(url)
        return self
    }
}
