import Foundation
import Reporting
import TrackbotCore
import Verification

/// `trackbot verify SOURCE`: checksums and OCI layouts of one upstream directory.
public enum VerifyCommand {
    public struct Request: Sendable {
        public var source: String
        /// `File` of the library entry (default Dockerfile, or index.json for oci-import).
        public var file: String?
        /// `Builder` of the library entry; `oci-import` verifies an OCI layout.
        public var builder: String?

        public init(source: String, file: String? = nil, builder: String? = nil) {
            self.source = source
            self.file = file
            self.builder = builder
        }
    }

    public static func run(_ request: Request, options: GlobalOptions) async throws -> CommandResult {
        let spec = try SourceSpec(parsing: request.source)
        let report: VerificationReport
        switch spec {
        case .local(let path):
            let url = URL(fileURLWithPath: path)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
                throw UsageError("\(path) is not a directory (verify takes a folder, or REPO#COMMIT:DIR)")
            }
            let builder =
                request.builder
                ?? (FileManager.default.fileExists(atPath: url.appendingPathComponent("oci-layout").path)
                    ? "oci-import" : "")
            report = try await runBlocking("trackbot.verify") {
                try Verifier(tree: try LocalSourceTree(root: url.path)).verify(
                    directory: "", file: request.file, builder: builder)
            }
        case .git(let repo, let commit, let directory):
            // The configuration file's [rewrite], cache-dir and [git] apply, as for check.
            report = try await RunContext.load(options).sources.verify(
                repo: repo, commit: commit, directory: directory,
                file: request.file, builder: request.builder)
        }
        let alert = report.findings.contains { $0.severity == .alert }
        return CommandResult(
            output: try VerificationRenderer.render(report, format: options.format), exitCode: alert ? 1 : 0)
    }
}

/// Where `verify` reads from: a local folder, or `REPO#COMMIT:DIR` (the form of the
/// `org.opencontainers.image.source` annotation).
public enum SourceSpec: Equatable, Sendable {
    case local(String)
    case git(repo: String, commit: String, directory: String)

    public init(parsing text: String) throws {
        guard let hash = text.lastIndex(of: "#"), text.contains("://") || text.hasPrefix("git@") else {
            self = .local(text)
            return
        }
        let repo = String(text[..<hash])
        let rest = text[text.index(after: hash)...]
        let commit = String(rest.prefix { $0 != ":" })
        let dir = String(rest.dropFirst(commit.count).drop { $0 == ":" })
        guard !repo.isEmpty, !commit.isEmpty else {
            throw UsageError(
                "\"\(text)\" is not REPO#COMMIT:DIR (for example https://github.com/alpinelinux/docker-alpine.git#7d63673353bd39d92ba42f6effcc199aeebd45ee:x86_64)"
            )
        }
        self = .git(repo: repo, commit: commit, directory: dir.isEmpty ? "." : dir)
    }
}
