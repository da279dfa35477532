extension AttributeLocation {
    /// Whether this is the enterprise extension's `manager`.
    var isManager: Bool {
        container == SCIMSchema.enterpriseUserURN && name == "manager"
    }
}

extension ResourcePatcher {
    /// `add`, `remove` or `replace` of a whole attribute (`path` without filter or sub-attribute).
    mutating func applyWhole(_ op: PatchOperation.Op, location: AttributeLocation, value: JSONValue?) throws {
        let definition = location.definition
        let current = location.read(resource)
        let isMultiValued = definition?.multiValued ?? (current?.arrayValue != nil)
        guard op != .remove else {
            if let definition, definition.required {
                throw SCIMError.mutability("'\(definition.name)' is required and cannot be removed")
            }
            if isMultiValued, let value, !value.isNull {
                // A remove with a value array removes just those values (Entra's members removal).
                let removals = value.arrayValue ?? [value]
                let remaining = MultiValued.remove(removals, from: Self.elements(current), definition: definition)
                location.write(remaining.isEmpty ? nil : .array(remaining), into: &resource)
            } else {
                location.write(nil, into: &resource)
            }
            return
        }
        guard let value else { throw SCIMError.invalidValue("\(op.rawValue) needs a value") }
        guard let coerced = try ValueCoercion.coerce(value, for: definition, isManager: location.isManager) else {
            if let definition, definition.required {
                throw SCIMError.invalidValue("'\(definition.name)' is required and cannot be empty")
            }
            // `null` or `[]` clears with replace; added, it adds nothing.
            if op == .replace { location.write(nil, into: &resource) }
            return
        }
        try Self.checkRequired(coerced, definition: definition)
        if isMultiValued || (definition == nil && coerced.arrayValue != nil && current?.arrayValue != nil) {
            let items = coerced.arrayValue ?? [coerced]
            var result: [JSONValue]
            if op == .add {
                result = MultiValued.merge(Self.elements(current), adding: items, definition: definition)
            } else {
                result = items
                MultiValued.enforceSinglePrimary(&result)
            }
            location.write(.array(result), into: &resource)
        } else if !location.isManager, case .object(let incoming) = coerced,
            definition?.type == .complex || (definition == nil && current?.objectValue != nil)
        {
            // A complex value replaces the sub-attributes it names and leaves the others (§3.5.2.3).
            var object = current?.objectValue ?? JSONObject()
            for member in incoming { object[member.key] = member.value.isNull ? nil : member.value }
            location.write(object.isEmpty ? nil : .object(object), into: &resource)
        } else {
            location.write(coerced, into: &resource)
        }
    }

    /// `attr.sub` without a filter: a sub-attribute of a complex attribute, or of every value of
    /// a multi-valued one (creating the first value when there is none).
    mutating func applySubAttribute(
        _ op: PatchOperation.Op, location: AttributeLocation, sub: String, value: JSONValue?
    ) throws {
        let definition = location.definition
        if let definition, definition.type != .complex {
            throw SCIMError.invalidPath("'\(definition.name)' has no sub-attributes")
        }
        let subDefinition = definition?.subAttribute(named: sub)
        let subName = subDefinition?.name ?? sub
        if let subDefinition, subDefinition.mutability == .readOnly {
            throw SCIMError.mutability("'\(location.name).\(subName)' is read-only")
        }
        var newValue: JSONValue?
        if op != .remove, let value {
            if location.isManager, subName == "value" {
                newValue = try ValueCoercion.manager(value)?.objectValue?["value"]
            } else {
                newValue = try Self.coerceSub(value, subDefinition)
            }
        }
        if op == .add, newValue == nil { return }
        let current = location.read(resource)
        if definition?.multiValued ?? (current?.arrayValue != nil) {
            var items = Self.elements(current)
            if items.isEmpty, let newValue {
                items = [.object(JSONObject([JSONObject.Member(key: subName, value: newValue)]))]
            } else {
                items = items.map { Self.setting(subName, to: newValue, in: $0) }
                if newValue == nil { items = items.filter { !Self.isEmptyElement($0) } }
            }
            MultiValued.enforceSinglePrimary(&items)
            location.write(items.isEmpty ? nil : .array(items), into: &resource)
            return
        }
        var object: JSONObject
        if location.isManager, let current {
            object = try ValueCoercion.manager(current)?.objectValue ?? JSONObject()
        } else {
            object = current?.objectValue ?? JSONObject()
        }
        object[subName] = newValue
        if location.isManager, object["value"] == nil { object = JSONObject() }
        location.write(object.isEmpty ? nil : .object(object), into: &resource)
    }

    /// `sub` of `element` set to `value`, or removed when `value` is nil.
    static func setting(_ sub: String, to value: JSONValue?, in element: JSONValue) -> JSONValue {
        guard case .object(var object) = element else { return element }
        object[sub] = value
        return .object(object)
    }

    /// A sub-attribute value checked against its definition; nil for `null`.
    static func coerceSub(_ value: JSONValue, _ definition: SCIMAttribute?) throws -> JSONValue? {
        if value.isNull { return nil }
        guard let definition else { return value }
        return try ValueCoercion.single(value, for: definition)
    }

    /// A value left with nothing at all after a removal. A value that keeps a label (`type`,
    /// `primary`, `display`) is kept, as RFC 7644 §3.5.2.2 removes only the sub-attribute targeted;
    /// one with no member left holds nothing to keep.
    static func isEmptyElement(_ element: JSONValue) -> Bool {
        guard case .object(let object) = element else { return false }
        return !object.contains { FilterEvaluator.isPresent($0.value) }
    }

    /// The values of a possibly multi-valued attribute.
    static func elements(_ value: JSONValue?) -> [JSONValue] {
        FilterEvaluator.elements(value).filter { !$0.isNull }
    }

    /// Refuses a blank value for a required attribute (`userName`, a group's `displayName`).
    static func checkRequired(_ value: JSONValue, definition: SCIMAttribute?) throws {
        guard let definition, definition.required else { return }
        guard case .string(let text) = value, !text.allSatisfy(\.isWhitespace) else {
            throw SCIMError.invalidValue("'\(definition.name)' must be a non-empty string")
        }
    }
}
