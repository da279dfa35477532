/// The SCIM endpoint a logged request went to, parsed from its URL path.
///
/// Anything before `/Users`, `/Groups` or `/Bulk` is the base URL and ignored. The id is one
/// percent-decoded path segment; a query (`?filter=userName eq "x"`) is kept decoded.
public struct RequestPath: Sendable, Hashable {
    public enum Endpoint: String, Sendable, Hashable {
        case users = "Users"
        case groups = "Groups"
        case bulk = "Bulk"
    }

    public var endpoint: Endpoint
    /// The resource id, when the path names one (`/Users/2819c223`).
    public var id: String?
    /// `/Users/.search` and friends: a query, which changes nothing.
    public var isSearch: Bool
    /// The decoded `filter` query parameter, if any.
    public var filter: String?

    /// Parses `path`; throws a sentence naming the rule it breaks.
    public init(_ path: String) throws(IngestError) {
        var text = Substring(path)
        var query: Substring?
        if let mark = text.firstIndex(of: "?") {
            query = text[text.index(after: mark)...]
            text = text[..<mark]
        }
        if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        guard
            let index = segments.firstIndex(where: { segment in
                Endpoint.allNames.contains { $0.caseInsensitiveEquals(String(segment)) }
            })
        else {
            throw IngestError.rule("request.path", "the path names no /Users, /Groups or /Bulk endpoint")
        }
        let name = String(segments[index])
        endpoint = Endpoint.allCases.first { $0.rawValue.caseInsensitiveEquals(name) }!
        var rest = Array(segments[(index + 1)...])
        if rest.last == "" { rest.removeLast() }
        isSearch = false
        id = nil
        switch rest.count {
        case 0:
            break
        case 1:
            guard let decoded = RequestPath.percentDecode(rest[0]), !decoded.isEmpty else {
                throw IngestError.rule("request.path", "the resource id in the path is not valid percent-encoded UTF-8")
            }
            guard decoded != "..", decoded != ".", !decoded.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw IngestError.rule("request.path", "the resource id in the path is not a valid id")
            }
            if decoded.caseInsensitiveEquals(".search") {
                isSearch = true
            } else {
                id = decoded
            }
        default:
            throw IngestError.rule("request.path", "the path has segments after the resource id")
        }
        filter = nil
        if let query {
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = RequestPath.percentDecode(parts[0], plusIsSpace: true) ?? ""
                if key.caseInsensitiveEquals("filter"), parts.count == 2 {
                    filter = RequestPath.percentDecode(parts[1], plusIsSpace: true)
                }
            }
        }
    }

    /// Percent-decodes one URL component; nil for a bad escape or invalid UTF-8.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue)
                else { return nil }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension RequestPath.Endpoint: CaseIterable {
    static let allNames = allCases.map(\.rawValue)
}
