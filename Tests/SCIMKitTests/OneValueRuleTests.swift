import SCIMKit
import Testing

/// A value is checked by one owner (`ValueCoercion`), so a POST or PUT body and a PATCH of the
/// same value give the same answer (issue 10: a POST took `"title": {…}` that a PATCH refused).
@Suite struct OneValueRuleTests {
    static let base = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@lumen.example"}"#

    /// `member` (a `"name": value` pair of JSON text) in a POST/PUT body, normalized.
    func post(_ member: String) throws -> JSONObject {
        let body = try SCIMFixtures.object(text: String(Self.base.dropLast()) + "," + member + "}")
        return try SCIMResource.normalizedUser(body)
    }

    /// `value` written to `path` by a PATCH with a path, and by one without.
    func patches(_ path: String, _ value: String) throws -> [JSONObject] {
        let user = try SCIMFixtures.object(text: Self.base)
        return [
            try Patch.apply(Patch.operation(#"{"op":"add","path":"\#(path)","value":\#(value)}"#), to: user),
            try Patch.apply(Patch.operation(#"{"op":"replace","value":{"\#(path)":\#(value)}}"#), to: user),
        ]
    }

    static let refused: [(String, String)] = [
        ("title", #"{"text":"Pilot"}"#), ("title", #"["Pilot"]"#), ("displayName", #"{"value":"Lin"}"#),
        ("active", #""yes""#), ("active", "1"), ("active", #""""#), ("name", #""Lin Ortega""#),
        ("emails", #"[["a@x"]]"#),
    ]

    @Test(arguments: refused)
    func aValueAPostRefusesAPatchRefusesToo(_ attribute: String, _ value: String) throws {
        let postError = try #require(throws: SCIMError.self) { try post(#""\#(attribute)":\#(value)"#) }
        #expect(postError.scimType == .invalidValue)
        let user = try SCIMFixtures.object(text: Self.base)
        for body in [
            Patch.operation(#"{"op":"add","path":"\#(attribute)","value":\#(value)}"#),
            Patch.operation(#"{"op":"replace","value":{"\#(attribute)":\#(value)}}"#),
        ] {
            let patchError = try Patch.error(body, on: user)
            #expect(patchError.scimType == .invalidValue, "\(body)")
        }
    }

    static let accepted: [(String, String, JSONValue)] = [
        ("title", #""Pilot""#, "Pilot"), ("active", #""False""#, false), ("active", "true", true),
        ("name", #"{"GivenName":"Lin"}"#, ["givenName": "Lin"]),
        ("emails", #"{"value":"a@x","Primary":"True"}"#, [["value": "a@x", "primary": true]]),
        ("phoneNumbers", #"["555-0100"]"#, [["value": "555-0100"]]),
    ]

    @Test(arguments: accepted)
    func aValueAPostAcceptsAPatchStoresTheSameWay(_ attribute: String, _ value: String, _ stored: JSONValue) throws {
        #expect(try post(#""\#(attribute)":\#(value)"#)[attribute] == stored)
        for result in try patches(attribute, value) {
            #expect(result[attribute] == stored)
        }
    }
}
