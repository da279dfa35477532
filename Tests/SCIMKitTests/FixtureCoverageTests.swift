import SCIMKit
import Testing

/// Every example payload is read by the message or resource type it is an example of.
@Suite struct FixtureCoverageTests {
    @Test(arguments: try SCIMFixtures.names())
    func everyFixtureIsReadByItsType(_ name: String) throws {
        let json = try SCIMFixtures.json(name)
        if name.contains("patch") {
            #expect(try !PatchRequest(json: json).operations.isEmpty)
        } else if name.contains("list-response") {
            #expect(try ListResponse(json: json).totalResults != nil)
        } else if name.contains("bulk-request") {
            #expect(try !BulkRequest(json: json).operations.isEmpty)
        } else if name.contains("bulk-response") {
            let operations = try #require(json.objectValue?["Operations"]?.arrayValue)
            for operation in operations {
                if let response = operation.objectValue?["response"] {
                    #expect(try SCIMErrorResponse(json: response).status >= 400)
                }
            }
        } else if name.contains("error") {
            #expect(try SCIMErrorResponse(json: json).status >= 400)
        } else if name.contains("group") {
            #expect(try SCIMResource.normalizedGroup(try #require(json.objectValue))["displayName"] != nil)
        } else {
            let user = try SCIMResource.normalizedUser(try #require(json.objectValue))
            #expect(SCIMResource.userName(user) != nil)
            #expect(user["password"] == nil)
        }
    }
}
