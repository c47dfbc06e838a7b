import Foundation
import TestSupport

/// Tests/Fixtures/notify/recorder.py on a free loopback port: an endpoint that records every
/// request it receives (webhook POSTs, heartbeat GETs) and answers with a status the test sets.
final class RequestRecorder: @unchecked Sendable {
    let server: ServerProcess
    private let curl: String
    var url: String { "http://127.0.0.1:\(server.port)" }

    struct Request: Decodable, Sendable {
        var method: String
        var path: String
        var contentType: String
        var body: String
    }

    private init(logDirectory: URL) throws {
        curl = try requireTool("curl", package: "curl")
        server = try ServerProcess.launch(
            name: "recorder-\(UUID().uuidString.prefix(8))", executable: try requireTool("python3", package: "python3"),
            arguments: [TestPaths.fixture("notify/recorder.py").path, "0"], port: 0, logDirectory: logDirectory,
            readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
    }

    static func start(logDirectory: URL) async throws -> RequestRecorder {
        try await offPool { try RequestRecorder(logDirectory: logDirectory) }
    }

    func requests() throws -> [Request] {
        try JSONDecoder().decode(
            [Request].self, from: Data(run(curl, ["-sS", "--fail", url + "/_control/requests"]).utf8))
    }

    /// Answers later requests with `code`.
    func answer(_ code: Int) throws {
        _ = try run(curl, ["-sS", "--fail", "-X", "POST", url + "/_control/status?code=\(code)"])
    }
}

/// `python3 -c` with jsonschema, the validator the SARIF tests use.
enum SchemaValidator {
    /// nil when `document` is valid against `schema`, else the validator's message.
    static func problems(document: URL, schema: URL) throws -> String? {
        let python = try requireTool("python3", package: "python3")
        let script = """
            import json, sys
            try:
                import jsonschema
            except ImportError:
                print("MISSING: python3 jsonschema is not installed: apt-get install python3-jsonschema (scripts/install-deps) or pip install jsonschema")
                sys.exit(3)
            schema = json.load(open(sys.argv[1]))
            errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
            for e in errors:
                print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
            sys.exit(1 if errors else 0)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, schema.path, document.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try spawn { try process.run() }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 3 { throw ValidatorMissing(message: out) }
        return process.terminationStatus == 0 ? nil : out
    }

    struct ValidatorMissing: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
