import Foundation
import TrackbotCore

/// A folder of library files: either the files themselves or an official-images checkout with a
/// `library/` folder.
public struct LibraryDirectory: Sendable {
    public let url: URL

    public init(path: String) { url = URL(fileURLWithPath: path) }

    /// The file for `name`, read and parsed; errors name the file by its path.
    public func read(_ name: String) throws(LibraryLoadError) -> LibraryFile {
        let fm = FileManager.default
        let candidates = [
            url.appendingPathComponent("library").appendingPathComponent(name),
            url.appendingPathComponent(name),
        ]
        guard let file = candidates.first(where: { fm.fileExists(atPath: $0.path) }) else {
            throw .notFound(image: name, source: url.path, available: (try? names()) ?? [])
        }
        // An oversized file is refused before it is read into memory.
        if let size = try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize {
            do { try LibraryFileReader.checkSize(size, path: file.path) } catch { throw .invalid(error) }
        }
        guard let data = fm.contents(atPath: file.path) else { throw .unreadable(file.path) }
        do {
            return try LibraryFileReader.read(bytes: [UInt8](data), name: name, path: file.path)
        } catch {
            throw .invalid(error)
        }
    }

    /// Every image name the folder has a file for.
    public func names() throws -> [String] {
        let fm = FileManager.default
        let lib = url.appendingPathComponent("library")
        let dir = fm.fileExists(atPath: lib.path) ? lib : url
        return try fm.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
    }
}

public enum LibraryLoadError: Error, CustomStringConvertible {
    case notFound(image: String, source: String, available: [String])
    case unreadable(String)
    case invalid(LibraryFileError)

    public var description: String {
        switch self {
        case .notFound(let image, let source, let available):
            let list = available.prefix(20).joined(separator: ", ")
            let guess = NearestNames.didYouMean(image, among: available).map { "; \($0)" } ?? ""
            return "no library file for \"\(image)\" in \(source)\(guess)"
                + (available.isEmpty ? "" : " (it has: \(list)\(available.count > 20 ? ", …" : ""))")
        case .unreadable(let path):
            return "cannot read \(path): check that it is a readable file"
        case .invalid(let error):
            return error.description
        }
    }
}
