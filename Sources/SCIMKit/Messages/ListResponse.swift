/// A ListResponse message (RFC 7644 §3.4.2): a page of resources with its counts.
public struct ListResponse: Sendable {
    /// The URN of the ListResponse message.
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

    /// The total number of results the query matched; a snapshot with more than it holds is
    /// incomplete.
    public var totalResults: Int?
    public var startIndex: Int?
    public var itemsPerPage: Int?
    /// The resources of this page, in order.
    public var resources: [JSONObject]

    /// Creates a response from its parts.
    public init(totalResults: Int? = nil, startIndex: Int? = nil, itemsPerPage: Int? = nil, resources: [JSONObject]) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.itemsPerPage = itemsPerPage
        self.resources = resources
    }

    /// Reads a ListResponse (`Resources` in any case, counts as numbers or numeric strings), or
    /// a bare JSON array of resources. `Resources` may be absent (an empty page).
    public init(json: JSONValue) throws {
        switch json {
        case .array(let items):
            resources = try Self.objects(items)
        case .object(let object):
            totalResults = try MessageFields.integer(object, "totalResults")
            startIndex = try MessageFields.integer(object, "startIndex")
            itemsPerPage = try MessageFields.integer(object, "itemsPerPage")
            switch object["Resources"] {
            case nil, .null?: resources = []
            case .array(let items)?: resources = try Self.objects(items)
            case let other?: throw SCIMError.invalidSyntax("'Resources' must be an array, not \(other.typeName)")
            }
        default:
            throw SCIMError.invalidSyntax("a list response must be an object or an array, not \(json.typeName)")
        }
    }

    private static func objects(_ items: [JSONValue]) throws -> [JSONObject] {
        try items.enumerated().map { index, item in
            guard case .object(let object) = item else {
                throw SCIMError.invalidSyntax("resource \(index + 1) must be an object, not \(item.typeName)")
            }
            return object
        }
    }
}
