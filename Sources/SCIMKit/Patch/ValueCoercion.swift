/// Checks and normalises a value written to an attribute with a known definition.
///
/// Only what the schema makes certain is enforced: booleans coerce (or fail), complex values are
/// objects, multi-valued values are arrays (a single value is wrapped), known sub-attribute
/// names take their schema spelling, and the enterprise `manager` takes its object form. Other
/// scalars are kept as sent, so nothing a provider sends is lost.
enum ValueCoercion {
    /// The value to store for `definition`, or nil when the value clears the attribute
    /// (`null`, or an empty array for a multi-valued attribute).
    static func coerce(_ value: JSONValue, for definition: SCIMAttribute?, isManager: Bool = false) throws -> JSONValue?
    {
        if isManager { return try manager(value) }
        guard let definition else { return value.isNull ? nil : value }
        if value.isNull { return nil }
        if definition.multiValued {
            let items: [JSONValue]
            if case .array(let list) = value { items = list } else { items = [value] }
            let elements = try items.filter { !$0.isNull }.map { try element($0, of: definition) }
            return elements.isEmpty ? nil : .array(elements)
        }
        return try single(value, for: definition)
    }

    /// One value of a single-valued attribute or of a sub-attribute.
    static func single(_ value: JSONValue, for definition: SCIMAttribute) throws -> JSONValue {
        switch definition.type {
        case .boolean:
            guard let flag = SCIMBoolean.coerce(value) else {
                throw SCIMError.invalidValue("'\(definition.name)' must be true or false, not \(describe(value))")
            }
            return .bool(flag)
        case .complex:
            guard case .object(let object) = value else {
                throw SCIMError.invalidValue("'\(definition.name)' must be an object, not \(value.typeName)")
            }
            return .object(try canonical(object, of: definition))
        default:
            switch value {
            case .object, .array:
                throw SCIMError.invalidValue("'\(definition.name)' takes a single value, not \(value.typeName)")
            default:
                return value
            }
        }
    }

    /// One element of a multi-valued attribute: a complex element is an object (a bare scalar
    /// becomes `{"value": …}`), with its known sub-attributes checked.
    static func element(_ value: JSONValue, of definition: SCIMAttribute) throws -> JSONValue {
        guard definition.type == .complex else { return try single(value, for: definition) }
        switch value {
        case .object(let object): return .object(try canonical(object, of: definition))
        case .array: throw SCIMError.invalidValue("'\(definition.name)' values must be objects, not arrays")
        default: return .object(JSONObject(["value": value]))
        }
    }

    /// `object` with known sub-attribute names in schema spelling and their values checked.
    static func canonical(_ object: JSONObject, of definition: SCIMAttribute) throws -> JSONObject {
        var result = JSONObject()
        for member in object {
            guard let sub = definition.subAttribute(named: member.key) else {
                result[member.key] = member.value
                continue
            }
            result[sub.name] = member.value.isNull ? .null : try single(member.value, for: sub)
        }
        return result
    }

    /// The enterprise manager in its object form: a bare id string, `{value}` (any key case) or a
    /// one-element array of either all become `{"value": id}`; null, "" or `[]` clear it.
    static func manager(_ value: JSONValue) throws -> JSONValue? {
        switch value {
        case .null: return nil
        case .string(let id):
            return id.allSatisfy(\.isWhitespace) ? nil : .object(JSONObject(["value": .string(id)]))
        case .number(let literal): return .object(JSONObject(["value": .string(literal)]))
        case .array(let items):
            guard items.count <= 1 else {
                throw SCIMError.invalidValue("'manager' takes one value, not \(items.count)")
            }
            return try items.first.flatMap(manager)
        case .object(let object):
            let normalized = try canonical(object, of: managerDefinition)
            switch normalized["value"] {
            case .string(let id)? where id.allSatisfy(\.isWhitespace): return nil
            case .null?: return nil
            case .number(let literal)?:
                var copy = normalized
                copy["value"] = .string(literal)
                return .object(copy)
            case .object?, .array?, .bool?:
                throw SCIMError.invalidValue("'manager.value' must be an id string")
            default: return .object(normalized)
            }
        case .bool: throw SCIMError.invalidValue("'manager' must be an id or an object, not boolean")
        }
    }

    static let managerDefinition = SCIMSchema.enterpriseUser.attribute(named: "manager")!

    /// A short, safe rendering of a rejected scalar for an error message.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text.count <= 16 ? "\"\(text)\"" : "a string"
        case .number(let literal): return literal.count <= 16 ? literal : "a number"
        default: return value.typeName
        }
    }
}
