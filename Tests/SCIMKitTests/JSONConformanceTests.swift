import SCIMKit
import Testing

/// A JSON text written as bytes, with the name a failure report shows.
struct JSONCase: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]

    init(_ name: String, _ text: String) {
        self.name = name
        self.bytes = Array(text.utf8)
    }

    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    var testDescription: String { name }
}

/// This repository's own JSON conformance cases: the grammar of RFC 8259 area by area (numbers,
/// strings and escapes, surrogates, UTF-8, structure, byte order marks, depth), each accepted
/// text beside refused neighbours. They run on every clone; the third-party JSONTestSuite in
/// `../shared/testdata` is an extra pass when it is there.
enum JSONConformance {
    static let quote: UInt8 = 0x22

    /// `bytes` between two double quotes, as a JSON string literal.
    static func quoted(_ bytes: [UInt8]) -> [UInt8] { [quote] + bytes + [quote] }

    static let accepted: [JSONCase] = [
        // Numbers
        JSONCase("zero", "0"), JSONCase("negative zero", "-0"), JSONCase("integer in an array", "[42]"),
        JSONCase("negative fraction with exponent", "-12.5e+3"), JSONCase("capital exponent", "1E2"),
        JSONCase("negative exponent", "[2.5e-7]"), JSONCase("small fraction", "0.000001"),
        JSONCase("exponent beyond a double", "[1e-400, 1e400]"),
        JSONCase("integer beyond 64 bits", "123456789012345678901234567890"),
        JSONCase("fraction of zero", "[-0.0]"),
        // Strings and escapes
        JSONCase("plain string", #""harbor""#), JSONCase("empty string", #""""#),
        JSONCase("every short escape", #"["\"\\\/\b\f\n\r\t"]"#), JSONCase("unicode escape", #""\u00e9""#),
        JSONCase("escaped nul", #""a\u0000b""#), JSONCase("lower and upper hex digits", #""\u00E9\u00e9""#),
        JSONCase("surrogate pair escape", #""\ud83d\ude00""#),
        JSONCase("raw multibyte UTF-8", "\"é漢😀\""), JSONCase("raw line separator", "\"\u{2028}\""),
        JSONCase("raw DEL", "\"\u{7F}\""), JSONCase("escaped solidus", #""a\/b""#),
        // Structure
        JSONCase("empty array", "[]"), JSONCase("empty object", "{}"), JSONCase("nested empty array", "[[]]"),
        JSONCase("whitespace around", " \t\n\r[1] \n"), JSONCase("literals", "[true,false,null]"),
        JSONCase("top-level string", #""x""#), JSONCase("top-level null", "null"),
        JSONCase("objects in arrays", #"{"a":[{"b":null},{"c":{}}]}"#),
        JSONCase("empty member name", #"{"":1}"#), JSONCase("same name in two objects", #"[{"a":1},{"a":2}]"#),
        JSONCase("names differing in case", #"{"a":1,"A":2}"#),
        // Depth
        JSONCase("200 nested arrays", String(repeating: "[", count: 200) + String(repeating: "]", count: 200)),
    ]

    static let refused: [JSONCase] = [
        // Numbers
        JSONCase("leading zero", "01"), JSONCase("negative leading zero", "-01"), JSONCase("plus sign", "+1"),
        JSONCase("trailing dot", "[1.]"), JSONCase("leading dot", "[.5]"), JSONCase("dot before exponent", "1.e3"),
        JSONCase("exponent without digits", "1e"), JSONCase("signed exponent without digits", "1e+"),
        JSONCase("lone minus", "-"), JSONCase("hexadecimal", "0x10"), JSONCase("NaN", "[NaN]"),
        JSONCase("Infinity", "[-Infinity]"), JSONCase("trailing comma after number", "[1,]"),
        JSONCase("number followed by letters", "[12abc]"),
        // Strings and escapes
        JSONCase("unterminated string", #""harbor"#), JSONCase("single quotes", "['x']"),
        JSONCase("raw tab in a string", "\"a\tb\""), JSONCase("raw newline in a string", "\"a\nb\""),
        JSONCase("unknown escape", #""\x41""#), JSONCase("short unicode escape", #""\u12""#),
        JSONCase("non-hex unicode escape", #""\uZZZZ""#), JSONCase("escaped apostrophe", #""\'""#),
        JSONCase("backslash at the end", "\"\\"),
        // Surrogates
        JSONCase("lone high surrogate", #""\ud800""#), JSONCase("lone low surrogate", #""\udc00""#),
        JSONCase("inverted surrogates", #""\udc00\ud800""#), JSONCase("high surrogate then letter", #""\ud800x""#),
        JSONCase("high surrogate then non-surrogate escape", #""\ud800\u0041""#),
        JSONCase("lone surrogate in a member name", #"{"\udc00":1}"#),
        // Invalid UTF-8
        JSONCase("byte FF", bytes: quoted([0xFF])), JSONCase("lone continuation byte", bytes: quoted([0x80])),
        JSONCase("overlong slash", bytes: quoted([0xC0, 0xAF])),
        JSONCase("overlong three bytes", bytes: quoted([0xE0, 0x80, 0xAF])),
        JSONCase("UTF-8 encoded surrogate", bytes: quoted([0xED, 0xA0, 0x80])),
        JSONCase("beyond U+10FFFF", bytes: quoted([0xF4, 0x90, 0x80, 0x80])),
        JSONCase("truncated sequence", bytes: quoted([0xE2, 0x82])),
        JSONCase("Latin-1 byte", bytes: quoted([0x63, 0x61, 0x66, 0xE9])),
        JSONCase("UTF-16LE text", bytes: [0x5B, 0x00, 0x5D, 0x00]),
        // Structure
        JSONCase("empty text", ""), JSONCase("only whitespace", " \n"), JSONCase("unclosed array", "[1"),
        JSONCase("unopened array", "]"), JSONCase("unclosed object", #"{"a":1"#),
        JSONCase("member without value", #"{"a"}"#), JSONCase("member with empty value", #"{"a":}"#),
        JSONCase("member without colon", #"{"a" 1}"#), JSONCase("unquoted name", "{a:1}"),
        JSONCase("number as name", "{1:1}"), JSONCase("trailing comma in object", #"{"a":1,}"#),
        JSONCase("missing comma", "[1 2]"), JSONCase("double comma", "[1,,2]"),
        JSONCase("leading comma", "[,1]"), JSONCase("text after the value", "[1]x"),
        JSONCase("two values", "[1][2]"), JSONCase("truncated literal", "[tru]"),
        JSONCase("capitalised literal", "True"), JSONCase("comment", "/* c */[]"),
        JSONCase("colon in an array", "[1:2]"), JSONCase("NUL byte after the value", bytes: [0x5B, 0x5D, 0x00]),
        JSONCase("form feed as whitespace", "\u{0C}[]"),
        // Byte order marks: callers strip a UTF-8 BOM before parsing (RFC 8259 §8.1 lets a parser refuse it)
        JSONCase("UTF-8 BOM before an object", bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8)),
        JSONCase("UTF-16LE BOM", bytes: [0xFF, 0xFE, 0x5B, 0x00, 0x5D, 0x00]),
        JSONCase("UTF-16BE BOM", bytes: [0xFE, 0xFF, 0x00, 0x5B, 0x00, 0x5D]),
        // Depth: the default `maxDepth` is 256
        JSONCase("300 nested arrays", String(repeating: "[", count: 300) + String(repeating: "]", count: 300)),
        JSONCase(
            "300 nested objects", String(repeating: #"{"a":"#, count: 300) + "1" + String(repeating: "}", count: 300)),
    ]
}

@Suite struct JSONConformanceTests {
    @Test(arguments: JSONConformance.accepted)
    func acceptsValidText(_ sample: JSONCase) {
        #expect(throws: Never.self) { try JSONParser.parse(sample.bytes) }
    }

    @Test(arguments: JSONConformance.refused)
    func refusesInvalidText(_ sample: JSONCase) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(sample.bytes) }
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(sample.bytes, options: .init(duplicateKeys: .lastWins))
        }
    }

    @Test func refusesARepeatedMemberNameUnlessToldTheLastWins() throws {
        let text = #"{"title":"Pilot","title":"Captain"}"#
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.message.hasPrefix("duplicate key") == true)
        let lastWins = try JSONParser.parse(text, options: .init(duplicateKeys: .lastWins))
        #expect(lastWins.objectValue?["title"] == "Captain")
    }

    @Test func decodesEscapesAndSurrogatePairsToTheirCharacters() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00\u00e9\n""#) == "😀é\n")
        #expect(try JSONParser.parse(#""a\u0000b""#).stringValue?.unicodeScalars.count == 3)
    }

    @Test func keepsNumbersAsTheirLiteralText() throws {
        #expect(
            try JSONParser.parse("[123456789012345678901234567890, -12.5e+3]") == [
                .number("123456789012345678901234567890"), .number("-12.5e+3"),
            ])
    }

    @Test func acceptsNestingUpToTheDepthLimitAndNotBeyond() {
        let depth = JSONParser.Options().maxDepth
        let atLimit = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let beyond = "[" + atLimit + "]"
        #expect(throws: Never.self) { try JSONParser.parse(atLimit) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(beyond) }
    }
}
