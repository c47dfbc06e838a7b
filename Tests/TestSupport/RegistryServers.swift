import Foundation
import TrackbotCore

// Local registries for tests: Debian's docker-registry filled with skopeo from OCI layouts built
// here, a token server that signs RS256 JWTs, and a fault-injecting proxy (both Python, in
// Tests/Fixtures/registry).

/// One blob written into an OCI layout.
public struct BuiltBlob: Sendable, Hashable {
    public var digest: Digest
    public var size: Int
    public var mediaType: String

    /// The descriptor as a JSON object.
    public func descriptor(platform: [String: String]? = nil, annotations: [String: String]? = nil) -> [String: Any] {
        var d: [String: Any] = ["mediaType": mediaType, "digest": digest.description, "size": size]
        if let platform { d["platform"] = platform }
        if let annotations { d["annotations"] = annotations }
        return d
    }
}

/// Builds an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/`) byte by byte.
public final class OCILayoutBuilder: @unchecked Sendable {
    public let directory: URL
    private var refs: [[String: Any]] = []

    public init(_ directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: directory.appendingPathComponent("oci-layout"))
    }

    @discardableResult
    public func blob(_ bytes: Data, mediaType: String) throws -> BuiltBlob {
        let digest = StreamingHasher.digest(bytes)
        try bytes.write(to: directory.appendingPathComponent("blobs/sha256/\(digest.hex)"))
        return BuiltBlob(digest: digest, size: bytes.count, mediaType: mediaType)
    }

    /// A JSON document as a blob; keys sorted so the bytes (and digest) are stable.
    @discardableResult
    public func json(_ object: [String: Any], mediaType: String) throws -> BuiltBlob {
        try blob(
            JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
            mediaType: mediaType)
    }

    /// A gzip-compressed tar layer holding `files`; returns the blob and the uncompressed diff ID.
    public func layer(
        _ files: [(path: String, content: String)], mediaType: String = "application/vnd.oci.image.layer.v1.tar+gzip"
    )
        throws -> (blob: BuiltBlob, diffID: Digest)
    {
        let tar = TarWriter.archive(files)
        let tmp = directory.appendingPathComponent("layer-\(UUID().uuidString).tar")
        try tar.write(to: tmp)
        try run(registryTool("gzip", package: "gzip"), ["-n", "-9", tmp.path])
        let gz = try Data(contentsOf: URL(fileURLWithPath: tmp.path + ".gz"))
        try FileManager.default.removeItem(atPath: tmp.path + ".gz")
        return (try blob(gz, mediaType: mediaType), StreamingHasher.digest(tar))
    }

    /// An image for one platform: one layer, a config with history and labels, a manifest.
    public func image(
        architecture: String, os: String = "linux", variant: String? = nil, content: String,
        labels: [String: String] = [:], docker: Bool = false, annotations: [String: String]? = nil
    ) throws -> BuiltBlob {
        let layer = try layer(
            [(path: "etc/os-release", content: content), (path: "bin/hello", content: "#!/bin/sh\necho \(content)\n")],
            mediaType: docker
                ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : "application/vnd.oci.image.layer.v1.tar+gzip")
        var config: [String: Any] = [
            "architecture": architecture, "os": os, "created": "2026-08-22T00:00:00Z",
            "config": ["Cmd": ["/bin/sh"], "Env": ["PATH=/usr/bin:/bin"], "Labels": labels],
            "rootfs": ["type": "layers", "diff_ids": [layer.diffID.description]],
            "history": [
                ["created": "2026-08-22T00:00:00Z", "created_by": "ADD rootfs.tar.gz / # buildkit"],
                ["created": "2026-08-22T00:00:00Z", "created_by": "CMD [\"/bin/sh\"]", "empty_layer": true],
            ],
        ]
        if let variant { config["variant"] = variant }
        let configBlob = try json(
            config,
            mediaType: docker
                ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json")
        let type =
            docker
            ? "application/vnd.docker.distribution.manifest.v2+json" : "application/vnd.oci.image.manifest.v1+json"
        var manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": type, "config": configBlob.descriptor(),
            "layers": [layer.blob.descriptor()],
        ]
        if let annotations { manifest["annotations"] = annotations }
        return try json(manifest, mediaType: type)
    }

    /// A BuildKit-style attestation manifest about `subject`: one in-toto layer per statement,
    /// the provenance (when given) first, then an SPDX SBOM (when `sbom`), each layer annotated
    /// with its predicate type, as BuildKit writes them.
    public func attestation(for subject: Digest, provenance: BuildKitProvenance?, sbom: Bool = true) throws -> BuiltBlob
    {
        var statements: [(BuiltBlob, String)] = []
        if let provenance {
            statements.append(
                (
                    try blob(provenance.statement(subject: subject), mediaType: "application/vnd.in-toto+json"),
                    provenance.version.rawValue
                ))
        }
        if sbom {
            statements.append(
                (
                    try blob(BuildKitProvenance.spdx(subject: subject), mediaType: "application/vnd.in-toto+json"),
                    "https://spdx.dev/Document"
                ))
        }
        let config = try json(
            [
                "architecture": "unknown", "os": "unknown", "config": [String: String](),
                "rootfs": ["type": "layers", "diff_ids": statements.map { $0.0.digest.description }],
            ],
            mediaType: "application/vnd.oci.image.config.v1+json")
        return try json(
            [
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config.descriptor(),
                "layers": statements.map { $0.0.descriptor(annotations: ["in-toto.io/predicate-type": $0.1]) },
            ],
            mediaType: "application/vnd.oci.image.manifest.v1+json")
    }

    /// Records `manifest` in `index.json` under `tag` (what `oci:DIR:TAG` names).
    public func tag(_ manifest: BuiltBlob, _ tag: String) {
        refs.append(manifest.descriptor(annotations: ["org.opencontainers.image.ref.name": tag]))
    }

    public func writeIndex() throws {
        let data = try JSONSerialization.data(
            withJSONObject: ["schemaVersion": 2, "manifests": refs], options: [.sortedKeys, .withoutEscapingSlashes])
        try data.write(to: directory.appendingPathComponent("index.json"))
    }
}

