import Foundation

/// One step applied to a mapped value, in the order the job lists them.
///
/// In a job file, `transform:` takes a list (or one item). A bare name is a transform without
/// arguments; the others are one-key maps:
/// ```yaml
/// transform:
///   - trim                    # leading and trailing whitespace removed
///   - lower                   # or upper
///   - strip_spaces            # every whitespace character removed
///   - normalize_diacritics    # "Zoë Åberg" -> "Zoe Aberg"
///   - left: 20                # the first 20 characters
///   - replace: { pattern: "@old\\.com$", with: "@new.com" }   # regex; $1 in `with` for groups
///   - prefix: "x-"
///   - suffix: "-ext"
/// ```
public enum Transform: Sendable {
    case lower
    case upper
    case trim
    case stripSpaces
    case normalizeDiacritics
    /// The first N characters.
    case left(Int)
    case replace(ReplaceRule)
    case prefix(String)
    case suffix(String)

    /// The names a job file may use, for messages and suggestions.
    public static let names = [
        "lower", "upper", "trim", "strip_spaces", "normalize_diacritics", "left", "replace", "prefix", "suffix",
    ]

    /// The name of this transform as a job file writes it.
    public var name: String {
        switch self {
        case .lower: return "lower"
        case .upper: return "upper"
        case .trim: return "trim"
        case .stripSpaces: return "strip_spaces"
        case .normalizeDiacritics: return "normalize_diacritics"
        case .left: return "left"
        case .replace: return "replace"
        case .prefix: return "prefix"
        case .suffix: return "suffix"
        }
    }

    /// The transformed value.
    public func apply(to value: String) -> String {
        switch self {
        case .lower:
            return value.lowercased()
        case .upper:
            return value.uppercased()
        case .trim:
            return value.trimmingSpaces()
        case .stripSpaces:
            return String(value.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        case .normalizeDiacritics:
            return value.folding(options: .diacriticInsensitive, locale: nil)
        case .left(let count):
            return String(value.prefix(count))
        case .replace(let rule):
            return rule.apply(to: value)
        case .prefix(let text):
            return text + value
        case .suffix(let text):
            return value + text
        }
    }
}

/// A regular-expression replacement: every match of `pattern` becomes `replacement`.
///
/// The pattern is ICU syntax (NSRegularExpression); the replacement may use `$1`… for groups and
/// `\$` for a dollar sign.
public struct ReplaceRule: Sendable {
    public let pattern: String
    public let replacement: String
    private let regex: NSRegularExpression

    /// Compiles `pattern`; throws when it is not a valid regular expression.
    public init(pattern: String, with replacement: String) throws(MappingError) {
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            // Foundation's error text is a domain and a code: say what is wrong in our words.
            throw MappingError(attribute: "", message: "bad regular expression '\(pattern)'")
        }
        self.pattern = pattern
        self.replacement = replacement
    }

    /// `value` with every match replaced.
    public func apply(to value: String) -> String {
        let range = NSRange(value.startIndex..., in: value)
        return regex.stringByReplacingMatches(in: value, range: range, withTemplate: replacement)
    }
}
