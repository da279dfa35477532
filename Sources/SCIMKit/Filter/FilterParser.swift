/// A recursive-descent parser for the filter grammar of RFC 7644 §3.4.2.2 and the PATCH path
/// grammar of §3.5.2.
///
/// Precedence, lowest first: `or`, `and`, `not`/parentheses. Operators and keywords are
/// case-insensitive. A value filter (`emails[…]`) may not nest another, and every operand of a
/// comparison must be an attribute path, so `emails[type eq "work" or 1 eq 1]` is refused.
struct FilterParser {
    /// The deepest nesting of parentheses accepted: deeper input would only exhaust the stack.
    static let maximumDepth = 50
    /// The most comparisons a filter may hold; the tree's depth grows with them.
    static let maximumTerms = 1000

    var lexer: FilterLexer
    private var depth = 0
    private var terms = 0

    init(_ text: String) {
        lexer = FilterLexer(text)
    }

    /// Parses the whole text as a filter.
    mutating func parseWholeFilter() throws(FilterSyntaxError) -> SCIMFilter {
        if case .end = try lexer.peek().kind { throw FilterSyntaxError(message: "empty filter", offset: 0) }
        let filter = try parseOr(insideValueFilter: false)
        let token = try lexer.next()
        switch token.kind {
        case .end: return filter
        case .closeParen: throw FilterSyntaxError(message: "unbalanced ')'", offset: token.offset)
        case .closeBracket: throw FilterSyntaxError(message: "unbalanced ']'", offset: token.offset)
        default: throw FilterSyntaxError(message: "expected 'and', 'or' or the end of the filter", offset: token.offset)
        }
    }

    /// Parses a value filter up to (and including) its closing `]`.
    mutating func parseValueFilter(openedAt offset: Int) throws(FilterSyntaxError) -> SCIMFilter {
        if case .closeBracket = try lexer.peek().kind {
            throw FilterSyntaxError(message: "empty value filter", offset: try lexer.peek().offset)
        }
        let filter = try parseOr(insideValueFilter: true)
        let token = try lexer.next()
        switch token.kind {
        case .closeBracket: return filter
        case .end: throw FilterSyntaxError(message: "missing ']' for the '[' at offset \(offset)", offset: token.offset)
        case .closeParen: throw FilterSyntaxError(message: "unbalanced ')'", offset: token.offset)
        default: throw FilterSyntaxError(message: "expected 'and', 'or' or ']'", offset: token.offset)
        }
    }

    private mutating func parseOr(insideValueFilter: Bool) throws(FilterSyntaxError) -> SCIMFilter {
        var result = try parseAnd(insideValueFilter: insideValueFilter)
        while try isKeyword("or") {
            _ = try lexer.next()
            result = .or(result, try parseAnd(insideValueFilter: insideValueFilter))
        }
        return result
    }

    private mutating func parseAnd(insideValueFilter: Bool) throws(FilterSyntaxError) -> SCIMFilter {
        var result = try parseUnary(insideValueFilter: insideValueFilter)
        while try isKeyword("and") {
            _ = try lexer.next()
            result = .and(result, try parseUnary(insideValueFilter: insideValueFilter))
        }
        return result
    }

    private mutating func isKeyword(_ keyword: String) throws(FilterSyntaxError) -> Bool {
        if case .word(let word) = try lexer.peek().kind { return word.caseInsensitiveEquals(keyword) }
        return false
    }

    private mutating func parseUnary(insideValueFilter: Bool) throws(FilterSyntaxError) -> SCIMFilter {
        let token = try lexer.next()
        switch token.kind {
        case .openParen:
            return try parseParenthesized(openedAt: token.offset, insideValueFilter: insideValueFilter)
        case .word(let word):
            if word.caseInsensitiveEquals("not"), case .openParen = try lexer.peek().kind {
                let open = try lexer.next()
                return .not(try parseParenthesized(openedAt: open.offset, insideValueFilter: insideValueFilter))
            }
            let path = try Self.attributePath(word, at: token.offset)
            let wordEnd = token.offset + word.unicodeScalars.count
            return try parseAttributeExpression(path, wordEnd: wordEnd, insideValueFilter: insideValueFilter)
        case .end:
            throw FilterSyntaxError(message: "expected an attribute path, '(' or 'not'", offset: token.offset)
        case .string:
            throw FilterSyntaxError(message: "expected an attribute path, found a string", offset: token.offset)
        case .closeParen, .closeBracket, .openBracket:
            throw FilterSyntaxError(message: "expected an attribute path, '(' or 'not'", offset: token.offset)
        }
    }

