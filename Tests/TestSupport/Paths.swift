import Foundation

/// Where the repository and its test data are, from this file's own path.
public enum TestPaths {
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A real repository bundle the tests serve (Tests/Fixtures/corpus; see its README): part of
    /// the repository, so a fresh clone runs every test.
    public static func corpus(_ name: String) throws -> URL {
        let url = packageRoot.appendingPathComponent("Tests/Fixtures/corpus").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TestSupportError.missing(
                "corpus file \(url.path) (it is part of the repository: is the clone complete?)")
        }
        return url
    }

    /// The debug trackbot the tests run as a separate process: beside this test bundle
    /// (`<scratch>/debug/`), else `.build/debug/`. `swift build` (scripts/test runs it) builds it.
    public static func trackbotBinary() throws -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidates = [
            exe.deletingLastPathComponent().appendingPathComponent("trackbot").path,
            packageRoot.appendingPathComponent(".build/debug/trackbot").path,
        ]
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TestSupportError.missing(
                "the debug trackbot binary (looked at \(candidates.joined(separator: ", "))): run `swift build` (scripts/test does) before the tests"
            )
        }
        return found
    }

    public static func fixture(_ relative: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative)
    }
}

public enum TestSupportError: Error, CustomStringConvertible {
    case missing(String)
    case toolMissing(tool: String, package: String)
    case commandFailed(String, status: Int32, output: String)
    case timeout(String)

    public var description: String {
        switch self {
        case .missing(let what): return "missing \(what)"
        case .toolMissing(let tool, let package):
            return
                "`\(tool)` is not installed: run `apt-get install \(package)` (or .ci/run, which installs everything the tests need)"
        case .commandFailed(let cmd, let status, let output): return "`\(cmd)` exited \(status): \(output)"
        case .timeout(let what): return "timed out waiting for \(what)"
        }
    }
}