/// A minimal ustar writer (regular files, fixed owner and times) for test layers.
public enum TarWriter {
    public static func archive(_ files: [(path: String, content: String)]) -> Data {
        var out = Data()
        for file in files {
            let body = Data(file.content.utf8)
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ s: String, _ offset: Int, _ length: Int) {
                for (i, b) in s.utf8.prefix(length).enumerated() { header[offset + i] = b }
            }
            func octal(_ v: Int, _ width: Int) -> String {
                let s = String(v, radix: 8)
                return String(repeating: "0", count: max(0, width - 1 - s.count)) + s
            }
            put(file.path, 0, 100)
            put(octal(file.path.hasPrefix("bin/") ? 0o755 : 0o644, 8), 100, 8)
            put(octal(0, 8), 108, 8)
            put(octal(0, 8), 116, 8)
            put(octal(body.count, 12), 124, 12)
            put(octal(1_755_820_800, 12), 136, 12)
            put("        ", 148, 8)
            header[156] = UInt8(ascii: "0")
            put("ustar", 257, 6)
            put("00", 263, 2)
            put("root", 265, 32)
            put("root", 297, 32)
            let sum = header.reduce(0) { $0 + Int($1) }
            put(octal(sum, 7), 148, 7)
            header[155] = UInt8(ascii: " ")
            out.append(contentsOf: header)
            out.append(body)
            out.append(Data(count: (512 - body.count % 512) % 512))
        }
        out.append(Data(count: 1024))
        return out
    }
}

/// Debian's `docker-registry` on a loopback port it chooses itself, optionally with token auth.
public final class LocalRegistry: @unchecked Sendable {
    public var port: UInt16 { server.port }
    public let root: URL
    private let server: ServerProcess
    public var host: String { "127.0.0.1:\(port)" }
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Token auth settings for `auth.token`.
    public struct TokenAuth: Sendable {
        public var realm: String, service: String, issuer: String, certificate: URL
        public init(realm: String, service: String, issuer: String, certificate: URL) {
            self.realm = realm
            self.service = service
            self.issuer = issuer
            self.certificate = certificate
        }
    }

