import Foundation

/// The comparison rules of RFC 7644 §3.4.2.2 for one attribute value against one filter value.
///
/// Strings compare case-insensitively unless the attribute is `caseExact`; `dateTime` attributes
/// (and, for unknown attributes, two strings that both read as dates) compare as instants;
/// numbers compare numerically; booleans only with `eq`/`ne`. Values of different types never
/// match, except a string filter value against a boolean or number attribute that it spells.
enum FilterComparison {
    static func holds(
        _ actual: JSONValue, _ op: SCIMFilter.Operator, _ expected: SCIMFilter.Value, definition: SCIMAttribute?
    ) -> Bool {
        switch expected {
        case .null:
            return false
        case .bool(let flag):
            guard op == .eq || op == .ne, definition?.type != .complex, let value = SCIMBoolean.coerce(actual) else {
                return false
            }
            return (value == flag) == (op == .eq)
        case .number(let literal):
            switch actual {
            case .number(let actualLiteral):
                return order(compareNumbers(actualLiteral, literal), op)
            default:
                return false
            }
        case .string(let text):
            switch actual {
            case .string(let actualText):
                return compareStrings(actualText, op, text, definition: definition)
            case .bool:
                guard op == .eq || op == .ne, let flag = SCIMBoolean.coerce(.string(text)),
                    let value = SCIMBoolean.coerce(actual)
                else { return false }
                return (value == flag) == (op == .eq)
            case .number(let actualLiteral):
                guard !op.isSubstring, FilterParser.isJSONNumber(text) else { return false }
                return order(compareNumbers(actualLiteral, text), op)
            default:
                return false
            }
        }
    }

    private static func compareStrings(
        _ actual: String, _ op: SCIMFilter.Operator, _ expected: String, definition: SCIMAttribute?
    ) -> Bool {
        if !op.isSubstring, definition?.type == .dateTime || definition == nil,
            let lhs = SCIMDateTime(actual), let rhs = SCIMDateTime(expected)
        {
            return order(lhs == rhs ? .orderedSame : (lhs < rhs ? .orderedAscending : .orderedDescending), op)
        }
        if definition?.type == .boolean { return false }
        let caseExact = definition?.caseExact ?? false
        let lhs = caseExact ? actual : actual.lowercased()
        let rhs = caseExact ? expected : expected.lowercased()
        switch op {
        case .co: return rhs.isEmpty || lhs.contains(rhs)
        case .sw: return lhs.hasPrefix(rhs)
        case .ew: return lhs.hasSuffix(rhs)
        default: return order(lhs == rhs ? .orderedSame : (lhs < rhs ? .orderedAscending : .orderedDescending), op)
        }
    }

    /// Whether the ordering of actual against expected satisfies `op`.
    private static func order(_ result: ComparisonResult?, _ op: SCIMFilter.Operator) -> Bool {
        guard let result else { return false }
        switch op {
        case .eq: return result == .orderedSame
        case .ne: return result != .orderedSame
        case .gt: return result == .orderedDescending
        case .ge: return result != .orderedAscending
        case .lt: return result == .orderedAscending
        case .le: return result != .orderedDescending
        case .co, .sw, .ew: return false
        }
    }

    /// Compares two JSON number literals exactly where `Decimal` can hold them, else as doubles.
    static func compareNumbers(_ lhs: String, _ rhs: String) -> ComparisonResult? {
        if let left = Decimal(string: lhs, locale: Locale(identifier: "en_US_POSIX")),
            let right = Decimal(string: rhs, locale: Locale(identifier: "en_US_POSIX")),
            !left.isNaN, !right.isNaN
        {
            return left == right ? .orderedSame : (left < right ? .orderedAscending : .orderedDescending)
        }
        guard let left = Double(lhs), let right = Double(rhs) else { return nil }
        return left == right ? .orderedSame : (left < right ? .orderedAscending : .orderedDescending)
    }
}
