/// "Did you mean …?" for a name that is not there (an image, a tag): the known names closest to
/// the typed one by edit distance, where a swap of two neighbouring letters counts as one edit
/// (`alpnie` → `alpine`), like git's and cargo's suggestions.
public enum NearestNames {
    /// At most `limit` known names within a third of the typed name's length (at least one edit,
    /// at most three), nearest first; a known name the typed one starts (`3.2` → `3.20`) counts
    /// as near. Empty when nothing is close: a suggestion must be likely to be meant.
    public static func suggestions(for typed: String, among known: [String], limit: Int = 3) -> [String] {
        let allowed = min(3, max(1, typed.count / 3))
        var scored: [(name: String, distance: Int)] = []
        for name in Set(known) where name != typed {
            let d = distance(typed.lowercased(), name.lowercased())
            if d <= allowed || (typed.count >= 2 && name.hasPrefix(typed)) { scored.append((name, d)) }
        }
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(limit).map(\.name)
    }

    /// `did you mean alpine?`, `did you mean 3.20 or 3.21?`; nil when nothing is near.
    public static func didYouMean(_ typed: String, among known: [String]) -> String? {
        let near = suggestions(for: typed, among: known)
        guard let last = near.last else { return nil }
        let list = near.count == 1 ? last : near.dropLast().joined(separator: ", ") + " or " + last
        return "did you mean \(list)?"
    }

    /// Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a
    /// substring).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
