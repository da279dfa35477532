/// Paths already parsed, by their text: a request log repeats the same few PATCH paths
/// (`active`, `title`, `emails[type eq "work"].value`) hundreds of thousands of times, and
/// parsing one costs a lexer, a parser and several strings.
///
/// A cache belongs to one thread (it is a value: each reader keeps its own). It holds at most
/// `limit` paths (none at 0) and starts over when full, so a log of ever-new paths cannot grow it. Bad paths
/// are not kept: each one is parsed again and fails with its own message.
public struct AttributePathCache: Sendable {
    private var paths: [String: AttributePath] = [:]
    public let limit: Int

    public init(limit: Int = 512) {
        self.limit = limit
    }

    /// The path `text` parses to, as `AttributePath.parse` gives it.
    public mutating func path(_ text: String) throws -> AttributePath {
        guard limit > 0 else { return try AttributePath.parse(text) }
        if let known = paths[text] { return known }
        let parsed = try AttributePath.parse(text)
        if paths.count >= limit { paths.removeAll(keepingCapacity: true) }
        paths[text] = parsed
        return parsed
    }
}
