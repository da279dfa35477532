/// One PATCH operation (RFC 7644 §3.5.2): `add`, `remove` or `replace`, an optional path and value.
public struct PatchOperation: Sendable, Hashable {
    /// The operation kind; parsed from any case (`Replace`, `ADD`).
    public enum Op: String, Sendable, Hashable, CaseIterable {
        case add, remove, replace
    }

    public var op: Op
    /// The target; nil means the value is an object of attributes to apply to the resource.
    public var path: AttributePath?
    public var value: JSONValue?

    /// Creates an operation.
    public init(op: Op, path: AttributePath? = nil, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }
}

/// A PATCH request body: the operations of a `PatchOp` message, in order.
public struct PatchRequest: Sendable, Hashable {
    /// The URN of the PatchOp message.
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    public var operations: [PatchOperation]

    /// The most operations one request may carry; a longer one is refused before any is read
    /// (real providers send a handful; a member list goes in one operation's value).
    public static let maxOperations = 10_000

    /// Creates a request from operations.
    public init(operations: [PatchOperation]) {
        self.operations = operations
    }

    /// Reads a PatchOp message, tolerant of what providers send: the `schemas` attribute may be
    /// missing or odd (Entra), `Operations` and member names may be in any case, op names in any
    /// case, an empty `path` means no path, and a bare array of operations (as in RFC 7644's own
    /// bulk example) is accepted. An unknown op, a bad path, or an add/replace without a value is
    /// an error.
    public init(json: JSONValue) throws {
        var paths = AttributePathCache(limit: 0)
        try self.init(json: json, paths: &paths)
    }

    /// Reads a PatchOp message as `init(json:)` does, taking paths parsed before from `paths`.
    public init(json: JSONValue, paths: inout AttributePathCache) throws {
        let list: [JSONValue]
        switch json {
        case .array(let items):
            list = items
        case .object(let object):
            guard let operations = object["Operations"] else {
                throw SCIMError.invalidSyntax("patch request has no 'Operations'")
            }
            guard case .array(let items) = operations else {
                throw SCIMError.invalidSyntax("patch 'Operations' must be an array")
            }
            list = items
        default:
            throw SCIMError.invalidSyntax("patch request must be an object")
        }
        guard !list.isEmpty else { throw SCIMError.invalidValue("patch request has no operations") }
        guard list.count <= Self.maxOperations else {
            throw SCIMError.invalidValue("patch request has more than \(Self.maxOperations) operations")
        }
        operations = try list.enumerated().map { index, item in
            do {
                return try Self.operation(item, paths: &paths)
            } catch let error as SCIMError {
                throw error.prefixed("operation \(index + 1)")
            }
        }
    }

    private static func operation(_ item: JSONValue, paths: inout AttributePathCache) throws -> PatchOperation {
        guard case .object(let object) = item else {
            throw SCIMError.invalidSyntax("an operation must be an object")
        }
        guard case .string(let name)? = object["op"] else {
            throw SCIMError.invalidSyntax("an operation needs an 'op' string")
        }
        guard let op = PatchOperation.Op(rawValue: name.lowercased()) else {
            throw SCIMError.invalidSyntax("unknown op '\(FilterParser.clip(name))' (expected add, remove or replace)")
        }
        var path: AttributePath?
        switch object["path"] {
        case nil, .null?: break
        case .string(let text)?:
            if !text.allSatisfy(\.isWhitespace) { path = try paths.path(text) }
        case let other?:
            throw SCIMError.invalidPath("'path' must be a string, not \(other.typeName)")
        }
        let value = object["value"]
        if op != .remove, value == nil {
            throw SCIMError.invalidValue("\(op.rawValue) needs a 'value'")
        }
        return PatchOperation(op: op, path: path, value: value)
    }
}

extension SCIMError {
    /// The same error with `context: ` in front of its detail.
    func prefixed(_ context: String) -> SCIMError {
        SCIMError(status: status, scimType: scimType, detail: "\(context): \(detail)")
    }
}