    /// Starts a registry storing under `root` (two registries may share one root).
    public init(root: URL, workDirectory: URL, auth: TokenAuth? = nil) throws {
        let binary = try registryTool("docker-registry", package: "docker-registry")
        self.root = root
        // Port 0: it binds a port the system chooses and logs it (at level info; the access log,
        // one line per request, stays off).
        var config = """
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: \(root.path)
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:0
              secret: trackbot-test
            """
        if let auth {
            config += """

                auth:
                  token:
                    realm: \(auth.realm)
                    service: \(auth.service)
                    issuer: \(auth.issuer)
                    rootcertbundle: \(auth.certificate.path)
                """
        }
        let id = UUID().uuidString.prefix(8)
        let configURL = workDirectory.appendingPathComponent("registry-\(id).yml")
        try Data((config + "\n").utf8).write(to: configURL)
        server = try ServerProcess.launch(
            name: "docker-registry-\(id)", executable: binary, arguments: ["serve", configURL.path],
            port: 0, logDirectory: workDirectory,
            readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
    }

    /// `init` on a thread of its own (not one of Swift's cooperative threads).
    public static func start(root: URL, workDirectory: URL, auth: TokenAuth? = nil) async throws -> LocalRegistry {
        try await offPool { try LocalRegistry(root: root, workDirectory: workDirectory, auth: auth) }
    }

    /// `skopeo copy --all --preserve-digests oci:LAYOUT:TAG docker://HOST/REPOSITORY:TAG`.
    public func push(layout: URL, tag: String, repository: String, as destinationTag: String? = nil) throws {
        let skopeo = try registryTool("skopeo", package: "skopeo")
        try run(
            skopeo,
            [
                "--insecure-policy", "copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:\(layout.path):\(tag)", "docker://\(host)/\(repository):\(destinationTag ?? tag)",
            ])
    }

    /// Pushes through the distribution API with curl (skopeo's `oci:` transport refuses Docker
    /// media types): every blob of the layout, then `manifests` in order (children before the
    /// list), the last one also under `tag`.
    public func pushDirect(layout: URL, manifests: [BuiltBlob], repository: String, tag: String) throws {
        let curl = try registryTool("curl", package: "curl")
        let blobs = layout.appendingPathComponent("blobs/sha256")
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs.path) {
            let headers = try run(
                curl, ["-sf", "-D", "-", "-o", "/dev/null", "-X", "POST", "\(url)/v2/\(repository)/blobs/uploads/"])
            guard
                let line = headers.split(whereSeparator: \.isNewline).first(where: {
                    $0.lowercased().hasPrefix("location:")
                })
            else {
                throw TestSupportError.missing("Location in the upload answer: \(headers)")
            }
            var location = line.dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
            if location.hasPrefix("/") { location = url + location }
            try run(
                curl,
                [
                    "-sf", "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary",
                    "@\(blobs.appendingPathComponent(name).path)",
                    location + (location.contains("?") ? "&" : "?") + "digest=sha256:\(name)",
                ])
        }
        for (i, manifest) in manifests.enumerated() {
            let reference = i == manifests.count - 1 ? tag : manifest.digest.description
            try run(
                curl,
                [
                    "-sf", "-X", "PUT", "-H", "Content-Type: \(manifest.mediaType)", "--data-binary",
                    "@\(blobs.appendingPathComponent(manifest.digest.hex).path)",
                    "\(url)/v2/\(repository)/manifests/\(reference)",
                ])
        }
    }

    public func stop() { server.stop() }
    public func log() -> String { server.log() }
}

/// The Python token server (Tests/Fixtures/registry/token_server.py).
public final class TokenServer: @unchecked Sendable {
    public var port: UInt16 { server.port }
    public let certificate: URL
    public let service = "trackbot-test-registry"
    public let issuer = "trackbot-test-issuer"
    private let server: ServerProcess
    public var realm: String { "http://127.0.0.1:\(port)/token" }
    public var url: String { "http://127.0.0.1:\(port)" }

    public init(workDirectory: URL, user: String? = nil, password: String? = nil, expiresIn: String = "300") throws {
        let python = try registryTool("python3", package: "python3")
        let id = UUID().uuidString.prefix(8)
        certificate = workDirectory.appendingPathComponent("token-\(id).pem")
        // Port 0: it binds a port the system chooses and prints it.
        var arguments = [
            TestPaths.fixture("registry/token_server.py").path, "--port", "0", "--cert-out", certificate.path,
            "--issuer", issuer, "--service", service, "--expires-in", expiresIn,
        ]
        if let user, let password { arguments += ["--user", user, "--password", password] }
        server = try ServerProcess.launch(
            name: "token-server-\(id)", executable: python, arguments: arguments, port: 0,
            logDirectory: workDirectory, readiness: .announcedPort(prefix: "listening on 127.0.0.1:"))
    }

