import Foundation
import TestSupport

/// A one-platform OCI layout (amd64, one file `etc/x`) tagged `t` in `dir/oci`, made with
/// scripts/world/make_oci.py: what the `digests` tests push to a registry.
func singlePlatformLayout(in dir: TemporaryDirectory) async throws -> URL {
    let oci = dir.appending("oci")
    let rootfs = dir.appending("rootfs")
    try FileManager.default.createDirectory(
        at: rootfs.appendingPathComponent("etc"), withIntermediateDirectories: true)
    try Data("x\n".utf8).write(to: rootfs.appendingPathComponent("etc/x"))
    try await runAsync("tar", ["-C", rootfs.path, "-czf", dir.appending("rootfs.tar.gz").path, "."])
    try await runAsync(
        try requireTool("python3", package: "python3"),
        [
            TestPaths.packageRoot.appendingPathComponent("scripts/world/make_oci.py").path, "--out", oci.path,
            "--tag", "t", "--platform", "amd64=\(dir.appending("rootfs.tar.gz").path)",
        ])
    return oci
}
