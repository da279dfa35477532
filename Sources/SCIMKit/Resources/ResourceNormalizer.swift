/// Brings a resource as a provider sent it into the one form SCIMKit stores and compares.
struct ResourceNormalizer {
    let type: SCIMResourceType

    func normalize(_ object: JSONObject) throws -> JSONObject {
        var result = JSONObject()
        var qualified: [(AttributePath, JSONValue)] = []
        for member in object {
            if member.key.caseInsensitiveEquals("password") { continue }
            if member.key.lowercased().hasPrefix("urn:") {
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

    /// One attribute value: booleans coerced (or refused), complex values with their known
    /// sub-attribute names in schema spelling, multi-valued values as arrays with one primary.
    /// Values of an unexpected shape are kept as sent.
    private func normalize(_ value: JSONValue, definition: SCIMAttribute) throws -> JSONValue {
        if value.isNull { return value }
        if definition.multiValued {
            var items = value.arrayValue ?? [value]
            items = try items.map { item in
                guard definition.type == .complex else { return try normalizeSingle(item, definition: definition) }
                switch item {
                case .object(let object): return .object(try normalizeObject(object, definition: definition))
                case .string, .number, .bool: return .object(JSONObject(["value": item]))
                default: return item
                }
            }
            MultiValued.enforceSinglePrimary(&items)
            return .array(items)
        }
        if definition.type == .complex, case .object(let object) = value {
            return .object(try normalizeObject(object, definition: definition))
        }
        return try normalizeSingle(value, definition: definition)
    }

    private func normalizeObject(_ object: JSONObject, definition: SCIMAttribute) throws -> JSONObject {
        var result = JSONObject()
        for member in object {
            guard let sub = definition.subAttribute(named: member.key) else {
                result[member.key] = member.value
                continue
            }
            result[sub.name] = member.value.isNull ? .null : try normalizeSingle(member.value, definition: sub)
        }
        return result
    }

    private func normalizeSingle(_ value: JSONValue, definition: SCIMAttribute) throws -> JSONValue {
        guard definition.type == .boolean, !value.isNull else { return value }
        guard let flag = SCIMBoolean.coerce(value) else {
            throw SCIMError.invalidValue(
                "'\(definition.name)' must be true or false, not \(ValueCoercion.describe(value))")
        }
        return .bool(flag)
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
