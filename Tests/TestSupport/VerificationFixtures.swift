import Foundation

/// Builds OCI image layouts and tar archives for verification tests with the real tools
/// (`tar`, `gzip`, `xz`, `zstd`, `sha256sum`), shaped like Debian's and Ubuntu's oci-import layouts.
public enum VerificationFixtures {
    /// sha256 hex of a file, by coreutils `sha256sum` (an implementation independent of trackbot's).
    public static func sha256sum(_ url: URL) throws -> String {
        String(try runTool("sha256sum", [url.path]).prefix(64))
    }

    /// sha512 hex of a file, by coreutils `sha512sum`.
    public static func sha512sum(_ url: URL) throws -> String {
        String(try runTool("sha512sum", [url.path]).prefix(128))
    }

    /// A small root filesystem tree (dirs, files, a symlink) under `dir/rootfs`, returned.
    public static func makeRootfs(in dir: URL, files: Int = 3) throws -> URL {
        let root = dir.appendingPathComponent("rootfs-\(UUID().uuidString.prefix(6))")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("usr/bin"), withIntermediateDirectories: true)
        try "Debian GNU/Linux 12\n".write(
            to: root.appendingPathComponent("etc/issue"), atomically: true, encoding: .utf8)
        for i in 0..<files {
            let text = String(repeating: "line \(i) of a binary stand-in\n", count: 50 + i * 10)
            try text.write(to: root.appendingPathComponent("usr/bin/tool\(i)"), atomically: true, encoding: .utf8)
        }
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("usr/bin/sh").path, withDestinationPath: "tool0")
        return root
    }

    /// Layer compression for `makeLayout`.
    public enum LayerCompression: String, Sendable {
        case gzip, zstd, xz, none

        public var mediaType: String {
            switch self {
            case .gzip: return "application/vnd.oci.image.layer.v1.tar+gzip"
            case .zstd: return "application/vnd.oci.image.layer.v1.tar+zstd"
            case .xz: return "application/vnd.oci.image.layer.v1.tar+xz"
            case .none: return "application/vnd.oci.image.layer.v1.tar"
            }
        }
    }

    /// What `makeLayout` wrote.
    public struct Layout: Sendable {
        public var directory: URL
        public var manifestDigest: String
        public var configDigest: String
        public var layerDigest: String
        public var diffID: String
        public var layerPath: URL { blob(layerDigest) }
        public var configPath: URL { blob(configDigest) }
        public var manifestPath: URL { blob(manifestDigest) }
        public func blob(_ digest: String) -> URL {
            directory.appendingPathComponent("blobs/sha256/" + digest.dropFirst("sha256:".count))
        }
    }

    /// An oci-import layout in `dir` with one manifest of one layer (Debian/Ubuntu shape); the
    /// layer is a small rootfs, or the uncompressed tar `layerTar`.
    public static func makeLayout(
        in dir: URL, compression: LayerCompression = .gzip,
        architecture: String = "amd64", layerTar: URL? = nil
    ) throws -> Layout {
        let fm = FileManager.default
        let blobs = dir.appendingPathComponent("blobs/sha256")
        try fm.createDirectory(at: blobs, withIntermediateDirectories: true)
        let work = dir.deletingLastPathComponent().appendingPathComponent("work-\(UUID().uuidString.prefix(6))")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }
        let tarURL = work.appendingPathComponent("layer.tar")
        if let layerTar {
            try fm.copyItem(at: layerTar, to: tarURL)
        } else {
            let rootfs = try makeRootfs(in: work)
            try runTool(
                "tar",
                [
                    "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=2024-01-01",
                    "-cf", tarURL.path, "-C", rootfs.path, ".",
                ])
        }
        let diffID = "sha256:" + (try sha256sum(tarURL))
        let layerURL: URL
        switch compression {
        case .gzip:
            try runTool("gzip", ["-n", "-k", tarURL.path])
            layerURL = work.appendingPathComponent("layer.tar.gz")
        case .zstd:
            try runTool("zstd", ["-q", "-k", tarURL.path])
            layerURL = work.appendingPathComponent("layer.tar.zst")
        case .xz:
            try runTool("xz", ["-k", tarURL.path])
            layerURL = work.appendingPathComponent("layer.tar.xz")
        case .none: layerURL = tarURL
        }
        let layerDigest = try store(layerURL, in: blobs)
        let layerSize = try size(of: blob(layerDigest, blobs))
        let config = """
            {"architecture":"\(architecture)","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"]},"created":"2024-01-01T00:00:00Z","history":[{"created":"2024-01-01T00:00:00Z","created_by":"# debian.sh --arch '\(architecture)' out/ 'bookworm' '@1704067200'","comment":"debuerreotype 0.15"}],"rootfs":{"type":"layers","diff_ids":["\(diffID)"]}}
            """
        let configDigest = try storeBytes(Data(config.utf8), in: blobs)
        let manifest = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(configDigest)","size":\(config.utf8.count)},"layers":[{"mediaType":"\(compression.mediaType)","digest":"\(layerDigest)","size":\(layerSize)}]}
            """
        let manifestDigest = try storeBytes(Data(manifest.utf8), in: blobs)
        try #"{"imageLayoutVersion":"1.0.0"}"#.write(
            to: dir.appendingPathComponent("oci-layout"), atomically: true, encoding: .utf8)
        let index = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(manifestDigest)","size":\(manifest.utf8.count),"annotations":{"org.opencontainers.image.ref.name":"bookworm"},"platform":{"architecture":"\(architecture)","os":"linux"}}]}
            """
        try index.write(to: dir.appendingPathComponent("index.json"), atomically: true, encoding: .utf8)
        return Layout(
            directory: dir, manifestDigest: manifestDigest, configDigest: configDigest,
            layerDigest: layerDigest, diffID: diffID)
    }

    private static func blob(_ digest: String, _ blobs: URL) -> URL {
        blobs.appendingPathComponent(String(digest.dropFirst("sha256:".count)))
    }

    private static func size(of url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Builds a hostile archive with Tests/Fixtures/verification/bombs.py (`kind` and options as
    /// its --help says) at `out`.
    @discardableResult
    public static func bomb(_ kind: String, at out: URL, _ options: [String] = []) throws -> URL {
        try runTool("python3", [TestPaths.fixture("verification/bombs.py").path, kind, out.path] + options)
        return out
    }

    /// Replaces the layout's layer blob with `url`'s bytes (the same uncompressed tar, compressed
    /// otherwise), pointing the manifest at it.
    public static func replaceLayer(_ layout: inout Layout, with url: URL) throws {
        let blobs = layout.directory.appendingPathComponent("blobs/sha256")
        let digest = try store(url, in: blobs)
        let size = try self.size(of: url)
        try rewriteManifest(&layout) { manifest in
            var layers = manifest["layers"] as! [[String: Any]]
            layers[0]["digest"] = digest
            layers[0]["size"] = size
            manifest["layers"] = layers
        }
        layout.layerDigest = digest
    }

    /// Copies a file into `blobs` under its sha256 name; returns `sha256:<hex>`.
    private static func store(_ url: URL, in blobs: URL) throws -> String {
        let digest = "sha256:" + (try sha256sum(url))
        let target = blob(digest, blobs)
        if !FileManager.default.fileExists(atPath: target.path) {
            try FileManager.default.copyItem(at: url, to: target)
        }
        return digest
    }

    private static func storeBytes(_ data: Data, in blobs: URL) throws -> String {
        let tmp = blobs.appendingPathComponent("tmp-\(UUID().uuidString)")
        try data.write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        return try store(tmp, in: blobs)
    }

    /// Rewrites a JSON file through a closure over its object.
    public static func editJSON(_ url: URL, _ body: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        body(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// Rewrites the manifest (stored as a new blob) and points index.json at it; returns its digest.
    @discardableResult
    public static func rewriteManifest(_ layout: inout Layout, _ body: (inout [String: Any]) -> Void) throws -> String {
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: layout.manifestPath)) as! [String: Any]
        body(&manifest)
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
        let blobs = layout.directory.appendingPathComponent("blobs/sha256")
        let digest = try storeBytes(data, in: blobs)
        try editJSON(layout.directory.appendingPathComponent("index.json")) { index in
            var manifests = index["manifests"] as! [[String: Any]]
            manifests[0]["digest"] = digest
            manifests[0]["size"] = data.count
            index["manifests"] = manifests
        }
        layout.manifestDigest = digest
        return digest
    }

    /// Rewrites the config (stored as a new blob) and the manifest and index that lead to it.
    public static func rewriteConfig(_ layout: inout Layout, _ body: (inout [String: Any]) -> Void) throws {
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: layout.configPath)) as! [String: Any]
        body(&config)
        let data = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
        let digest = try storeBytes(data, in: layout.directory.appendingPathComponent("blobs/sha256"))
        layout.configDigest = digest
        try rewriteManifest(&layout) { manifest in
            var c = manifest["config"] as! [String: Any]
            c["digest"] = digest
            c["size"] = data.count
            manifest["config"] = c
        }
    }

    /// Clones a git bundle into a fresh checkout under `dir`.
    public static func checkout(bundle: URL, commit: String, into dir: URL) throws -> URL {
        let target = dir.appendingPathComponent("checkout-\(UUID().uuidString.prefix(6))")
        try runTool("git", ["clone", "-q", "-n", bundle.path, target.path])
        try runTool("git", ["-C", target.path, "-c", "advice.detachedHead=false", "checkout", "-q", commit])
        return target
    }
}

/// Runs a tool found on PATH (or in /usr/bin, /usr/sbin), failing with its Debian package when
/// it is missing. Used instead of `run(name, …)` because `requireTool` splits PATH into
/// characters (`path.split(separator: ":") + [...]` infers `[[Character]]`) and finds nothing.
@discardableResult
public func runTool(_ tool: String, _ arguments: [String], cwd: URL? = nil) throws -> String {
    let packages = [
        "sha256sum": "coreutils", "sha512sum": "coreutils", "mkfifo": "coreutils", "chmod": "coreutils",
        "xz": "xz-utils", "tar": "tar", "gzip": "gzip", "zstd": "zstd", "git": "git", "python3": "python3",
    ]
    if tool.hasPrefix("/") { return try run(tool, arguments, cwd: cwd) }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/bin"]
    guard let found = dirs.map({ $0 + "/" + tool }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else {
        throw TestSupportError.toolMissing(tool: tool, package: packages[tool] ?? tool)
    }
    return try run(found, arguments, cwd: cwd)
}
