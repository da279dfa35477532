import Foundation
import SCIMKit
import Testing

@Suite struct JSONWriterTests {
    @Test(arguments: JSONConformance.accepted)
    func writesWhatItReadsSoThatItReadsTheSame(_ sample: JSONCase) {
        JSONRoundTrip.expectReadsTheSame(sample.bytes, sample.name)
    }

    @Test func writesCompactlyWithSortedKeys() {
        let value: JSONValue = ["b": [1, nil, true], "a": ["y": "z", "x": false], "c": .number("-1.50e3")]
        #expect(JSONWriter.string(value) == #"{"a":{"x":false,"y":"z"},"b":[1,null,true],"c":-1.50e3}"#)
        #expect(
            JSONWriter.string(value, sortedKeys: false) == #"{"b":[1,null,true],"a":{"y":"z","x":false},"c":-1.50e3}"#)
        #expect(JSONWriter.string([]) == "[]")
        #expect(JSONWriter.string(.object(JSONObject())) == "{}")
    }

    @Test func sortsKeysByTheirUTF8Bytes() {
        let value: JSONValue = ["é": 1, "z": 2, "Z": 3, "e\u{301}": 4, "": 5, "a": 6]
        #expect(JSONWriter.string(value) == "{\"\":5,\"Z\":3,\"a\":6,\"e\u{301}\":4,\"z\":2,\"é\":1}")
    }

    @Test func keepsTheOrderOfMembersWithTheSameName() {
        var object = JSONObject()
        object.append(key: "b", value: 1)
        object.append(key: "a", value: 2)
        object.append(key: "b", value: 3)
        #expect(JSONWriter.string(.object(object)) == #"{"a":2,"b":1,"b":3}"#)
    }

    @Test func sortsLargeObjectsAndLongSharedPrefixesToo() {
        var object = JSONObject()
        let names = (0..<40).map { "urn:ietf:params:scim:\(String(format: "%02d", 39 - $0))" }
        for (index, name) in names.enumerated() { object.append(key: name, value: .number(String(index))) }
        object.append(key: names[5], value: "again")
        let expected =
            "{"
            + names.enumerated().reversed().map { index, name in
                let first = "\"\(name)\":\(index)"
                return index == 5 ? first + ",\"\(name)\":\"again\"" : first
            }.joined(separator: ",") + "}"
        #expect(JSONWriter.string(.object(object)) == expected)
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        ("quote \" and backslash \\", #""quote \" and backslash \\""#),
        ("a/b", #""a/b""#),
        ("\n\r\t\u{8}\u{c}", #""\n\r\t\b\f""#),
        ("\u{0}\u{1}\u{1f}\u{7f}", #""\u0000\u0001\u001f"# + "\u{7f}\""),
        ("line\u{2028}para\u{2029}end", #""line\u2028para\u2029end""#),
        ("Zoë 日本 𝄞 \u{2027}", "\"Zoë 日本 𝄞 \u{2027}\""),
    ])
    func escapesOnlyWhatItMust(_ text: String, _ expected: String) throws {
        var buffer: [UInt8] = []
        JSONWriter.writeString(text, into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
        #expect(try JSONParser.parse(buffer) == .string(text))
    }

    @Test func findsWhatToEscapeAtEveryPositionOfAWord() throws {
        let specials: [(String, String)] = [
            ("\"", #"\""#), ("\\", #"\\"#), ("\u{1}", #"\u0001"#), ("\u{2028}", #"\u2028"#), ("€", "€"), ("é", "é"),
        ]
        for length in 0..<20 {
            let padding = String(repeating: "x", count: length)
            for (special, escaped) in specials {
                let text = padding + special + padding + special
                var buffer: [UInt8] = []
                JSONWriter.writeString(text, into: &buffer)
                #expect(String(decoding: buffer, as: UTF8.self) == "\"" + padding + escaped + padding + escaped + "\"")
                #expect(try JSONParser.parse(buffer) == .string(text))
            }
        }
    }

    @Test func appendsToWhatTheBufferHolds() {
        var buffer = Array("x=".utf8)
        JSONWriter.writeString("y", into: &buffer)
        #expect(buffer == Array(#"x="y""#.utf8))
    }

    @Test(arguments: ["NaN", "1.", "+1", "", "01", "1 "])
    func writesANumberThatIsNotJSONAsAString(_ literal: String) throws {
        let text = JSONWriter.string([.number(literal)])
        #expect(try JSONParser.parse(text) == [.string(literal)])
    }
}

/// The writer's round trip: what it writes of a parsed text parses to the same value.
enum JSONRoundTrip {
    static func expectReadsTheSame(_ bytes: [UInt8], _ name: String) {
        guard let value = try? JSONParser.parse(bytes, options: .init(duplicateKeys: .lastWins)) else {
            Issue.record("\(name) does not parse")
            return
        }
        for sorted in [true, false] {
            var buffer: [UInt8] = []
            JSONWriter.write(value, sortedKeys: sorted, into: &buffer)
            #expect((try? JSONParser.parse(buffer)) == value, "\(name)")
        }
    }
}
