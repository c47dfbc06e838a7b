import Foundation
import TestSupport
import TrackbotCore

@testable import Verification

/// What bash computes for a Dockerfile's `RUN`s on one architecture: the scripts run for real,
/// in an empty directory with an empty PATH, every command a function that only logs its
/// arguments (`dpkg`/`apk`/`uname` answer with the architecture's names), so nothing is fetched,
/// installed or changed.
enum ShellOracle {
    struct Outcome {
        /// URLs given to curl and wget.
        var fetched: [String] = []
        /// `<hex> <file>` fed to `sha256sum -c`/`sha512sum -c`.
        var checked: [String] = []
        /// `<file> <list>` of `grep " <file>$" <list> | sha256sum -c` (grep prints its arguments,
        /// which sha256sum logs).
        var looked: [String] = []
        /// Whether a script ran `exit` with a non-zero code.
        var exited = false
    }

    static let prelude = #"""
        command_not_found_handle() { return 0; }
        set() { :; }
        cd() { :; }
        exit() { echo "EXIT $1" >> "$LOG"; [ "$1" = 0 ] || : > "$LOG.stopped"; builtin exit "$1"; }
        dpkg() { case "$*" in *--print-architecture*) echo "$DPKG_ARCH";; esac; }
        apk() { case "$1" in --print-arch) echo "$APK_ARCH";; esac; }
        uname() { echo "$UNAME_M"; }
        awk() { while read -r l; do echo "${l##*-}"; done; }
        curl() { for a in "$@"; do case "$a" in *://*) echo "FETCH $a" >> "$LOG";; esac; done; }
        wget() { curl "$@"; }
        sha256sum() { while read -r l; do case "$l" in "GREP "*) echo "LOOK ${l#GREP }" >> "$LOG";; *) echo "CHECK $l" >> "$LOG";; esac; done; }
        sha512sum() { sha256sum; }
        grep() { echo "GREP $*"; }
        """#

    /// Redirections are the one way a builtin writes a file: their absolute targets (outside
    /// /dev/null) are made relative to the empty directory the script runs in, where their parent
    /// directories do not exist, so nothing is written anywhere (tests may run as root).
    static func confined(_ script: String) -> String {
        let pattern = try! NSRegularExpression(pattern: #"(>>?|<)(\s*)/(?!dev/null\b)"#)
        return pattern.stringByReplacingMatches(
            in: script, range: NSRange(script.startIndex..., in: script), withTemplate: "$1$2./")
    }

    static func run(_ df: Dockerfile, _ names: ArchitectureShellNames) throws -> Outcome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trackbot-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("log").path
        var script = prelude + "\n"
        var exported: [String] = []
        for ins in df.instructions {
            switch ins.keyword {
            case "FROM":
                // A stage starts with none of the previous stage's ENV.
                if !exported.isEmpty { script += "unset \(exported.joined(separator: " "))\n" }
                exported = []
            case "ENV", "ARG":
                for (name, value) in DockerfileSemantics.assignments(
                    ins.arguments, escape: "\\", legacy: ins.keyword == "ENV")
                where name != "PATH" {
                    guard let value else { continue }
                    exported.append(name)
                    script += "export \(name)='\(value.replacingOccurrences(of: "'", with: "'\\''"))'\n"
                }
            case "RUN":
                // A non-zero `exit` stops the build there, as it stops `docker build`.
                script +=
                    "( PATH=/nonexistent-trackbot-oracle\n\(confined(ins.arguments))\n)\n[ -e \"$LOG.stopped\" ] && builtin exit 0\n"
            default: break
            }
        }
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/usr/bin/bash")
        bash.arguments = ["-c", script]
        bash.currentDirectoryURL = dir
        bash.environment = [
            "LOG": log, "DPKG_ARCH": names.dpkg, "APK_ARCH": names.apk ?? "", "UNAME_M": names.uname,
            "PATH": "/nonexistent-trackbot-oracle",
        ]
        bash.standardError = FileHandle.nullDevice
        bash.standardOutput = FileHandle.nullDevice
        try bash.run()
        bash.waitUntilExit()
        var outcome = Outcome()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("FETCH ") { outcome.fetched.append(String(line.dropFirst(6))) }
            if line.hasPrefix("EXIT "), line != "EXIT 0" { outcome.exited = true }
            if line.hasPrefix("CHECK ") {
                // `<hex>  <file>` or `<hex> *<file>`; the file as the download is named.
                let parts = line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "*" })
                if parts.count == 2 { outcome.checked.append("\(parts[0]) \(TreePath.base(String(parts[1])))") }
            }
            if line.hasPrefix("LOOK ") {
                // `LOOK  node-v….tar.xz$ SHASUMS256.txt`: grep's pattern, then the list, piped into sha256sum.
                let parts = line.dropFirst(5).split(separator: " ")
                if parts.count == 2 { outcome.looked.append("\(parts[0].dropLast()) \(parts[1])") }
            }
        }
        return outcome
    }
}
