import CGit2
import Foundation
import TrackbotCore

extension Mirror {
    /// The best common ancestor of two revisions (`git merge-base a b`); nil when they share no history.
    public func mergeBase(_ a: String, _ b: String) async throws -> ObjectID? {
        let directory = directory, url = url
        return try await runBlocking("trackbot.git.merge-base") {
            let reader = MirrorReader(repository: try Repository(openBare: directory), url: url)
            var one = try reader.resolve(a).gitOID, two = try reader.resolve(b).gitOID
            var out = git_oid()
            let code = git_merge_base(&out, reader.repository.pointer, &one, &two)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            guard code == 0 else {
                throw MirrorError.revisionNotFound(
                    mirror: url, revision: "merge-base \(a) \(b)", message: lastGitError(code))
            }
            return ObjectID(out)
        }
    }
}
