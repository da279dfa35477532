import SCIMKit
import Testing

@Suite struct JSONParserTests {
    private func parse(_ text: String, _ options: JSONParser.Options = .init()) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(text, options: options)
    }

    private func error(_ text: String, _ options: JSONParser.Options = .init()) -> JSONParseError? {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text, options: options) }
    }

    @Test(arguments: ["0", "-0", "1.50", "-1.5e3", "1E+2", "2e-0", "123456789012345678901234567890", "0.000"])
    func keepsNumbersAsTheirLiteralText(_ literal: String) throws {
        #expect(try parse("[\(literal)]") == [.number(literal)])
        #expect(try parse(" \(literal) ") == .number(literal))
    }

    @Test(arguments: ["01", "+1", ".5", "1.", "1e", "1e+", "-", "NaN", "Infinity", "0x10", "1.e3", "- 1"])
    func refusesNumbersOutsideTheGrammar(_ literal: String) {
        #expect(error("[\(literal)]") != nil)
    }

    @Test func readsLiteralsAndContainers() throws {
        let value = try parse(#" { "a" : [ true , false , null ] , "b" : { } , "c" : [ ] } "#)
        #expect(value == ["a": [true, false, nil], "b": .object(JSONObject()), "c": []])
    }

    @Test func keepsMembersInTheOrderRead() throws {
        let object = try #require(try parse(#"{"z":1,"a":2,"m":3}"#).objectValue)
        #expect(object.keys == ["z", "a", "m"])
    }

    @Test func decodesEveryEscape() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\u0000""#)
        #expect(value == .string("\"\\/\u{8}\u{c}\n\r\tAé€\u{0}"))
    }

    @Test func joinsSurrogatePairEscapes() throws {
        #expect(try parse(#""\uD83D\uDE00 and \ud834\udd1e""#) == .string("😀 and 𝄞"))
    }

    @Test(arguments: [#""\uD800""#, #""\uDC00""#, #""\uD800\u0041""#, #""\uDE00\uD83D""#, #""\uD800\n""#])
    func refusesLoneSurrogateEscapes(_ text: String) {
        #expect(error(text)?.message == "unpaired surrogate escape in string")
    }

    @Test func keepsValidUTF8AsIs() throws {
        #expect(try parse("\"Zoë Ñúñez 日本 𝄞\"") == .string("Zoë Ñúñez 日本 𝄞"))
    }

    @Test(arguments: [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFF]])
    func refusesInvalidUTF8InStrings(_ sequence: [UInt8]) {
        let bytes: [UInt8] = [0x22, 0x61] + sequence + [0x62, 0x22]
        let failure = #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        #expect(failure == JSONParseError(offset: 2, message: "invalid utf-8 in string"))
    }

    @Test func findsTheClosingQuoteAtEveryPositionOfAWord() throws {
        for length in 0..<40 {
            let content = String(repeating: "x", count: length)
            #expect(try parse("[\"\(content)\",1]") == [.string(content), 1])
            #expect(try parse("[\"\(content)\\n\(content)\"]") == [.string(content + "\n" + content)])
            #expect(error("[\"\(content)\u{1}\(content)\"]")?.offset == 2 + length)
            #expect(try parse("[\"\(content)é\(content)\"]") == [.string(content + "é" + content)])
        }
    }

    @Test func refusesUnescapedControlCharacters() {
        #expect(error("\"a\tb\"") == JSONParseError(offset: 2, message: "unescaped control character in string"))
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let options = JSONParser.Options(maxDepth: 3)
        #expect(try parse("[[{\"a\":1}]]", options) == [[["a": 1]]])
        #expect(error("[[[[1]]]]", options) == JSONParseError(offset: 3, message: "nesting deeper than 3 levels"))
        #expect(error("[[[{}]]]", options)?.offset == 3)
    }

    @Test func refusesDeepNestingWithoutExhaustingTheStack() {
        let deep = String(repeating: "[", count: 1_000_000)
        #expect(error(deep)?.message == "nesting deeper than 256 levels")
        let allowed = JSONParser.Options(maxDepth: 2_000_000)
        #expect(error(deep, allowed)?.message == "unexpected end of input")
        let balanced = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
        #expect(throws: Never.self) { try JSONParser.parse(balanced, options: allowed) }
    }

    @Test func refusesARepeatedKeyByDefault() {
        #expect(error(#"{"a":1,"b":2,"a":3}"#) == JSONParseError(offset: 13, message: "duplicate key 'a'"))
        #expect(error(#"{"a":1,"\u0061":2}"#)?.message == "duplicate key 'a'")
        #expect(error(#"{"x":{"a":1,"a":2}}"#)?.offset == 12)
    }

    @Test func keepsTheLastValueAtTheFirstPositionWhenLastWins() throws {
        let value = try parse(#"{"a":1,"b":2,"a":3}"#, .init(duplicateKeys: .lastWins))
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    @Test func treatsKeysThatDifferInCaseOrNormalizationAsDifferent() throws {
        let object = try #require(try parse(#"{"userName":1,"username":2,"é":3,"e\u0301":4}"#).objectValue)
        #expect(object.count == 4)
    }

    @Test func findsRepeatedKeysInLargeObjects() throws {
        let members = (0..<100).map { "\"key\($0)\":\($0)" }
        let unique = "{" + members.joined(separator: ",") + "}"
        #expect(try parse(unique).objectValue?.count == 100)
        let repeated = "{" + (members + ["\"key42\":0", "\"key99\":1"]).joined(separator: ",") + "}"
        #expect(error(repeated)?.message == "duplicate key 'key42'")
        let last = try #require(try parse(repeated, .init(duplicateKeys: .lastWins)).objectValue)
        #expect(last.count == 100)
        #expect(last["key42"] == 0)
        #expect(last["key99"] == 1)
        #expect(last.keys.first == "key0")
    }

    @Test func capsTheKeyShownInADuplicateKeyError() throws {
        let key = String(repeating: "k", count: 200)
        let message = try #require(error("{\"\(key)\":1,\"\(key)\":2}")?.message)
        #expect(message == "duplicate key '\(String(repeating: "k", count: 64))…'")
    }

    @Test(arguments: [
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("[1,]", 3, "unexpected ']'"),
        ("[1 2]", 3, "expected ',' or ']', found '2'"),
        (#"{"a" 1}"#, 5, "expected ':', found '1'"),
        (#"{"a":1,}"#, 7, "expected a member name, found '}'"),
        (#"{"a":1"#, 6, "unexpected end of input"),
        (#"["abc"#, 1, "unterminated string"),
        ("1 2", 2, "unexpected '2' after the value"),
        ("tru", 0, "invalid literal"),
        ("[nul]", 1, "invalid literal"),
        (#""\x""#, 1, "invalid escape in string"),
        (#""\u12G4""#, 1, #"invalid \u escape in string"#),
        ("\u{FEFF}{}", 0, "unexpected byte 0xef"),
        ("[1]\u{0}", 3, "unexpected byte 0x00 after the value"),
    ])
    func reportsWhereAndWhatWentWrong(_ text: String, _ offset: Int, _ message: String) {
        #expect(error(text) == JSONParseError(offset: offset, message: message))
    }

    @Test func describesAnErrorByOffsetWithoutQuotingTheInput() throws {
        let failure = try #require(error("{\"authorization\":\"Bearer s3cr3t-token\u{7}\"}"))
        #expect(failure.description == "offset 37: unescaped control character in string")
        #expect(!failure.description.contains("s3cr3t"))
    }

    @Test func reusesOneParserAcrossTextsAndAfterAnError() throws {
        var parser = JSONParser()
        let texts = [#"{"a":[1,{"b":"\n"}]}"#, #"{"a":[1,"#, #"{"a":1,"a":2}"#, #"["x",{"a":"y"}]"#]
        var results: [Result<JSONValue, JSONParseError>] = []
        for var text in texts {
            results.append(text.withUTF8 { bytes in Result { () throws(JSONParseError) in try parser.parse(bytes) } })
        }
        #expect(try results[0].get() == ["a": [1, ["b": "\n"]]])
        #expect(throws: JSONParseError.self) { try results[1].get() }
        #expect(throws: JSONParseError.self) { try results[2].get() }
        #expect(try results[3].get() == ["x", ["a": "y"]])
    }

    @Test func readsTheSameWithAReusedParserAsWithAFreshOne() throws {
        var parser = JSONParser()
        var texts: [String] = []
        for length in 0...70 {
            let name = String(repeating: "k", count: length)
            texts.append("{\"\(name)\":1,\"\(name)x\":2,\"é\(name)\":3}")
        }
        for index in 0..<2_000 { texts.append("{\"key\(index)\":\(index),\"a\":[{\"b\":\"c\"}]}") }
        texts += [#"{"a":1}"#, #"{"\u0061b":1,"ab":2}"#, #"{"ab":1,"a\u0062":2}"#, #"{"k":{"k":{"k":1}}}"#]
        for var text in texts + texts {
            let fresh = Result { () throws(JSONParseError) in try JSONParser.parse(text) }
            let reused = text.withUTF8 { bytes in Result { () throws(JSONParseError) in try parser.parse(bytes) } }
            #expect(reused == fresh, "\(text.prefix(40))")
        }
    }

    @Test func findsARepeatedKeyWhateverItsSpelling() {
        var parser = JSONParser()
        for var text in [#"{"ab":1,"\u0061b":2}"#, #"{"\u0061b":1,"ab":2}"#, #"{"abcdefghij":1,"abcdefgh\u0069j":2}"#] {
            let result = text.withUTF8 { bytes in Result { () throws(JSONParseError) in try parser.parse(bytes) } }
            #expect(throws: JSONParseError.self) { try result.get() }
        }
        #expect(error(#"{"abcdefghij":1,"abcdefghik":2,"abcdefghij":3}"#)?.message == "duplicate key 'abcdefghij'")
    }

    @Test func parsesBytesAndTextAlike() throws {
        let text = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","active":true}"#
        #expect(try JSONParser.parse(Array(text.utf8)) == (try JSONParser.parse(text)))
    }
}
