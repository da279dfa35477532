/// Resolves `"bulkId:…"` references (RFC 7644 §3.7.2) to the ids of resources created earlier
/// in the same bulk request, and orders operations so that referenced creations come first.
public struct BulkIDResolver: Sendable {
    /// The prefix of a reference, matched in any case.
    public static let prefix = "bulkId:"

    /// The ids recorded so far, by bulkId.
    public private(set) var ids: [String: String] = [:]

    /// Creates an empty resolver.
    public init() {}

    /// Records that the operation with `bulkID` created the resource `id`.
    public mutating func record(bulkID: String, id: String) {
        ids[bulkID] = id
    }

    /// `value` with every string that is a whole `"bulkId:x"` reference, at any depth, replaced
    /// by the id recorded for `x`. An unresolved reference is an `invalidValue` error (status
    /// 409, as RFC 7644 §3.7.1 answers references it cannot resolve) naming the bulkId.
    public func resolve(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let text):
            guard let bulkID = Self.reference(in: text) else { return value }
            guard let id = ids[bulkID] else { throw Self.unresolved(bulkID) }
            return .string(id)
        case .array(let items):
            return .array(try items.map(resolve))
        case .object(let object):
            var result = JSONObject()
            for member in object { result.append(key: member.key, value: try resolve(member.value)) }
            return .object(result)
        case .null, .bool, .number:
            return value
        }
    }

    /// `path` with a `bulkId:x` segment (`/Groups/bulkId:x`) replaced by the recorded id.
    public func resolvePath(_ path: String) throws -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for index in segments.indices {
            guard let bulkID = Self.reference(in: segments[index]) else { continue }
            guard let id = ids[bulkID] else { throw Self.unresolved(bulkID) }
            segments[index] = id
        }
        return segments.joined(separator: "/")
    }

    /// The bulkId a string references, if it is a reference.
    public static func reference(in text: String) -> String? {
        guard text.count > prefix.count, text.prefix(prefix.count).lowercased() == prefix.lowercased() else {
            return nil
        }
        return String(text.dropFirst(prefix.count))
    }

    /// Every bulkId referenced in `value` (nested too), in order of appearance.
    public static func references(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return reference(in: text).map { [$0] } ?? []
        case .array(let items): return items.flatMap(references(in:))
        case .object(let object): return object.flatMap { references(in: $0.value) }
        case .null, .bool, .number: return []
        }
    }

    private static func unresolved(_ bulkID: String) -> SCIMError {
        SCIMError(
            status: 409, scimType: .invalidValue, detail: "unresolved bulkId reference '\(FilterParser.clip(bulkID))'")
    }
}
