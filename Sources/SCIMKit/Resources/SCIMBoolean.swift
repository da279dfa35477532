/// The one reading of booleans in the package: SCIM values, mapped values and CSV cells.
///
/// Entra ID sends `"True"`/`"False"` strings where the schema says boolean; those coerce, in any
/// case. In a SCIM body anything else (`"yes"`, `0`, `""`, `null`) is not a boolean: it is never
/// silently truthy, and callers turn `nil` into an `invalidValue` error. Text that a person or a
/// spreadsheet wrote (a CSV `accountEnabled` column, a value already mapped to text) legitimately
/// says `Yes`, `0` or `Disabled`: callers reading such text ask for `.text` leniency, which
/// accepts those words too. No other caller keeps its own list.
public enum SCIMBoolean {
    /// How much a reading accepts beyond a JSON boolean.
    public enum Leniency: Sendable {
        /// `true`/`false` as JSON booleans or as strings in any case: a SCIM request or resource.
        case scim
        /// Also `yes`/`no`, `1`/`0` and `enabled`/`disabled`, in any case, surrounding spaces
        /// ignored: a CSV cell or a mapped value, which are text.
        case text
    }

    /// The words `.text` leniency reads as true, lowercased.
    static let textTrueWords: [String] = ["true", "yes", "1", "enabled"]

    /// The words `.text` leniency reads as false, lowercased.
    static let textFalseWords: [String] = ["false", "no", "0", "disabled"]

    /// The boolean `value` stands for in a SCIM body (`.scim` leniency), or nil.
    public static func coerce(_ value: JSONValue) -> Bool? {
        coerce(value, leniency: .scim)
    }

    /// The boolean `value` stands for under `leniency`, or nil when it stands for none.
    public static func coerce(_ value: JSONValue, leniency: Leniency) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .string(let text): return parse(text, leniency: leniency)
        case .number(let literal) where leniency == .text: return parse(literal, leniency: .text)
        default: return nil
        }
    }

    /// The boolean `text` stands for under `leniency`, or nil when it stands for none.
    public static func parse(_ text: String, leniency: Leniency) -> Bool? {
        switch leniency {
        case .scim:
            if text.caseInsensitiveEquals("true") { return true }
            if text.caseInsensitiveEquals("false") { return false }
            return nil
        case .text:
            guard let start = text.firstIndex(where: { !$0.isWhitespace }),
                let end = text.lastIndex(where: { !$0.isWhitespace })
            else { return nil }
            let word = String(text[start...end])
            if textTrueWords.contains(where: word.caseInsensitiveEquals) { return true }
            if textFalseWords.contains(where: word.caseInsensitiveEquals) { return false }
            return nil
        }
    }
}
