extension Platform {
    /// The platform as bashbrew normalises a published one before matching it to an architecture
    /// (bashbrew architecture.Normalize): containerd's platforms.Normalize, then an arm64 platform
    /// without a variant gets `v8`, because containerd normalises arm64 the other way round
    /// (`arm64/v8` → `arm64`) yet turns `arm` into `arm/v7`.
    public var normalized: Platform {
        var os = os.lowercased()
        // containerd fills an empty OS with the host's; bashbrew, like trackbot, runs on Linux.
        if os.isEmpty { os = "linux" }
        if os == "macos" { os = "darwin" }
        var architecture = architecture.lowercased()
        var variant = (variant ?? "").lowercased()
        switch architecture {
        case "i386":
            architecture = "386"
            variant = ""
        case "x86_64", "x86-64", "amd64":
            architecture = "amd64"
            if variant == "v1" { variant = "" }
        case "aarch64", "arm64":
            architecture = "arm64"
            if variant == "" || variant == "8" || variant == "v8" { variant = "v8" }
        case "armhf":
            architecture = "arm"
            variant = "v7"
        case "armel":
            architecture = "arm"
            variant = "v6"
        case "arm":
            switch variant {
            case "", "7": variant = "v7"
            case "5", "6", "8": variant = "v" + variant
            default: break
            }
        default:
            break
        }
        return Platform(os: os, architecture: architecture, variant: variant.isEmpty ? nil : variant)
    }
}
