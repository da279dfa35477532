/// A `--user` pattern: case-insensitive, `*` stands for any run of characters (none included),
/// and every other character is literal — `%`, `_`, `?`, `[` and `]` included.
///
/// Matching compares Unicode scalars of both sides lowercased by Swift (full Unicode case
/// mapping), so `ÉLODIE*` finds `élodie@x`. `sqlGlob` is the same pattern for SQLite's `GLOB`.
public struct UserPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as given.
    public let text: String
    /// The lowercased pattern cut at each `*`: `a*b*` → `["a", "b", ""]`.
    private let segments: [[Unicode.Scalar]]

    /// Reads a pattern; any text is a valid pattern.
    public init(_ text: String) {
        self.text = text
        segments = text.lowercased().split(separator: "*", omittingEmptySubsequences: false)
            .map { Array($0.unicodeScalars) }
    }

    public var description: String { text }

    /// Whether the pattern has a wildcard (otherwise an index lookup on equality will do).
    public var hasWildcard: Bool { segments.count > 1 }

    /// Whether `candidate` matches the whole pattern, ignoring case.
    public func matches(_ candidate: String) -> Bool {
        let value = Array(candidate.lowercased().unicodeScalars)
        guard segments.count > 1 else { return value == segments[0] }
        let first = segments[0]
        let last = segments[segments.count - 1]
        guard value.count >= first.count + last.count, value.starts(with: first),
            value[(value.count - last.count)...].elementsEqual(last)
        else { return false }
        // The middle segments, leftmost match first: greedy leftmost is exact for `*`-only globs.
        var position = first.count
        let end = value.count - last.count
        for segment in segments[1..<(segments.count - 1)] where !segment.isEmpty {
            guard let found = Self.find(segment, in: value, from: position, before: end) else { return false }
            position = found + segment.count
        }
        return true
    }

    /// The pattern for SQLite `GLOB`, to compare against text lowercased the same way (by Swift's
    /// `lowercased()`; SQLite's own `lower()` folds ASCII only): `*` stays the wildcard, and `?`,
    /// `[` and `]` are made literal as one-character classes (`[?]`, `[[]`, `[]]`).
    public var sqlGlob: String {
        var glob = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "?": glob += "[?]"
            case "[": glob += "[[]"
            case "]": glob += "[]]"
            default: glob.unicodeScalars.append(scalar)
            }
        }
        return glob
    }

    private static func find(
        _ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from start: Int, before end: Int
    ) -> Int? {
        guard end - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= end {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
