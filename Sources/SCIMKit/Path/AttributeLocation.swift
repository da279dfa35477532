/// Where an attribute path's attribute lives in a resource: top level, or inside an extension
/// object keyed by its schema URN.
struct AttributeLocation: Sendable, Hashable {
    /// The key of the extension object holding the attribute; nil for a top-level attribute.
    var container: String?
    /// The attribute's key (canonical spelling when known).
    var name: String
    /// The attribute's definition, when a known schema defines it.
    var definition: SCIMAttribute?

    /// Resolves the attribute of `path` (its filter and sub-attribute are ignored here).
    ///
    /// Unqualified names look in the core schema, then in the known extensions (so `department`
    /// reaches the enterprise extension, unless the resource keeps a top-level `department` of
    /// its own); URN-qualified names go to their extension; a bare extension URN names the
    /// whole extension object. For an unknown URN, see `isWholeExtension`.
    static func resolve(_ path: AttributePath, type: SCIMResourceType, in resource: JSONObject?) -> AttributeLocation {
        guard let schemaURN = path.schemaURN else {
            if path.attribute.hasURNPrefix {
                return AttributeLocation(container: nil, name: path.attribute, definition: nil)
            }
            if let attribute = type.coreSchema.attribute(named: path.attribute) {
                return AttributeLocation(container: nil, name: attribute.name, definition: attribute)
            }
            for schema in type.extensionSchemas {
                guard let attribute = schema.attribute(named: path.attribute) else { continue }
                if let resource, resource[attribute.name] != nil,
                    resource[schema.id]?.objectValue?[attribute.name] == nil
                {
                    return AttributeLocation(container: nil, name: attribute.name, definition: attribute)
                }
                return AttributeLocation(container: schema.id, name: attribute.name, definition: attribute)
            }
            return AttributeLocation(container: nil, name: path.attribute, definition: nil)
        }
        if schemaURN.caseInsensitiveEquals(type.coreSchema.id) {
            let attribute = type.coreSchema.attribute(named: path.attribute)
            return AttributeLocation(container: nil, name: attribute?.name ?? path.attribute, definition: attribute)
        }
        if let schema = type.extensionSchemas.first(where: { $0.id.caseInsensitiveEquals(schemaURN) }) {
            let attribute = schema.attribute(named: path.attribute)
            return AttributeLocation(
                container: schema.id, name: attribute?.name ?? path.attribute, definition: attribute)
        }
        let whole = schemaURN + ":" + path.attribute
        if let resource, path.subAttribute == nil, path.valueFilter == nil,
            isWholeExtension(whole, prefix: schemaURN, attribute: path.attribute, in: resource)
        {
            return AttributeLocation(container: nil, name: whole, definition: nil)
        }
        return AttributeLocation(container: schemaURN, name: path.attribute, definition: nil)
    }

    /// Whether an unknown `prefix:attribute` names a whole extension object rather than an
    /// attribute of extension `prefix`: the resource decides when it holds or lists either; else
    /// the conventional shape of an extension URN decides: a version then a capitalised resource
    /// type (`…:1.0:User`), so that `…:2.0:User:EmployeeID` stays an attribute.
    private static func isWholeExtension(
        _ whole: String, prefix: String, attribute: String, in resource: JSONObject
    ) -> Bool {
        if resource[prefix]?.objectValue != nil { return false }
        let schemas = resource.schemaList
        if resource[whole] != nil || schemas.contains(where: { $0.caseInsensitiveEquals(whole) }) { return true }
        if schemas.contains(where: { $0.caseInsensitiveEquals(prefix) }) { return false }
        let version = prefix.split(separator: ":").last ?? ""
        let isVersion = !version.isEmpty && version.allSatisfy { $0.isNumber || $0 == "." }
        return isVersion && (attribute.first?.isUppercase ?? false)
    }

    /// Whether this location is a whole extension object (`urn:…:User`).
    var isExtensionObject: Bool {
        container == nil && name.hasURNPrefix
    }

    /// The attribute's value in `resource`, if any.
    func read(_ resource: JSONObject) -> JSONValue? {
        guard let container else { return resource[name] }
        return resource[container]?.objectValue?[name]
    }

    /// Sets (or, with nil, removes) the attribute's value in `resource`, creating the extension
    /// object (and listing it in `schemas`) when a value goes into an extension that is absent.
    func write(_ value: JSONValue?, into resource: inout JSONObject) {
        guard let container else {
            resource[name] = value
            return
        }
        guard var object = resource[container]?.objectValue else {
            guard let value else { return }
            resource[container] = .object(JSONObject([JSONObject.Member(key: name, value: value)]))
            resource.listSchema(container)
            return
        }
        object[name] = value
        // An extension emptied by a removal goes with its last attribute.
        resource[container] = value == nil && object.isEmpty ? nil : .object(object)
    }
}

extension JSONObject {
    /// The strings of the `schemas` attribute.
    var schemaList: [String] {
        self["schemas"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Adds `urn` to `schemas` when the resource has a `schemas` array that lacks it.
    mutating func listSchema(_ urn: String) {
        guard case .array(var schemas)? = self["schemas"] else { return }
        guard !schemas.contains(where: { $0.stringValue?.caseInsensitiveEquals(urn) ?? false }) else { return }
        schemas.append(.string(urn))
        self["schemas"] = .array(schemas)
    }
}
