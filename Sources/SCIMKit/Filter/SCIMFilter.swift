/// A parsed SCIM filter (RFC 7644 §3.4.2.2): a tree of comparisons joined by `and`, `or`, `not`.
///
/// Parse one with `SCIMFilter.parse(_:)`; a filter that does not parse is an error, never a filter
/// that matches everything.
public indirect enum SCIMFilter: Sendable, Hashable {
    /// `attrPath op value`, e.g. `userName eq "bjensen"`.
    case comparison(AttributePath, Operator, Value)
    /// `attrPath pr`: the attribute has a non-empty value.
    case present(AttributePath)
    /// `attrPath[filter]`: some value of a (multi-valued) complex attribute matches `filter`,
    /// whose attribute paths name sub-attributes.
    case valuePath(AttributePath, SCIMFilter)
    case and(SCIMFilter, SCIMFilter)
    case or(SCIMFilter, SCIMFilter)
    case not(SCIMFilter)

    /// A comparison operator; `rawValue` is the lowercase wire spelling.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case eq, ne, co, sw, ew, gt, ge, lt, le

        /// Whether the operator orders values (`gt ge lt le`).
        public var isOrdering: Bool { self == .gt || self == .ge || self == .lt || self == .le }

        /// Whether the operator matches substrings (`co sw ew`).
        public var isSubstring: Bool { self == .co || self == .sw || self == .ew }
    }

    /// A comparison value: a JSON literal. Dates are strings, compared as instants when the
    /// attribute is a `dateTime`.
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case string(String)
        /// A number, as its JSON literal.
        case number(String)
        case bool(Bool)
        case null

        /// The value as a JSON literal.
        public var description: String {
            switch self {
            case .string(let text): return SCIMFilter.quoted(text)
            case .number(let literal): return literal
            case .bool(let flag): return flag ? "true" : "false"
            case .null: return "null"
            }
        }
    }
}

extension SCIMFilter: CustomStringConvertible {
    /// The filter in canonical syntax: lowercase operators, parentheses only where needed.
    public var description: String {
        switch self {
        case .comparison(let path, let op, let value): return "\(path) \(op.rawValue) \(value)"
        case .present(let path): return "\(path) pr"
        case .valuePath(let path, let filter): return "\(path)[\(filter)]"
        case .and(let lhs, let rhs): return "\(lhs.operand(inside: .and)) and \(rhs.operand(inside: .andRight))"
        case .or(let lhs, let rhs): return "\(lhs) or \(rhs.operand(inside: .orRight))"
        case .not(let inner): return "not (\(inner))"
        }
    }

    /// Where an operand is printed: parentheses keep `or` inside `and`, and keep a right-nested
    /// operand of the same operator, so that printing and parsing again gives the same tree.
    private enum Context { case and, andRight, orRight }

    private func operand(inside context: Context) -> String {
        switch (self, context) {
        case (.or, .and), (.or, .andRight), (.and, .andRight), (.or, .orRight): return "(\(self))"
        default: return description
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

extension SCIMFilter {
    /// Parses a filter; a syntax error is a `SCIMError` `invalidFilter` whose detail shows the
    /// filter with a caret under the offending offset.
    public static func parse(_ text: String) throws -> SCIMFilter {
        var parser = FilterParser(text)
        do {
            return try parser.parseWholeFilter()
        } catch {
            throw SCIMError.invalidFilter(
                CaretMessage.render(error.message, text: parser.lexer.scalars, offset: error.offset))
        }
    }
}
