import TrackbotCore

/// What a build container for a bashbrew architecture answers when a `RUN` asks it for its
/// architecture: `dpkg --print-architecture`, `apk --print-arch` and `uname -m`. The inverse of
/// bashbrew's `scripts/bashbrew-host-arch.sh`, whose `case` maps these names back.
public struct ArchitectureShellNames: Hashable, Codable, Sendable {
    public var dpkg: String
    /// nil where Alpine publishes no port (arm32v5, mips64le).
    public var apk: String?
    public var uname: String

    /// The Linux architectures bashbrew builds (Windows has none of these commands).
    public static let linux: [Architecture] = Architecture.allCases.filter { $0 != .windowsAmd64 }

    public init?(_ arch: Architecture) {
        switch arch {
        case .amd64: self.init(dpkg: "amd64", apk: "x86_64", uname: "x86_64")
        case .arm64v8: self.init(dpkg: "arm64", apk: "aarch64", uname: "aarch64")
        case .arm32v5: self.init(dpkg: "armel", apk: nil, uname: "armv5tel")
        // Raspbian's and Alpine's `armhf` are ARMv6; Debian's `armhf` is ARMv7, Alpine's is `armv7`.
        case .arm32v6: self.init(dpkg: "armhf", apk: "armhf", uname: "armv6l")
        case .arm32v7: self.init(dpkg: "armhf", apk: "armv7", uname: "armv7l")
        case .i386: self.init(dpkg: "i386", apk: "x86", uname: "i686")
        case .mips64le: self.init(dpkg: "mips64el", apk: nil, uname: "mips64")
        case .ppc64le: self.init(dpkg: "ppc64el", apk: "ppc64le", uname: "ppc64le")
        case .riscv64: self.init(dpkg: "riscv64", apk: "riscv64", uname: "riscv64")
        case .s390x: self.init(dpkg: "s390x", apk: "s390x", uname: "s390x")
        case .windowsAmd64: return nil
        }
    }

    init(dpkg: String, apk: String?, uname: String) {
        self.dpkg = dpkg
        self.apk = apk
        self.uname = uname
    }

    /// The answer to a command substitution (`$(dpkg --print-architecture)`, also piped through
    /// `awk -F- '{ print $NF }'`, which leaves these names as they are), or nil for any other command.
    func answer(to command: String) -> String?? {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let tool = words.first else { return nil }
        switch tool {
        case "dpkg" where words.contains("--print-architecture"): return .some(dpkg)
        case "apk" where words.contains("--print-arch"): return .some(apk)
        case "uname" where words.count >= 2 && words[1] == "-m": return .some(uname)
        default: return nil
        }
    }
}
