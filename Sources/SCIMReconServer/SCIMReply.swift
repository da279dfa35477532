import SCIMKit
import SCIMReconCore

/// What the endpoint answers one request with, before it becomes an HTTP response.
struct SCIMReply: Sendable {
    var status: Int
    var body: JSONValue?
    var headers: [(name: String, value: String)] = []

    init(status: Int, body: JSONValue? = nil, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// A SCIM error (RFC 7644 §3.12): `schemas`, `status` as a string, `scimType`, `detail`.
    static func error(_ status: Int, _ scimType: SCIMErrorType? = nil, _ detail: String) -> SCIMReply {
        var object = JSONObject()
        object["schemas"] = .array([.string(SCIMErrorResponse.schemaURN)])
        object["status"] = .string(String(status))
        if let scimType { object["scimType"] = .string(scimType.rawValue) }
        object["detail"] = .string(detail)
        return SCIMReply(status: status, body: .object(object))
    }

    static func notFound(_ what: String) -> SCIMReply {
        .error(404, nil, "no \(what) of this application has that id")
    }

    /// A SCIM error from a `SCIMError` thrown by SCIMKit (filter, path, PATCH syntax).
    static func error(_ error: SCIMError) -> SCIMReply {
        .error(error.status, error.scimType, String(error.detail.prefix { $0 != "\n" }))
    }

    /// The answer for a failure event the reconciler recorded, by its reason code.
    static func failure(reason: String) -> SCIMReply {
        let code = String(reason.prefix { $0 != ":" })
        var detail = String(reason.dropFirst(code.count).drop { $0 == ":" || $0 == " " })
        if detail.isEmpty { detail = code }
        switch code {
        case "resource.unknown-id", "resource.already-deleted": return .error(404, nil, detail)
        case "schema.uniqueness", "match.ambiguous": return .error(409, .uniqueness, detail)
        case "schema.mutability": return .error(400, .mutability, detail)
        case "patch.invalid-path": return .error(400, .invalidPath, detail)
        case "patch.no-target": return .error(400, .noTarget, detail)
        case "request.invalid-filter": return .error(400, .invalidFilter, detail)
        case "request.invalid-syntax", "request.invalid-body", "request.missing-body", "patch.invalid":
            return .error(400, .invalidSyntax, detail)
        default: return .error(400, .invalidValue, detail)
        }
    }
}
