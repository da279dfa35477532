/// Brings a resource as a provider sent it into the one form SCIMKit stores and compares.
struct ResourceNormalizer {
    let type: SCIMResourceType

    /// `object` in normal form. With `base` (a resource in normal form that `object` was derived
    /// from, as a PATCH derives its result), a member found unchanged at the same position in
    /// `base` is taken as it is: normalising a normal form gives it back, so the result is the
    /// same as without `base`, at the cost of the members that changed only.
    func normalize(_ object: JSONObject, unchangedFrom base: JSONObject? = nil) throws -> JSONObject {
        var result = JSONObject()
        var qualified: [(AttributePath, JSONValue)] = []
        let before = base?.members ?? []
        for (position, member) in object.members.enumerated() {
            if position < before.count, before[position].key == member.key, before[position].value == member.value {
                result[member.key] = member.value
                continue
            }
            if member.key.caseInsensitiveEquals("password") { continue }
            if member.key.hasURNPrefix {
                if let schema = SCIMSchema.schema(urn: member.key) {
                    if schema.id == type.coreSchema.id, case .object(let core) = member.value {
                        // Core attributes nested under the core URN are top-level attributes.
                        for inner in core { qualified.append((AttributePath(attribute: inner.key), inner.value)) }
                    } else {
                        result[schema.id] = try normalizeExtension(member.value, schema: schema)
                    }
                } else if let path = try? AttributePath.parse(member.key), let schemaURN = path.schemaURN,
                    path.valueFilter == nil, SCIMSchema.schema(urn: schemaURN) != nil
                {
                    qualified.append((path, member.value))
                } else {
                    // An unknown extension: kept as sent, less any password inside it.
                    result[member.key] = Self.withoutPassword(member.value)
                }
                continue
            }
            if let definition = type.coreSchema.attribute(named: member.key) {
                result[definition.name] = try normalize(member.value, definition: definition)
            } else {
                result[member.key] = member.value
            }
        }
        for (path, value) in qualified {
            let location = AttributeLocation.resolve(path, type: type, in: result)
            if location.name.caseInsensitiveEquals("password") { continue }
            if let sub = path.subAttribute {
                let subDefinition = location.definition?.subAttribute(named: sub)
                var object = location.read(result)?.objectValue ?? JSONObject()
                object[subDefinition?.name ?? sub] =
                    try subDefinition.map { try normalizeSingle(value, definition: $0) } ?? value
                location.write(.object(object), into: &result)
            } else if location.isManager {
                location.write(try ValueCoercion.manager(value), into: &result)
            } else if let definition = location.definition {
                location.write(try normalize(value, definition: definition), into: &result)
            } else {
                location.write(value, into: &result)
            }
        }
        for schema in type.extensionSchemas where result[schema.id] != nil {
            result.listSchema(schema.id)
        }
        return result
    }

    /// A known extension object: known names in schema spelling, manager in object form.
    private func normalizeExtension(_ value: JSONValue, schema: SCIMSchema) throws -> JSONValue {
        guard case .object(let object) = value else { return value }
        var result = JSONObject()
        for member in object {
            if member.key.caseInsensitiveEquals("password") { continue }
            guard let definition = schema.attribute(named: member.key) else {
                result[member.key] = member.value
                continue
            }
            if schema.id == SCIMSchema.enterpriseUserURN, definition.name == "manager" {
                if let manager = try ValueCoercion.manager(member.value) { result["manager"] = manager }
            } else {
                result[definition.name] = try normalize(member.value, definition: definition)
            }
        }
        return .object(result)
    }

    /// One attribute value, checked by `ValueCoercion`, the same owner a PATCH and a PUT use, so
    /// that POST, PUT and PATCH give one answer: booleans coerced (or refused), complex values as
    /// objects with their known sub-attribute names in schema spelling, a single-valued simple
    /// attribute refusing an object or array (`"title": {…}` is `invalidValue`), multi-valued
    /// values as arrays with one primary. `null` and `[]` are kept as sent: a POST that spells
    /// out an empty attribute stores what it said.
    private func normalize(_ value: JSONValue, definition: SCIMAttribute) throws -> JSONValue {
        if value.isNull { return value }
        if definition.multiValued, value.arrayValue?.isEmpty == true { return value }
        guard let coerced = try ValueCoercion.coerce(value, for: definition) else { return value }
        guard definition.multiValued, case .array(var items) = coerced else { return coerced }
        MultiValued.enforceSinglePrimary(&items)
        return .array(items)
    }

    private func normalizeSingle(_ value: JSONValue, definition: SCIMAttribute) throws -> JSONValue {
        value.isNull ? value : try ValueCoercion.single(value, for: definition)
    }

    /// `value` without any `password` member, at any depth of objects.
    static func withoutPassword(_ value: JSONValue) -> JSONValue {
        guard case .object(let object) = value else { return value }
        var result = JSONObject()
        for member in object where !member.key.caseInsensitiveEquals("password") {
            result.append(key: member.key, value: withoutPassword(member.value))
        }
        return .object(result)
    }
}
