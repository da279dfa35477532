/// Applies PATCH requests (RFC 7644 §3.5.2) to resources, atomically: all operations or none.
///
/// Beyond the RFC it accepts the dialects real providers send (see PATCH-DIALECT.md): no-path
/// values with dotted and URN-qualified keys, filtered paths that create the value they name,
/// `remove` of `members` given as a value array, the enterprise manager as a bare id.
public enum PatchApplier {
    /// The resource after every operation of `request`; on any error the error is thrown and
    /// nothing is applied (the input is a value and is never modified).
    public static func apply(_ request: PatchRequest, to resource: JSONObject, type: SCIMResourceType) throws
        -> JSONObject
    {
        var result = resource
        for (index, operation) in request.operations.enumerated() {
            do {
                try apply(operation, to: &result, type: type)
            } catch let error as SCIMError {
                throw error.prefixed("operation \(index + 1)")
            }
        }
        unlistRemovedExtensions(from: &result, before: resource, type: type)
        return result
    }

    /// Drops from `schemas` each known extension whose object the request removed (its last
    /// attribute, or the whole object): `schemas` lists the schemas a resource uses (RFC 7643 §3).
    static func unlistRemovedExtensions(from resource: inout JSONObject, before: JSONObject, type: SCIMResourceType) {
        guard case .array(let schemas)? = resource["schemas"] else { return }
        let removed = type.extensionSchemas.map(\.id).filter { before[$0] != nil && resource[$0] == nil }
        guard !removed.isEmpty else { return }
        let kept = schemas.filter { urn in !removed.contains { urn.stringValue?.caseInsensitiveEquals($0) ?? false } }
        if kept.count != schemas.count { resource["schemas"] = .array(kept) }
    }

    /// Applies one operation in place.
    static func apply(_ operation: PatchOperation, to resource: inout JSONObject, type: SCIMResourceType) throws {
        var patcher = ResourcePatcher(resource: resource, type: type)
        if let path = operation.path {
            try patcher.apply(operation.op, path: path, value: operation.value)
        } else {
            try patcher.applyWithoutPath(operation.op, value: operation.value)
        }
        resource = patcher.resource
    }
}

/// The state of one resource being patched, and the path-level operations on it.
struct ResourcePatcher {
    var resource: JSONObject
    let type: SCIMResourceType

    /// A no-path `add` or `replace`: each key of the value object is a path (`displayName`,
    /// `name.givenName`, `urn:…:User:department`, an extension URN holding an object).
    mutating func applyWithoutPath(_ op: PatchOperation.Op, value: JSONValue?) throws {
        guard op != .remove else { throw SCIMError.noTarget("remove needs a path") }
        guard case .object(let object)? = value else {
            throw SCIMError.invalidValue("\(op.rawValue) without a path needs an object value")
        }
        try applyMembers(op, of: object, schemaURN: nil)
    }

    /// Applies each member of `object` as `op` on the path its key names, qualified by
    /// `schemaURN` when the object is an extension's.
    private mutating func applyMembers(_ op: PatchOperation.Op, of object: JSONObject, schemaURN: String?) throws {
        for member in object {
            var path = try AttributePath.parse(member.key)
            if let schemaURN {
                guard path.schemaURN == nil, !path.attribute.hasURNPrefix else {
                    throw SCIMError.invalidPath("a schema urn inside an extension object")
                }
                path.schemaURN = schemaURN
            }
            try apply(op, path: path, value: member.value, fromValueObject: true)
        }
    }

    /// Applies `op` at `path`; `fromValueObject` when the path is a key of a no-path value,
    /// where read-only members (`id`, `meta`, `groups`) are ignored as in a PUT (§3.5.1).
    mutating func apply(
        _ op: PatchOperation.Op, path: AttributePath, value: JSONValue?, fromValueObject: Bool = false
    ) throws {
        if path.schemaURN == nil, path.attribute.caseInsensitiveEquals(type.coreSchema.id) {
            // The core schema URN used as a container: its members are top-level attributes.
            try applyToExtensionObject(op, schemaURN: nil, value: value)
            return
        }
        let location = AttributeLocation.resolve(path.attributeOnly, type: type, in: resource)
        // A password is never stored, whatever the operation (RFC 7643 `writeOnly`, and our policy).
        if location.name.caseInsensitiveEquals("password") { return }
        if fromValueObject, location.definition?.mutability == .readOnly { return }
        if try isReadOnlyNoOp(op, location: location, path: path, value: value) { return }
        if location.isExtensionObject {
            guard path.valueFilter == nil, path.subAttribute == nil else {
                throw SCIMError.invalidPath("an extension object has no value filter or sub-attribute")
            }
            try applyToExtensionObject(op, schemaURN: location.name, value: value)
            return
        }
        if let filter = path.valueFilter {
            try applyFiltered(op, location: location, filter: filter, subAttribute: path.subAttribute, value: value)
        } else if let sub = path.subAttribute {
            try applySubAttribute(op, location: location, sub: sub, value: value)
        } else {
            try applyWhole(op, location: location, value: value)
        }
    }

    /// Operations on a whole extension object: `remove` drops it; `add`/`replace` apply each
    /// of its members.
    private mutating func applyToExtensionObject(_ op: PatchOperation.Op, schemaURN: String?, value: JSONValue?) throws
    {
        switch (op, value) {
        case (.remove, _):
            guard let schemaURN else { throw SCIMError.mutability("the core schema cannot be removed") }
            resource[schemaURN] = nil
        case (_, .object(let object)?):
            guard let schemaURN else {
                try applyMembers(op, of: object, schemaURN: nil)
                return
            }
            let known = SCIMSchema.schema(urn: schemaURN)
            if resource[schemaURN]?.objectValue == nil, known == nil || object.isEmpty {
                // An unknown extension is created first, so that its members resolve inside it.
                resource[schemaURN] = .object(JSONObject())
                resource.listSchema(schemaURN)
            }
            try applyMembers(op, of: object, schemaURN: known?.id ?? schemaURN)
        case (_, .null?):
            if let schemaURN, op == .replace { resource[schemaURN] = nil }
        default:
            throw SCIMError.invalidValue("an extension takes an object value")
        }
    }

    /// Refuses changes to read-only attributes (`mutability`). A write that repeats the current
    /// value (Okta sends the group's `id` with a rename), or that targets a read-only attribute
    /// the resource does not hold, is ignored as RFC 7644 §3.5.1 ignores read-only values:
    /// reported by returning true.
    private func isReadOnlyNoOp(
        _ op: PatchOperation.Op, location: AttributeLocation, path: AttributePath, value: JSONValue?
    ) throws -> Bool {
        guard let definition = location.definition, definition.mutability == .readOnly else { return false }
        if op != .remove, path.valueFilter == nil, path.subAttribute == nil, value != nil {
            let current = location.read(resource)
            if current == nil || current == value { return true }
        }
        throw SCIMError.mutability("'\(definition.name)' is read-only")
    }
}
