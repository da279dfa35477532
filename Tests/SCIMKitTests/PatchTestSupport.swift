import SCIMKit
import Testing

/// Helpers for PATCH tests: apply a request written as JSON text or read from a fixture.
enum Patch {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    static func apply(_ requestJSON: String, to resource: JSONObject, type: SCIMResourceType = .user) throws
        -> JSONObject
    {
        let request = try PatchRequest(json: try SCIMFixtures.parse(requestJSON))
        return try PatchApplier.apply(request, to: resource, type: type)
    }

    static func apply(fixture: String, to resource: JSONObject, type: SCIMResourceType = .user) throws -> JSONObject {
        let request = try PatchRequest(json: try SCIMFixtures.json(fixture))
        return try PatchApplier.apply(request, to: resource, type: type)
    }

    /// One operation as a request body.
    static func operation(_ operationJSON: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operationJSON)]}"#
    }

    static func values(_ path: String, in resource: JSONObject, type: SCIMResourceType = .user) throws -> [JSONValue] {
        resource.values(at: try AttributePath.parse(path), type: type)
    }

    /// The `value` of each member of a group, in order.
    static func memberIDs(_ group: JSONObject) -> [String] {
        group["members"]?.arrayValue?.compactMap { $0.objectValue?["value"]?.stringValue } ?? []
    }

    /// The error an apply throws.
    static func error(_ requestJSON: String, on resource: JSONObject, type: SCIMResourceType = .user) throws
        -> SCIMError
    {
        try #require(throws: SCIMError.self) { try apply(requestJSON, to: resource, type: type) }
    }
}
