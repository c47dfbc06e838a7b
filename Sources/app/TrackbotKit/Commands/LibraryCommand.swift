import Foundation
import OfficialImages
import Reporting

/// `trackbot library IMAGE[:TAG]`: the parsed entries, resolved per architecture.
public enum LibraryCommand {
    public struct Request: Sendable {
        public var reference: String
        /// A folder of library files (or an official-images checkout).
        public var library: String
        /// Another version of the file to diff against (old → the one read from `library`).
        public var diffAgainst: String?

        public init(reference: String, library: String, diffAgainst: String? = nil) {
            self.reference = reference
            self.library = library
            self.diffAgainst = diffAgainst
        }
    }

    public static func run(_ request: Request, options: GlobalOptions) async throws -> CommandResult {
        let (image, tag) = try ImageArgument.split(request.reference)
        let file = try LibraryDirectory(path: request.library).read(image)
        if let oldPath = request.diffAgainst {
            guard let data = FileManager.default.contents(atPath: oldPath) else {
                throw UsageError("cannot read \(oldPath) (the --diff file): check the path")
            }
            let old = try LibraryFileReader.read(bytes: [UInt8](data), name: image, path: oldPath)
            let diff = LibraryDiff(old: old, new: file)
            return CommandResult(output: try LibraryDiffReport.render(diff, format: options.format,
                                                                      title: "library/\(image): \(oldPath) → \(request.library)"))
        }
        var only: [Entry]?
        if let tag {
            only = file.entries(for: tag)
            guard !only!.isEmpty else {
                throw UsageError("library/\(image) has no tag \"\(tag)\"; its tags are: \(file.allTags.joined(separator: ", "))")
            }
        }
        if !options.architectures.isEmpty {
            only = (only ?? file.entries).compactMap { e in
                var e = e
                e.architectures = e.architectures.filter(options.architectures.contains)
                return e.architectures.isEmpty ? nil : e
            }
        }
        return CommandResult(output: try LibraryReport.render(file, only: only, format: options.format))
    }
}

/// `name[:tag]` as the commands take it (official-images names have no registry or slash).
public enum ImageArgument {
    public static func split(_ text: String) throws -> (image: String, tag: String?) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let image = parts.first, !image.isEmpty,
              image.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw UsageError("\"\(text)\" is not IMAGE[:TAG] (an official image name such as node or node:22)")
        }
        if parts.count == 2, parts[1].isEmpty { throw UsageError("\"\(text)\" has an empty tag after ':'") }
        return (image, parts.count == 2 ? parts[1] : nil)
    }
}
