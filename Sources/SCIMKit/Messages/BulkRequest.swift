/// One operation of a BulkRequest (RFC 7644 §3.7).
public struct BulkOperation: Sendable, Hashable {
    /// The HTTP method, uppercased: `POST`, `PUT`, `PATCH` or `DELETE`.
    public var method: String
    /// The client's id for a resource this operation creates, referenced as `"bulkId:…"`.
    public var bulkID: String?
    /// The resource path relative to the base (`/Users`, `/Groups/abc`).
    public var path: String
    /// The ETag the operation is conditional on.
    public var version: String?
    /// The request body: a resource, or a PatchOp message for `PATCH`.
    public var data: JSONValue?

    /// Creates an operation.
    public init(method: String, bulkID: String? = nil, path: String, version: String? = nil, data: JSONValue? = nil) {
        self.method = method.uppercased()
        self.bulkID = bulkID
        self.path = path
        self.version = version
        self.data = data
    }
}

/// A BulkRequest message (RFC 7644 §3.7): operations to apply in order.
public struct BulkRequest: Sendable {
    /// The URN of the BulkRequest message.
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
    /// The methods a bulk operation may use.
    public static let methods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    /// The number of errors after which the client asked the server to stop.
    public var failOnErrors: Int?
    public var operations: [BulkOperation]

    /// Creates a request from its parts.
    public init(failOnErrors: Int? = nil, operations: [BulkOperation]) {
        self.failOnErrors = failOnErrors
        self.operations = operations
    }

    /// Reads a BulkRequest: `Operations` (any case) is required; each operation needs a known
    /// `method` and a `path`; a `bulkId` must be a non-empty string used once.
    public init(json: JSONValue) throws {
        guard case .object(let object) = json else {
            throw SCIMError.invalidSyntax("a bulk request must be an object, not \(json.typeName)")
        }
        failOnErrors = try MessageFields.integer(object, "failOnErrors")
        guard case .array(let items)? = object["Operations"] else {
            throw SCIMError.invalidSyntax("a bulk request needs an 'Operations' array")
        }
        var seen: Set<String> = []
        operations = try items.enumerated().map { index, item in
            do {
                let operation = try Self.operation(item)
                if let bulkID = operation.bulkID, !seen.insert(bulkID).inserted {
                    throw SCIMError.invalidValue("bulkId '\(FilterParser.clip(bulkID))' is used twice")
                }
                return operation
            } catch let error as SCIMError {
                throw error.prefixed("operation \(index + 1)")
            }
        }
    }

    private static func operation(_ item: JSONValue) throws -> BulkOperation {
        guard case .object(let object) = item else {
            throw SCIMError.invalidSyntax("an operation must be an object, not \(item.typeName)")
        }
        guard let method = try MessageFields.string(object, "method")?.uppercased() else {
            throw SCIMError.invalidSyntax("an operation needs a 'method'")
        }
        guard methods.contains(method) else {
            throw SCIMError.invalidSyntax("unknown method '\(FilterParser.clip(method))'")
        }
        guard let path = try MessageFields.string(object, "path"), !path.isEmpty else {
            throw SCIMError.invalidSyntax("an operation needs a 'path'")
        }
        let bulkID = try MessageFields.string(object, "bulkId")
        if let bulkID, bulkID.isEmpty { throw SCIMError.invalidValue("'bulkId' must not be empty") }
        return BulkOperation(
            method: method, bulkID: bulkID, path: path, version: try MessageFields.string(object, "version"),
            data: object["data"])
    }
}
