import SCIMKit

/// The query of a SCIM request: `filter`, `startIndex`, `count`, `attributes`,
/// `excludedAttributes` (RFC 7644 §3.4.2), names compared case-insensitively.
struct QueryParameters: Sendable {
    var filter: String?
    var startIndex = 1
    var count: Int?
    var attributes: [String] = []
    var excludedAttributes: [String] = []

    init() {}

    /// Parses a raw query string (`a=b&c=d`, percent-encoded, `+` as a space).
    init(query: String?) throws(SCIMError) {
        var pairs: [(String, String)] = []
        for part in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(pieces[0]), let value = Self.decode(pieces.count > 1 ? pieces[1] : "")
            else {
                throw .invalidSyntax("the query is not valid percent-encoded UTF-8")
            }
            pairs.append((name, value))
        }
        try self.init(pairs: pairs)
    }

    /// Reads the members of a `POST …/.search` body (RFC 7644 §3.4.3).
    init(searchBody object: JSONObject) throws(SCIMError) {
        var pairs: [(String, String)] = []
        for member in object {
            switch member.value {
            case .string(let text): pairs.append((member.key, text))
            case .number(let literal): pairs.append((member.key, literal))
            case .array(let items):
                pairs.append((member.key, items.compactMap(\.stringValue).joined(separator: ",")))
            default: continue
            }
        }
        try self.init(pairs: pairs)
    }

    private init(pairs: [(String, String)]) throws(SCIMError) {
        for (name, value) in pairs {
            switch name.lowercased() {
            case "filter": filter = value
            case "startindex":
                guard let number = Int(value.trimmingSpaces()) else {
                    throw .invalidValue("startIndex must be an integer")
                }
                startIndex = max(1, number)
            case "count":
                guard let number = Int(value.trimmingSpaces()) else { throw .invalidValue("count must be an integer") }
                count = max(0, number)
            case "attributes": attributes = Self.list(value)
            case "excludedattributes": excludedAttributes = Self.list(value)
            default: continue
            }
        }
    }

    static func list(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first != utf8.endIndex else { return nil }
                let second = utf8.index(after: first)
                guard second != utf8.endIndex, let high = hex(utf8[first]), let low = hex(utf8[second]) else {
                    return nil
                }
                bytes.append(high << 4 | low)
                index = second
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
