/// An error response message (RFC 7644 §3.12), as an endpoint answered it.
public struct SCIMErrorResponse: Sendable {
    /// The URN of the Error message.
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:Error"

    /// The HTTP status (sent as a string by the RFC, as a number by many servers).
    public var status: Int
    public var scimType: String?
    public var detail: String?

    /// Creates a response from its parts.
    public init(status: Int, scimType: String? = nil, detail: String? = nil) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    /// Reads an error response; `status` is required, as a number or a numeric string.
    public init(json: JSONValue) throws {
        guard case .object(let object) = json else {
            throw SCIMError.invalidSyntax("an error response must be an object, not \(json.typeName)")
        }
        guard let status = try MessageFields.integer(object, "status") else {
            throw SCIMError.invalidSyntax("an error response needs a 'status'")
        }
        self.status = status
        scimType = try MessageFields.string(object, "scimType")
        detail = try MessageFields.string(object, "detail")
    }

    /// The `scimType` as a known error code, when it is one.
    public var errorType: SCIMErrorType? {
        scimType.flatMap(SCIMErrorType.init(rawValue:))
    }
}
