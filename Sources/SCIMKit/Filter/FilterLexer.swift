/// One token of a filter or attribute path.
struct FilterToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case openParen, closeParen, openBracket, closeBracket
        /// A JSON string literal, unescaped.
        case string(String)
        /// A run of other characters: an attribute path, operator, keyword or number.
        case word(String)
        case end
    }

    var kind: Kind
    /// The offset, in Unicode scalars, of the token's first character.
    var offset: Int
}

/// A syntax error at an offset of the text being parsed; turned into a `SCIMError` by the caller.
struct FilterSyntaxError: Error, Sendable {
    var message: String
    var offset: Int
}

/// Splits filter text into tokens on demand, so a path parser can stop at `]` and read on itself.
struct FilterLexer: Sendable {
    let scalars: [Unicode.Scalar]
    private(set) var position: Int = 0
    private var lookahead: FilterToken?

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// The next token without consuming it.
    mutating func peek() throws(FilterSyntaxError) -> FilterToken {
        if let lookahead { return lookahead }
        let token = try scan()
        lookahead = token
        return token
    }

    /// The next token, consumed.
    mutating func next() throws(FilterSyntaxError) -> FilterToken {
        let token = try peek()
        lookahead = nil
        return token
    }

    /// The offset just after the last consumed token (where raw reading would continue).
    var rawPosition: Int {
        lookahead?.offset ?? position
    }

    /// Moves raw reading to `offset`, dropping any peeked token.
    mutating func seek(to offset: Int) {
        position = offset
        lookahead = nil
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func isDelimiter(_ scalar: Unicode.Scalar) -> Bool {
        isWhitespace(scalar) || scalar == "(" || scalar == ")" || scalar == "[" || scalar == "]" || scalar == "\""
    }

    private mutating func scan() throws(FilterSyntaxError) -> FilterToken {
        while position < scalars.count, Self.isWhitespace(scalars[position]) { position += 1 }
        let start = position
        guard position < scalars.count else { return FilterToken(kind: .end, offset: start) }
        let scalar = scalars[position]
        switch scalar {
        case "(": position += 1; return FilterToken(kind: .openParen, offset: start)
        case ")": position += 1; return FilterToken(kind: .closeParen, offset: start)
        case "[": position += 1; return FilterToken(kind: .openBracket, offset: start)
        case "]": position += 1; return FilterToken(kind: .closeBracket, offset: start)
        case "\"": return FilterToken(kind: .string(try scanString()), offset: start)
        default:
            while position < scalars.count, !Self.isDelimiter(scalars[position]) { position += 1 }
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[start..<position])
            return FilterToken(kind: .word(String(word)), offset: start)
        }
    }

    /// Reads a JSON string literal (RFC 8259 §7) starting at the opening quote.
    private mutating func scanString() throws(FilterSyntaxError) -> String {
        let start = position
        position += 1
        var result = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            switch scalar {
            case "\"":
                position += 1
                return String(result)
            case "\\":
                let escapeOffset = position
                position += 1
                guard position < scalars.count else { break }
                let escaped = scalars[position]
                position += 1
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "/": result.append("/")
                case "b": result.append("\u{08}")
                case "f": result.append("\u{0C}")
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                case "u": result.append(try scanUnicodeEscape(escapeOffset: escapeOffset))
                default: throw FilterSyntaxError(message: "invalid escape in string", offset: escapeOffset)
                }
            default:
                if scalar.value < 0x20 {
                    throw FilterSyntaxError(message: "control character in string", offset: position)
                }
                result.append(scalar)
                position += 1
            }
        }
        throw FilterSyntaxError(message: "unterminated string", offset: start)
    }

    private mutating func scanHex4(escapeOffset: Int) throws(FilterSyntaxError) -> UInt32 {
        guard position + 4 <= scalars.count else {
            throw FilterSyntaxError(message: "invalid unicode escape in string", offset: escapeOffset)
        }
        var value: UInt32 = 0
        for scalar in scalars[position..<position + 4] {
            guard let digit = hex(scalar) else {
                throw FilterSyntaxError(message: "invalid unicode escape in string", offset: escapeOffset)
            }
            value = value * 16 + digit
        }
        position += 4
        return value
    }

    private func hex(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "a"..."f": return scalar.value - 0x61 + 10
        case "A"..."F": return scalar.value - 0x41 + 10
        default: return nil
        }
    }

    private mutating func scanUnicodeEscape(escapeOffset: Int) throws(FilterSyntaxError) -> Unicode.Scalar {
        let high = try scanHex4(escapeOffset: escapeOffset)
        if (0xD800...0xDBFF).contains(high) {
            guard position + 1 < scalars.count, scalars[position] == "\\", scalars[position + 1] == "u" else {
                throw FilterSyntaxError(message: "unpaired surrogate in string", offset: escapeOffset)
            }
            position += 2
            let low = try scanHex4(escapeOffset: escapeOffset)
            guard (0xDC00...0xDFFF).contains(low),
                let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            else { throw FilterSyntaxError(message: "unpaired surrogate in string", offset: escapeOffset) }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw FilterSyntaxError(message: "unpaired surrogate in string", offset: escapeOffset)
        }
        return scalar
    }
}
