import Foundation
import HTTPTransport
import TrackbotCore

/// The distribution API's tag listing (`GET /v2/NAME/tags/list`), for repositories that have no
/// library file to name their tags.
extension RegistryClient {
    /// Up to `limit` tags of `repository` on `registry`, in the registry's order (the distribution
    /// spec asks for lexical; not every registry keeps to it), following `Link: <…>; rel="next"` pages; `more` when the registry has
    /// tags beyond them.
    public func tags(registry: String, repository: String, limit: Int) async throws -> (tags: [String], more: Bool) {
        struct Page: Decodable { var tags: [String]? }
        let ep = endpoint(registry)
        var path: String? = "/v2/\(repository)/tags/list?n=\(min(max(limit, 1), 1000))"
        var tags: [String] = []
        while let current = path, tags.count < limit {
            let response = try await exchange(
                ep, scope: "repository:\(repository):pull", .get, current, kind: "GET tags", accept: [])
            let page: Page
            do { page = try JSONDecoder().decode(Page.self, from: Data(response.body)) } catch {
                throw RegistryError.malformedManifest(
                    registry: ep.description, request: "GET \(current)", detail: "not a tag list: \(error)")
            }
            tags += page.tags ?? []
            guard let link = response.headers["Link"], link.contains("rel=\"next\"") else { break }
            // A next page this client will not follow (another host) still means more tags.
            guard let next = Self.nextPage(link, base: ep.baseURL) else { return (Array(tags.prefix(limit)), true) }
            path = next
            if tags.count >= limit { return (Array(tags.prefix(limit)), true) }
        }
        return (Array(tags.prefix(limit)), tags.count > limit)
    }

    /// The path of `Link: </v2/x/tags/list?n=2&last=b>; rel="next"` (the distribution spec's
    /// form), or of an absolute URL on `base` (some registries write the whole URL); nil for any
    /// other link: a page elsewhere would carry the token away.
    static func nextPage(_ link: String, base: String) -> String? {
        guard link.contains("rel=\"next\""), let open = link.firstIndex(of: "<"),
            let close = link[open...].firstIndex(of: ">")
        else { return nil }
        var target = String(link[link.index(after: open)..<close])
        if target.hasPrefix(base + "/") { target.removeFirst(base.count) }
        return target.hasPrefix("/v2/") ? target : nil
    }
}
