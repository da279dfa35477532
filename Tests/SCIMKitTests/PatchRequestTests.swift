import SCIMKit
import Testing

@Suite struct PatchRequestTests {
    func request(_ text: String) throws -> PatchRequest {
        try PatchRequest(json: try SCIMFixtures.parse(text))
    }

    func error(_ text: String) throws -> SCIMError {
        try #require(throws: SCIMError.self) { try request(text) }
    }

    @Test func readsOperationsWithTheirPathsAndValues() throws {
        let parsed = try request(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"emails[type eq \"work\"].value","value":"a@b"},{"op":"remove","path":"  "}]}"#
        )
        #expect(parsed.operations.count == 2)
        #expect(parsed.operations[0].op == .add)
        #expect(parsed.operations[0].path?.description == #"emails[type eq "work"].value"#)
        #expect(parsed.operations[0].value == "a@b")
        #expect(parsed.operations[1].path == nil)
    }

    @Test func toleratesMissingOrOddSchemas() throws {
        #expect(try request(#"{"Operations":[{"op":"replace","path":"active","value":false}]}"#).operations.count == 1)
        #expect(
            try request(#"{"schemas":["odd"],"Operations":[{"op":"replace","path":"active","value":false}]}"#)
                .operations.count == 1)
    }

    @Test(arguments: [
        (#"{"schemas":[]}"#, SCIMErrorType.invalidSyntax),
        (#"{"Operations":{}}"#, .invalidSyntax),
        (#"{"Operations":[]}"#, .invalidValue),
        (#""text""#, .invalidSyntax),
        (#"{"Operations":[{"op":"update","path":"x","value":1}]}"#, .invalidSyntax),
        (#"{"Operations":[{"path":"x","value":1}]}"#, .invalidSyntax),
        (#"{"Operations":[{"op":"add","path":"x"}]}"#, .invalidValue),
        (#"{"Operations":[{"op":"replace","path":5,"value":1}]}"#, .invalidPath),
        (#"{"Operations":[{"op":"remove","path":"emails[type eq]"}]}"#, .invalidPath),
        (#"{"Operations":["add"]}"#, .invalidSyntax),
    ])
    func refusesMalformedRequests(_ text: String, _ expected: SCIMErrorType) throws {
        #expect(try error(text).scimType == expected)
    }

    @Test func unknownOpIsNamedButClipped() throws {
        let long = String(repeating: "x", count: 100)
        let detail = try error(#"{"Operations":[{"op":"\#(long)"}]}"#).detail
        #expect(detail.count < 120)
        #expect(detail.hasPrefix("operation 1: unknown op"))
    }
}
