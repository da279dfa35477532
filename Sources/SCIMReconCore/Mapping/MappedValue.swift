import SCIMKit

/// Turns the JSON values found at a SCIM path into the one string a local attribute holds.
///
/// - A multi-valued attribute named without a sub-attribute (`emails`, `phoneNumbers`) gives the
///   `value` of its preferred element: the primary one, else the one typed `work`, else the first.
///   That is the default mapping's `email`.
/// - Otherwise the first value: a string as is, a boolean as `true`/`false`, a number as its literal.
/// - A complex value (an object or array, e.g. `name` or `addresses`) gives nothing: map one of its
///   sub-attributes instead. Keeping local attributes flat keeps reports and diffs readable.
/// - A boolean attribute (`active`, `primary`) given as a string (`"True"`, `"no"`) is coerced.
enum MappedValue {
    /// The string for `values`, or nil when there is none.
    static func string(from values: [JSONValue], isBoolean: Bool) -> String? {
        guard let first = values.first else { return nil }
        if case .object = first {
            let objects = values.compactMap(\.objectValue)
            guard let preferred = preferredElement(objects), let value = preferred["value"] else { return nil }
            return scalarString(value, isBoolean: false)
        }
        return scalarString(first, isBoolean: isBoolean)
    }

    /// The primary element, else the `work` one, else the first.
    static func preferredElement(_ elements: [JSONObject]) -> JSONObject? {
        if let primary = elements.first(where: { isTrue($0["primary"]) }) { return primary }
        if let work = elements.first(where: { $0["type"]?.stringValue?.caseInsensitiveEquals("work") == true }) {
            return work
        }
        return elements.first
    }

    /// A scalar as text; nil for null, objects and arrays.
    static func scalarString(_ value: JSONValue, isBoolean: Bool) -> String? {
        switch value {
        case .string(let text):
            if isBoolean, let flag = coerceBoolean(text) { return flag ? "true" : "false" }
            return text
        case .bool(let flag):
            return flag ? "true" : "false"
        case .number(let literal):
            return literal
        case .null, .array, .object:
            return nil
        }
    }

    /// A boolean as providers and spreadsheets write it: true/false, yes/no, 1/0, in any case.
    static func coerceBoolean(_ text: String) -> Bool? {
        switch text.trimmingSpaces().lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: return nil
        }
    }

    private static func isTrue(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(let flag)?: return flag
        case .string(let text)?: return coerceBoolean(text) == true
        default: return false
        }
    }
}
