import SCIMKit

/// The discovery endpoints (RFC 7644 §4): `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`,
/// built from SCIMKit's schema definitions so that what is advertised is what is enforced.
enum Discovery {
    static let serviceProviderConfigURN = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    static let resourceTypeURN = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
    static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:Schema"

    static func reply(for route: Route, base: String) -> SCIMReply {
        switch route {
        case .serviceProviderConfig:
            return SCIMReply(status: 200, body: .object(serviceProviderConfig(base: base)))
        case .resourceTypes(nil):
            return SCIMReply(status: 200, body: list(SCIMResourceType.allCases.map { resourceType($0, base: base) }))
        case .resourceTypes(let id?):
            guard let type = SCIMResourceType.allCases.first(where: { name($0).caseInsensitiveEquals(id) }) else {
                return .error(404, nil, "no such resource type")
            }
            return SCIMReply(status: 200, body: .object(resourceType(type, base: base)))
        case .schemas(nil):
            return SCIMReply(status: 200, body: list(SCIMSchema.all.map { schema($0, base: base) }))
        case .schemas(let id?):
            guard let found = SCIMSchema.schema(urn: id) else { return .error(404, nil, "no such schema") }
            return SCIMReply(status: 200, body: .object(schema(found, base: base)))
        default:
            return .error(404, nil, "no such endpoint")
        }
    }

    static func list(_ resources: [JSONObject]) -> JSONValue {
        var object = JSONObject()
        object["schemas"] = .array([.string(ListResponse.schemaURN)])
        object["totalResults"] = .number(String(resources.count))
        object["startIndex"] = 1
        object["itemsPerPage"] = .number(String(resources.count))
        object["Resources"] = .array(resources.map { .object($0) })
        return .object(object)
    }

    static func meta(_ resourceType: String, _ location: String) -> JSONValue {
        .object(JSONObject(["resourceType": .string(resourceType), "location": .string(location)]))
    }

    static func serviceProviderConfig(base: String) -> JSONObject {
        func supported(_ flag: Bool) -> JSONValue { .object(JSONObject(["supported": .bool(flag)])) }
        var object = JSONObject()
        object["schemas"] = .array([.string(serviceProviderConfigURN)])
        object["patch"] = supported(true)
        object["bulk"] = .object(
            JSONObject(["supported": false, "maxOperations": 0, "maxPayloadSize": 0]))
        object["filter"] = .object(JSONObject(["supported": true, "maxResults": 1000]))
        object["changePassword"] = supported(false)
        object["sort"] = supported(false)
        object["etag"] = supported(false)
        object["authenticationSchemes"] = .array([
            .object(
                JSONObject([
                    "type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true,
                    "description": "the secret token given to scimrecon serve, sent as Authorization: Bearer",
                ]))
        ])
        object["meta"] = meta("ServiceProviderConfig", "\(base)/ServiceProviderConfig")
        return object
    }

    static func name(_ type: SCIMResourceType) -> String { type.coreSchema.name }

    static func resourceType(_ type: SCIMResourceType, base: String) -> JSONObject {
        var object = JSONObject()
        object["schemas"] = .array([.string(resourceTypeURN)])
        object["id"] = .string(name(type))
        object["name"] = .string(name(type))
        object["endpoint"] = .string("/\(name(type))s")
        object["description"] = .string(type == .user ? "User Account" : "Group")
        object["schema"] = .string(type.coreSchema.id)
        object["schemaExtensions"] = .array(
            type.extensionSchemas.map { .object(JSONObject(["schema": .string($0.id), "required": false])) })
        object["meta"] = meta("ResourceType", "\(base)/ResourceTypes/\(name(type))")
        return object
    }

    /// The attributes every resource has (RFC 7643 §3.1) are not part of a schema's definition.
    static let commonAttributes: Set<String> = ["id", "externalid", "schemas", "meta"]

    static func schema(_ schema: SCIMSchema, base: String) -> JSONObject {
        var object = JSONObject()
        object["schemas"] = .array([.string(schemaURN)])
        object["id"] = .string(schema.id)
        object["name"] = .string(schema.name)
        object["description"] = .string("\(schema.name) as scimrecon stores it")
        object["attributes"] = .array(
            schema.attributes.filter { !commonAttributes.contains($0.name.lowercased()) }.map {
                .object(attribute($0, isUserName: schema.id == SCIMSchema.userURN))
            })
        object["meta"] = meta("Schema", "\(base)/Schemas/\(schema.id)")
        return object
    }

    static func attribute(_ attribute: SCIMAttribute, isUserName: Bool) -> JSONObject {
        var object = JSONObject()
        object["name"] = .string(attribute.name)
        object["type"] = .string(attribute.type.rawValue)
        object["multiValued"] = .bool(attribute.multiValued)
        object["description"] = .string(attribute.name)
        object["required"] = .bool(attribute.required)
        object["caseExact"] = .bool(attribute.caseExact)
        object["mutability"] = .string(attribute.mutability.rawValue)
        object["returned"] = .string(attribute.mutability == .writeOnly ? "never" : "default")
        object["uniqueness"] = .string(isUserName && attribute.name == "userName" ? "server" : "none")
        if attribute.type == .reference {
            object["referenceTypes"] = .array(
                attribute.name == "$ref" ? [.string("User"), .string("Group")] : [.string("external")])
        }
        if !attribute.subAttributes.isEmpty {
            object["subAttributes"] = .array(
                attribute.subAttributes.map { .object(Self.attribute($0, isUserName: false)) })
        }
        return object
    }
}
