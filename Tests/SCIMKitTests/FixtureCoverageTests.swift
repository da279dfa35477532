import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// What kind of SCIM payload a fixture is, read from its file name.
enum FixtureKind: CaseIterable {
    case patch, listResponse, bulkRequest, bulkResponse, error, group, user

    init(name: String) {
        if name.contains("patch") {
            self = .patch
        } else if name.contains("list-response") {
            self = .listResponse
        } else if name.contains("bulk-request") {
            self = .bulkRequest
        } else if name.contains("bulk-response") {
            self = .bulkResponse
        } else if name.contains("error") {
            self = .error
        } else if name.contains("group") {
            self = .group
        } else {
            self = .user
        }
    }

    /// Reads `json` with the message or resource type this kind is an example of.
    func expectReadable(_ json: JSONValue) throws {
        switch self {
        case .patch:
            #expect(try !PatchRequest(json: json).operations.isEmpty)
        case .listResponse:
            #expect(try ListResponse(json: json).totalResults != nil)
        case .bulkRequest:
            #expect(try !BulkRequest(json: json).operations.isEmpty)
        case .bulkResponse:
            let operations = try #require(json.objectValue?["Operations"]?.arrayValue)
            for operation in operations {
                if let response = operation.objectValue?["response"] {
                    #expect(try SCIMErrorResponse(json: response).status >= 400)
                }
            }
        case .error:
            #expect(try SCIMErrorResponse(json: json).status >= 400)
        case .group:
            #expect(try SCIMResource.normalizedGroup(try #require(json.objectValue))["displayName"] != nil)
        case .user:
            let user = try SCIMResource.normalizedUser(try #require(json.objectValue))
            #expect(SCIMResource.userName(user) != nil)
            #expect(user["password"] == nil)
        }
    }
}

/// The public SCIM example payloads in `../shared/testdata/scim-examples`, when they are there:
/// an extra pass that `SharedCorporaTests` runs.
enum SharedSCIMExamples {
    static let directory: String? = Fixtures.sharedTestData.map { $0 + "/scim-examples" }

    static func names() -> [String] {
        directory.map(Fixtures.jsonFileNames(in:)) ?? []
    }

    /// Reads every shared example with the type it is an example of.
    static func checkEveryFile() throws {
        let directory = try #require(directory)
        for name in names() {
            let text = try String(contentsOfFile: directory + "/" + name + ".json", encoding: .utf8)
            try FixtureKind(name: name).expectReadable(try JSONParser.parse(text))
        }
    }
}

/// Every example payload is read by the message or resource type it is an example of.
@Suite struct FixtureCoverageTests {
    @Test(arguments: SCIMFixtures.names())
    func everyFixtureIsReadByItsType(_ name: String) throws {
        try FixtureKind(name: name).expectReadable(try SCIMFixtures.json(name))
    }

    @Test func theFixturesHoldAnExampleOfEveryKind() {
        let kinds = Set(SCIMFixtures.names().map(FixtureKind.init(name:)))
        #expect(kinds == Set(FixtureKind.allCases))
    }

    @Test func theFixturesHoldEntraAndOktaShapedRequests() {
        #expect(SCIMFixtures.names().contains { $0.hasPrefix("entra-patch") })
        #expect(SCIMFixtures.names().contains { $0.hasPrefix("entra-post") })
        #expect(SCIMFixtures.names().contains { $0.hasPrefix("okta-patch") })
    }

}
