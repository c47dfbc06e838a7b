import TrackbotCore

/// `[registry/]name[:tag][@digest]`, normalised as docker does: no registry means `docker.io`,
/// and a Docker Hub name without a slash is an official image under `library/`.
public struct ImageReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The registry as named (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    public var registry: String
    /// The repository path (`library/alpine`).
    public var repository: String
    public var tag: String?
    public var digest: Digest?

    public static let dockerHub = "docker.io"

    public init(
        registry: String = ImageReference.dockerHub, repository: String, tag: String? = nil, digest: Digest? = nil
    ) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    public init(parsing text: String) throws(RegistryError) {
        var rest = Substring(text)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            do { digest = try Digest(parsing: String(rest[rest.index(after: at)...])) } catch {
                throw .invalidReference(text, reason: error.description)
            }
            rest = rest[..<at]
        }
        var registry = ImageReference.dockerHub
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" {
                registry = String(first)
                rest = rest[rest.index(after: slash)...]
            }
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        if ["index.docker.io", "registry-1.docker.io"].contains(registry) { registry = ImageReference.dockerHub }
        var repository = String(rest)
        if registry == ImageReference.dockerHub && !repository.contains("/") { repository = "library/" + repository }
        guard ImageReference.isValidRepository(repository) else {
            throw .invalidReference(
                text,
                reason:
                    "repository \"\(repository)\" must be lowercase letters, digits and separators (. _ -) between slashes"
            )
        }
        if let tag, !ImageReference.isValidTag(tag) {
            throw .invalidReference(text, reason: "tag \"\(tag)\" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
        }
        if tag == nil && digest == nil { tag = "latest" }
        self.init(registry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// What goes after `/manifests/`: the digest when there is one (it pins the content), else the tag.
    public var manifestReference: String { digest?.description ?? tag ?? "latest" }

    /// The token scope for pulling this repository.
    public var pullScope: String { "repository:\(repository):pull" }

    public var description: String {
        var s = "\(registry)/\(repository)"
        if let tag { s += ":\(tag)" }
        if let digest { s += "@\(digest)" }
        return s
    }

    /// The same repository at another digest.
    public func at(_ digest: Digest) -> ImageReference {
        ImageReference(registry: registry, repository: repository, tag: nil, digest: digest)
    }

    static func isValidRepository(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 255 else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            guard let f = part.first, let l = part.last, isAlnum(f), isAlnum(l) else { return false }
            return part.allSatisfy { isAlnum($0) || $0 == "." || $0 == "_" || $0 == "-" }
        }
    }

    static func isValidTag(_ tag: String) -> Bool {
        guard let f = tag.first, tag.count <= 128, f.isASCII, f.isLetter || f.isNumber || f == "_" else { return false }
        return tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
    }

    private static func isAlnum(_ c: Character) -> Bool { c.isASCII && (c.isNumber || (c.isLetter && c.isLowercase)) }
}
