/// Evaluates a filter against a resource, or against one value of a complex attribute.
struct FilterEvaluator: Sendable {
    /// What the filter's attribute paths are relative to.
    enum Scope: Sendable {
        /// A whole resource of this type.
        case resource(SCIMResourceType)
        /// One value of a complex attribute: paths name its sub-attributes.
        case element(SCIMAttribute?)
    }

    var scope: Scope

    func matches(_ filter: SCIMFilter, _ object: JSONObject) -> Bool {
        switch filter {
        case .and(let lhs, let rhs): return matches(lhs, object) && matches(rhs, object)
        case .or(let lhs, let rhs): return matches(lhs, object) || matches(rhs, object)
        case .not(let inner): return !matches(inner, object)
        case .present(let path):
            return operands(path, object, comparing: false).contains { Self.isPresent($0.value) }
        case .valuePath(let path, let inner):
            let (raw, definition) = attribute(path, object)
            let elementEvaluator = FilterEvaluator(scope: .element(definition))
            return Self.elements(raw).contains { element in
                guard case .object(let elementObject) = element else { return false }
                return elementEvaluator.matches(inner, elementObject)
            }
        case .comparison(let path, let op, let value):
            let candidates = operands(path, object, comparing: true)
            switch (op, value) {
            case (.eq, .null): return !candidates.contains { Self.isPresent($0.value) }
            case (.ne, .null): return candidates.contains { Self.isPresent($0.value) }
            case (.ne, _):
                // `ne` is the negation of `eq`: true when no value equals (also when there is no
                // value), so `a ne x` and `not (a eq x)` agree on multi-valued attributes.
                return !candidates.contains { FilterComparison.holds($0.value, .eq, value, definition: $0.definition) }
            default:
                return candidates.contains { FilterComparison.holds($0.value, op, value, definition: $0.definition) }
            }
        }
    }

    /// The raw value of the path's attribute (ignoring any sub-attribute) and its definition.
    private func attribute(_ path: AttributePath, _ object: JSONObject) -> (JSONValue?, SCIMAttribute?) {
        switch scope {
        case .resource(let type):
            let location = AttributeLocation.resolve(path, type: type, in: object)
            return (location.read(object), location.definition)
        case .element(let parent):
            return (object[path.attribute], parent?.subAttribute(named: path.attribute))
        }
    }

    /// The values a comparison looks at, flattened over multi-valued attributes. Without a
    /// sub-attribute, a comparison on a multi-valued complex attribute compares its `value`s.
    private func operands(
        _ path: AttributePath, _ object: JSONObject, comparing: Bool
    ) -> [(value: JSONValue, definition: SCIMAttribute?)] {
        let (raw, definition) = attribute(path, object)
        if let sub = path.subAttribute {
            let subDefinition = definition?.subAttribute(named: sub)
            return Self.elements(raw).flatMap { element -> [(value: JSONValue, definition: SCIMAttribute?)] in
                guard case .object(let elementObject) = element, let value = elementObject[sub] else { return [] }
                return Self.elements(value).map { ($0, subDefinition) }
            }
        }
        return Self.elements(raw).map { element in
            if comparing, case .object(let elementObject) = element, let value = elementObject["value"] {
                return (value, definition?.subAttribute(named: "value"))
            }
            return (element, definition)
        }
    }

    /// The values of a possibly multi-valued attribute: an array's elements, else the value.
    static func elements(_ value: JSONValue?) -> [JSONValue] {
        switch value {
        case nil: return []
        case .array(let items)?: return items
        case let value?: return [value]
        }
    }

    /// Whether a value counts as present for `pr`: not null, not an empty string, array or object.
    static func isPresent(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .string(let text): return !text.isEmpty
        case .array(let items): return items.contains(where: isPresent)
        case .object(let object): return object.contains { isPresent($0.value) }
        case .bool, .number: return true
        }
    }
}

extension SCIMFilter {
    /// Whether `resource`, a resource of `type`, matches this filter.
    public func matches(_ resource: JSONObject, type: SCIMResourceType) -> Bool {
        FilterEvaluator(scope: .resource(type)).matches(self, resource)
    }

    /// Whether one value of a complex attribute matches this value filter.
    func matches(element: JSONObject, of definition: SCIMAttribute?) -> Bool {
        FilterEvaluator(scope: .element(definition)).matches(self, element)
    }
}
