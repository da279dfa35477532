import SCIMKit
import Testing

@Suite struct SCIMBooleanTests {
    @Test(arguments: [
        (JSONValue.bool(true), true), (.bool(false), false),
        ("true", true), ("True", true), ("TRUE", true), ("tRuE", true),
        ("false", false), ("False", false), ("FALSE", false), ("fAlSe", false),
    ])
    func coercesBooleansAndTheirStrings(_ value: JSONValue, _ expected: Bool) {
        #expect(SCIMBoolean.coerce(value) == expected)
    }

    @Test(arguments: [
        JSONValue.string("yes"), "no", "Y", "1", "0", "", " true", "true ", "on", "t",
        .number("0"), .number("1"), .null, .array([true]), .object(JSONObject(["value": true])),
    ])
    func refusesEverythingElse(_ value: JSONValue) {
        #expect(SCIMBoolean.coerce(value) == nil)
    }
}

@Suite struct SCIMBooleanTextLeniencyTests {
    @Test(arguments: [
        ("true", true), ("Yes", true), ("YES", true), ("1", true), ("Enabled", true), ("  yes ", true),
        ("\tTRUE", true), ("false", false), ("No", false), ("0", false), ("disabled", false), (" DISABLED", false),
    ])
    func readsTheWordsAPersonOrASpreadsheetWrites(_ text: String, _ expected: Bool) {
        #expect(SCIMBoolean.parse(text, leniency: .text) == expected)
        #expect(SCIMBoolean.coerce(.string(text), leniency: .text) == expected)
    }

    @Test(arguments: ["", "maybe", "on", "off", "y", "n", "2", "-1", "enable", "yes please", "1.0"])
    func refusesAnyOtherWordEvenWhenLenient(_ text: String) {
        #expect(SCIMBoolean.parse(text, leniency: .text) == nil)
    }

    @Test func leniencyIsForTextOnlyAndNeverForASCIMBody() {
        for word in ["yes", "no", "1", "0", "enabled", "disabled"] {
            #expect(SCIMBoolean.parse(word, leniency: .scim) == nil, "\(word)")
            #expect(SCIMBoolean.coerce(.string(word)) == nil, "\(word)")
        }
        #expect(SCIMBoolean.coerce(.number("1")) == nil)
        #expect(SCIMBoolean.coerce(.number("1"), leniency: .text) == true)
        #expect(SCIMBoolean.coerce(.null, leniency: .text) == nil)
    }
}
