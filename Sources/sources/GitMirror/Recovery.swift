import CGit2
import Foundation

/// Repairs what an interrupted fetch or a damaged disk leaves behind. Only called while the
/// mirror lock is held, so nothing found here belongs to a live trackbot fetch.
enum Recovery {
    /// Removes lock files (`*.lock`: packed-refs, refs, HEAD, config, index, shallow) and partial
    /// packs (`tmp_pack_*`, libgit2's `pack_git2_*`, a `.pack` without its `.idx` or the reverse).
    /// Returns the removed paths, relative to the mirror.
    static func clearLeftovers(in directory: URL) -> [String] {
        let fm = FileManager.default
        var removed: [String] = []
        func remove(_ url: URL) {
            if (try? fm.removeItem(at: url)) != nil {
                removed.append(String(url.path.dropFirst(directory.path.count + 1)))
            }
        }
        if let walker = fm.enumerator(at: directory, includingPropertiesForKeys: nil) {
            for case let url as URL in walker {
                let name = url.lastPathComponent
                // Loose objects cannot end in .lock; skip their directories quickly.
                if name.count == 2, url.deletingLastPathComponent().lastPathComponent == "objects" {
                    walker.skipDescendants()
                    continue
                }
                if name.hasSuffix(".lock") { remove(url) }
                // git's quarantine directory for incoming objects.
                if name.hasPrefix("incoming-"), url.deletingLastPathComponent().lastPathComponent == "objects" {
                    walker.skipDescendants()
                    remove(url)
                }
            }
        }
        let packs = directory.appendingPathComponent("objects/pack")
        let names = Set((try? fm.contentsOfDirectory(atPath: packs.path)) ?? [])
        for name in names.sorted() {
            let url = packs.appendingPathComponent(name)
            if name.hasPrefix("tmp_") || name.hasPrefix("pack_git2_") || name.hasPrefix(".tmp-") {
                remove(url)
            } else if name.hasSuffix(".pack"), !names.contains(String(name.dropLast(5)) + ".idx") {
                remove(url)
            } else if name.hasSuffix(".idx"), !names.contains(String(name.dropLast(4)) + ".pack") {
                remove(url)
            }
        }
        return removed
    }

    /// Why the mirror cannot be trusted, or nil when its config and HEAD are readable, its refs
    /// are readable and every ref points at an object the mirror has. libgit2 opens a mirror
    /// whose config does not parse and only fails when a fetch reads it, so it is read here.
    static func problem(with repository: Repository) -> String? {
        var config: OpaquePointer?
        let configCode = git_repository_config_snapshot(&config, repository.pointer)
        guard configCode == 0, let config else { return "its config cannot be read (\(lastGitError(configCode)))" }
        git_config_free(config)
        var head: OpaquePointer?
        let headCode = git_reference_lookup(&head, repository.pointer, "HEAD")
        guard headCode == 0, let head else { return "its HEAD cannot be read (\(lastGitError(headCode)))" }
        git_reference_free(head)
        let names: [String]
        do { names = try repository.referenceNames() } catch { return "its refs cannot be read (\(error))" }
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, repository.pointer) == 0, let odb else {
            return "its object database cannot be opened (\(lastGitError(-1)))"
        }
        defer { git_odb_free(odb) }
        for name in names {
            var oid = git_oid()
            let code = git_reference_name_to_id(&oid, repository.pointer, name)
            guard code == 0 else { return "\(name) cannot be resolved (\(lastGitError(code)))" }
            guard git_odb_exists(odb, &oid) == 1 else {
                return "\(name) points at \(ObjectID(oid)), which is missing"
            }
        }
        return nil
    }

    /// Renames a damaged mirror to `<name>.corrupt-<UTC timestamp>` and returns the new place.
    static func moveAside(_ directory: URL) throws(MirrorError) -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var target = URL(fileURLWithPath: directory.path + ".corrupt-" + formatter.string(from: Date()))
        var n = 1
        while FileManager.default.fileExists(atPath: target.path) {
            n += 1
            target = URL(fileURLWithPath: directory.path + ".corrupt-" + formatter.string(from: Date()) + "-\(n)")
        }
        do { try FileManager.default.moveItem(at: directory, to: target) } catch {
            throw .io(path: directory.path, operation: "move the damaged mirror aside", message: "\(error)")
        }
        return target
    }
}
