import SCIMKit

/// Turns the JSON values found at a SCIM path into the one string a local attribute holds.
///
/// - A multi-valued attribute named without a sub-attribute (`emails`, `phoneNumbers`) gives the
///   `value` of its preferred element: the primary one, else the one typed `work`, else the first.
///   That is the default mapping's `email`.
/// - Otherwise the first value: a string as is, a boolean as `true`/`false`, a number as its literal.
/// - An object without a `value` (an attribute of an extension SCIMKit does not know) or a nested
///   array gives its compact JSON with sorted keys, so nothing mapped is silently dropped. Known
///   complex attributes without a `value` (`name`, `addresses`) are refused when the job loads:
///   map one of their sub-attributes, which keeps reports and diffs readable.
/// - A boolean attribute (`active`, `primary`) given as a string (`"True"`, `"no"`) is coerced,
///   by `SCIMBoolean` with `.text` leniency: a mapped value is text.
enum MappedValue {
    /// The string for `values`, or nil when there is none.
    static func string(from values: [JSONValue], isBoolean: Bool) -> String? {
        guard let first = values.first else { return nil }
        if case .object = first {
            // An element whose `value` was removed keeps its labels (RFC 7644 §3.5.2.2); it is
            // never the preferred one, and an element holding only labels maps to nothing.
            let objects = values.compactMap(\.objectValue)
            let valued = objects.filter { !($0["value"]?.isNull ?? true) }
            if let preferred = SCIMResource.preferredElement(valued), let value = preferred["value"] {
                return scalarString(value, isBoolean: false)
            }
            if !objects.isEmpty, objects.allSatisfy(isLabelsOnly) { return nil }
        }
        return scalarString(first, isBoolean: isBoolean)
    }

    /// A value as text; nil for null, compact JSON for objects and arrays.
    static func scalarString(_ value: JSONValue, isBoolean: Bool) -> String? {
        switch value {
        case .string(let text):
            if isBoolean, let flag = SCIMBoolean.parse(text, leniency: .text) { return flag ? "true" : "false" }
            return text
        case .bool(let flag):
            return flag ? "true" : "false"
        case .number(let literal):
            return literal
        case .array, .object:
            return JSONWriter.string(value)
        case .null:
            return nil
        }
    }

    /// Whether an element holds nothing but labels (`type`, `primary`, `display`).
    private static func isLabelsOnly(_ element: JSONObject) -> Bool {
        element.allSatisfy { member in
            ["type", "primary", "display"].contains(where: member.key.caseInsensitiveEquals)
        }
    }
}
