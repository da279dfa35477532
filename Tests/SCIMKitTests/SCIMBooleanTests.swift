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
