/// Reads SCIM booleans the way real providers send them.
///
/// Entra ID sends `"True"`/`"False"` strings where the schema says boolean; those coerce, in any
/// case. Anything else (`"yes"`, `0`, `""`, `null`) is not a boolean: it is never silently
/// truthy, and callers turn `nil` into an `invalidValue` error.
public enum SCIMBoolean {
    /// The boolean `value` stands for: a JSON boolean, or the string `true`/`false` in any case.
    public static func coerce(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .string(let text):
            if text.caseInsensitiveEquals("true") { return true }
            if text.caseInsensitiveEquals("false") { return false }
            return nil
        default: return nil
        }
    }
}
