// TEMPORARY integration stubs; deleted when the scim branch lands.
public struct PatchRequest: Sendable, Hashable { public init(json: JSONValue) throws { fatalError() } }
public enum PatchApplier {
    public static func apply(_ r: PatchRequest, to o: JSONObject, type: SCIMResourceType) throws -> JSONObject {
        fatalError()
    }
}
public enum SCIMResource {
    public static func normalizedUser(_ o: JSONObject) throws -> JSONObject { o }
    public static func normalizedGroup(_ o: JSONObject) throws -> JSONObject { o }
    public static func active(_ o: JSONObject) -> Bool? { nil }
    public static func displayName(_ o: JSONObject) -> String? { nil }
    public static func members(_ o: JSONObject) -> [String] { [] }
}
public struct BulkRequest: Sendable {
    public init(json: JSONValue) throws { fatalError() }; public var failOnErrors: Int?;
    public var operations: [BulkOperation]
}
public struct BulkOperation: Sendable, Hashable {
    public var method: String; public var bulkID: String?; public var path: String; public var version: String?;
    public var data: JSONValue?
}
public struct BulkIDResolver: Sendable {
    public init() {}; public mutating func record(bulkID: String, id: String) {};
    public func resolve(_ v: JSONValue) throws -> JSONValue { v };
    public static func order(_ o: [BulkOperation]) throws -> [BulkOperation] { o }
}