    /// `init` on a thread of its own (not one of Swift's cooperative threads).
    public static func start(
        workDirectory: URL, user: String? = nil, password: String? = nil,
        expiresIn: String = "300"
    ) async throws -> TokenServer {
        try await offPool {
            try TokenServer(workDirectory: workDirectory, user: user, password: password, expiresIn: expiresIn)
        }
    }

    public var auth: LocalRegistry.TokenAuth {
        LocalRegistry.TokenAuth(realm: realm, service: service, issuer: issuer, certificate: certificate)
    }

    /// How many tokens were issued and how many requests were refused.
    public func counts() throws -> (issued: Int, denied: Int) {
        let text = try run(registryTool("curl", package: "curl"), ["-s", "http://127.0.0.1:\(port)/count"])
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Int] ?? [:]
        return (object["token"] ?? 0, object["denied"] ?? 0)
    }

    public func log() -> String { server.log() }
}

/// The Python fault proxy (Tests/Fixtures/registry/fault_proxy.py) in front of a registry.
public final class FaultProxy: @unchecked Sendable {
    public var port: UInt16 { server.port }
    private let server: ServerProcess
    public var host: String { "127.0.0.1:\(port)" }
    public var url: String { "http://127.0.0.1:\(port)" }

    /// One logged request.
    public struct Seen: Sendable, Hashable {
        public var method: String, path: String, host: String, authorization: Bool
    }

    /// - Parameters:
    ///   - tokenUpstream: where `/token` goes (a token realm on the proxy's origin).
    ///   - port: a port chosen beforehand (when a registry's realm must name the proxy before it runs).
    public init(
        upstream: String, cdnUpstream: String? = nil, tokenUpstream: String? = nil, port: UInt16? = nil,
        workDirectory: URL
    ) throws {
        let python = try registryTool("python3", package: "python3")
        // Without a port chosen beforehand: port 0, it binds a port the system chooses and prints it.
        var arguments = [
            TestPaths.fixture("registry/fault_proxy.py").path, "--port", "\(port ?? 0)", "--upstream", upstream,
        ]
        if let cdnUpstream { arguments += ["--cdn-upstream", cdnUpstream] }
        if let tokenUpstream { arguments += ["--token-upstream", tokenUpstream] }
        server = try ServerProcess.launch(
            name: "fault-proxy-\(UUID().uuidString.prefix(8))", executable: python, arguments: arguments,
            port: port ?? 0, logDirectory: workDirectory,
            readiness: port == nil ? .announcedPort(prefix: "listening on 127.0.0.1:") : .listening)
    }

    /// `init` on a thread of its own (not one of Swift's cooperative threads).
    public static func start(
        upstream: String, cdnUpstream: String? = nil, tokenUpstream: String? = nil, port: UInt16? = nil,
        workDirectory: URL
    ) async throws -> FaultProxy {
        try await offPool {
            try FaultProxy(
                upstream: upstream, cdnUpstream: cdnUpstream, tokenUpstream: tokenUpstream, port: port,
                workDirectory: workDirectory)
        }
    }

    /// Replaces the fault rules (a JSON array; see fault_proxy.py).
    public func rules(_ json: String) throws {
        try run(
            registryTool("curl", package: "curl"),
            ["-sf", "-X", "POST", "--data-binary", json, "\(url)/__control/rules"])
    }

    public func requests() throws -> [Seen] {
        let text = try run(registryTool("curl", package: "curl"), ["-sf", "\(url)/__control/log"])
        let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
        return array.map {
            Seen(
                method: $0["method"] as? String ?? "", path: $0["path"] as? String ?? "",
                host: $0["host"] as? String ?? "", authorization: $0["authorization"] as? Bool ?? false)
        }
    }

    public func log() -> String { server.log() }
}

/// Like `requireTool`, which (in Processes.swift) splits PATH into characters and so finds nothing
/// on PATH: looks each PATH directory up as a string.
public func registryTool(_ tool: String, package: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let dirs: [String] = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/bin"]
    for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + tool) { return dir + "/" + tool }
    throw TestSupportError.toolMissing(tool: tool, package: package)
}