    private mutating func parseParenthesized(
        openedAt offset: Int, insideValueFilter: Bool
    ) throws(FilterSyntaxError) -> SCIMFilter {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw FilterSyntaxError(message: "parentheses nest more than \(Self.maximumDepth) deep", offset: offset)
        }
        let inner = try parseOr(insideValueFilter: insideValueFilter)
        let close = try lexer.next()
        guard case .closeParen = close.kind else {
            if case .end = close.kind {
                throw FilterSyntaxError(message: "missing ')' for the '(' at offset \(offset)", offset: close.offset)
            }
            throw FilterSyntaxError(message: "expected 'and', 'or' or ')'", offset: close.offset)
        }
        return inner
    }

    private mutating func parseAttributeExpression(
        _ path: AttributePath, wordEnd: Int, insideValueFilter: Bool
    ) throws(FilterSyntaxError) -> SCIMFilter {
        terms += 1
        guard terms <= Self.maximumTerms else {
            throw FilterSyntaxError(message: "more than \(Self.maximumTerms) comparisons", offset: wordEnd)
        }
        let token = try lexer.next()
        switch token.kind {
        case .openBracket:
            guard token.offset == wordEnd else {
                throw FilterSyntaxError(message: "no space is allowed before '['", offset: token.offset)
            }
            if insideValueFilter {
                throw FilterSyntaxError(message: "value filters cannot be nested", offset: token.offset)
            }
            if path.subAttribute != nil {
                throw FilterSyntaxError(
                    message: "a value filter applies to an attribute, not a sub-attribute",
                    offset: token.offset)
            }
            return .valuePath(path, try parseValueFilter(openedAt: token.offset))
        case .word(let word):
            if word.caseInsensitiveEquals("pr") { return .present(path) }
            guard let op = SCIMFilter.Operator(rawValue: word.lowercased()) else {
                throw FilterSyntaxError(message: "unknown operator '\(Self.clip(word))'", offset: token.offset)
            }
            let valueToken = try lexer.next()
            let value = try Self.comparisonValue(valueToken)
            if op.isSubstring, case .string = value {
            } else if op.isSubstring {
                throw FilterSyntaxError(message: "'\(op.rawValue)' needs a string value", offset: valueToken.offset)
            }
            if op.isOrdering {
                switch value {
                case .bool, .null:
                    throw FilterSyntaxError(
                        message: "'\(op.rawValue)' needs a string, number or date value", offset: valueToken.offset)
                case .string, .number: break
                }
            }
            return .comparison(path, op, value)
        case .end:
            throw FilterSyntaxError(message: "expected an operator after the attribute path", offset: token.offset)
        default:
            throw FilterSyntaxError(message: "expected an operator after the attribute path", offset: token.offset)
        }
    }

    private static func comparisonValue(_ token: FilterToken) throws(FilterSyntaxError) -> SCIMFilter.Value {
        switch token.kind {
        case .string(let text): return .string(text)
        case .word(let word):
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                if isJSONNumber(word) { return .number(word) }
                throw FilterSyntaxError(
                    message: "expected a value (a quoted string, a number, true, false or null)", offset: token.offset)
            }
        default:
            throw FilterSyntaxError(
                message: "expected a value (a quoted string, a number, true, false or null)", offset: token.offset)
        }
    }

    /// Whether `text` is a JSON number literal (RFC 8259 §6).
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= 0x30, byte <= 0x39 {
                bytes.removeFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes.removeFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes.removeFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }

    /// A word shortened for an error message.
    static func clip(_ word: String) -> String {
        word.count > 40 ? String(word.prefix(40)) + "…" : word
    }
}
