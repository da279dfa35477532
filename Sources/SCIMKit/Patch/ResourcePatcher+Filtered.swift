extension ResourcePatcher {
    /// `attr[filter]` and `attr[filter].sub`: the values of a multi-valued attribute that match.
    ///
    /// `add`/`replace` update every match in place; with no match, the value the filter names
    /// is created when the filter is a conjunction of `eq` tests (`emails[type eq "work"].value`
    /// on a user without a work email: Entra's way of adding one) and the created value is one
    /// the filter selects; otherwise it is `noTarget` (§3.5.2.3). `remove` drops the matches, or
    /// only their sub-attribute (§3.5.2.2: a work email keeps its `type` and `primary`); with no
    /// match it changes nothing.
    mutating func applyFiltered(
        _ op: PatchOperation.Op, location: AttributeLocation, filter: SCIMFilter, subAttribute: String?,
        value: JSONValue?
    ) throws {
        let definition = location.definition
        if let definition, !definition.isMultiValuedComplex {
            throw SCIMError.invalidPath("'\(definition.name)' is not a multi-valued complex attribute")
        }
        var items = Self.elements(location.read(resource))
        let matches = items.indices.filter { index in
            guard case .object(let element) = items[index] else { return false }
            return filter.matches(element: element, of: definition)
        }
        let subDefinition = subAttribute.flatMap { definition?.subAttribute(named: $0) }
        let subName = subDefinition?.name ?? subAttribute
        var touched = matches
        switch op {
        case .remove:
            if let subName {
                for index in matches { items[index] = Self.setting(subName, to: nil, in: items[index]) }
                items = items.filter { !Self.isEmptyElement($0) }
            } else {
                items = items.indices.filter { !matches.contains($0) }.map { items[$0] }
            }
        case .add, .replace:
            guard let value else { throw SCIMError.invalidValue("\(op.rawValue) needs a value") }
            if let subName {
                if let subDefinition, subDefinition.mutability == .readOnly {
                    throw SCIMError.mutability("'\(location.name).\(subName)' is read-only")
                }
                let newValue = try Self.coerceSub(value, subDefinition)
                if op == .add, newValue == nil { break }
                if matches.isEmpty {
                    guard let newValue else { break }
                    var element = try Self.seed(filter, location: location)
                    element[subName] = newValue
                    try Self.checkSelected(element, by: filter, location: location)
                    items.append(.object(element))
                    touched = [items.count - 1]
                } else {
                    for index in matches { items[index] = Self.setting(subName, to: newValue, in: items[index]) }
                    if newValue == nil { items = items.filter { !Self.isEmptyElement($0) } }
                }
            } else {
                let incoming = try Self.elementObject(value, location: location)
                if matches.isEmpty {
                    var element = try Self.seed(filter, location: location)
                    for member in incoming { element[member.key] = member.value }
                    try Self.checkSelected(element, by: filter, location: location)
                    items.append(.object(element))
                    touched = [items.count - 1]
                } else {
                    for index in matches {
                        guard case .object(var element) = items[index] else { continue }
                        for member in incoming { element[member.key] = member.value.isNull ? nil : member.value }
                        items[index] = .object(element)
                    }
                }
            }
        }
        MultiValued.enforceSinglePrimary(&items, preferring: touched)
        location.write(items.isEmpty ? nil : .array(items), into: &resource)
    }

    /// The object value written to `attr[filter]` (a one-element array is unwrapped).
    private static func elementObject(_ value: JSONValue, location: AttributeLocation) throws -> JSONObject {
        var value = value
        if case .array(let items) = value, items.count == 1 { value = items[0] }
        guard case .object(let object) = value else {
            throw SCIMError.invalidValue("a value of '\(location.name)' must be an object, not \(value.typeName)")
        }
        guard let definition = location.definition else { return object }
        return try ValueCoercion.canonical(object, of: definition)
    }

    /// Refuses to create a value that its own filter would not select: `replace
    /// emails[value eq "a@x"].value` with `"b@x"` on a user without `a@x` names no value to
    /// change, and creating `b@x` would answer a request nobody sent (§3.5.2.3 `noTarget`).
    private static func checkSelected(_ element: JSONObject, by filter: SCIMFilter, location: AttributeLocation) throws
    {
        guard filter.matches(element: element, of: location.definition) else {
            throw SCIMError.noTarget(
                "no value of '\(location.name)' matches the filter, and the value given is not one it selects")
        }
    }

    /// The value a filter names, to create when nothing matches: `type eq "work" and primary eq
    /// true` names `{"type": "work", "primary": true}`. Any other filter names no single value.
    private static func seed(_ filter: SCIMFilter, location: AttributeLocation) throws -> JSONObject {
        guard let seed = seedMembers(filter, definition: location.definition) else {
            throw SCIMError.noTarget("no value of '\(location.name)' matches the filter")
        }
        return seed
    }

    private static func seedMembers(_ filter: SCIMFilter, definition: SCIMAttribute?) -> JSONObject? {
        switch filter {
        case .comparison(let path, .eq, let value):
            guard path.schemaURN == nil, path.subAttribute == nil else { return nil }
            let sub = definition?.subAttribute(named: path.attribute)
            let json: JSONValue
            switch value {
            case .string(let text):
                json =
                    sub?.type == .boolean
                    ? (SCIMBoolean.coerce(.string(text)).map(JSONValue.bool) ?? .null) : .string(text)
            case .number(let literal): json = .number(literal)
            case .bool(let flag): json = .bool(flag)
            case .null: return nil
            }
            if json.isNull { return nil }
            return JSONObject([JSONObject.Member(key: sub?.name ?? path.attribute, value: json)])
        case .and(let lhs, let rhs):
            guard var left = seedMembers(lhs, definition: definition),
                let right = seedMembers(rhs, definition: definition)
            else { return nil }
            for member in right {
                if let existing = left[member.key], existing != member.value { return nil }
                left[member.key] = member.value
            }
            return left
        default:
            return nil
        }
    }
}
