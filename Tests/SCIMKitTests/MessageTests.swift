import SCIMKit
import Testing

@Suite struct MessageTests {
    @Test func listResponsesOfTheRFC() throws {
        let plain = try ListResponse(json: try SCIMFixtures.json("list-response"))
        #expect(plain.totalResults == 2)
        #expect(plain.startIndex == nil)
        #expect(plain.resources.compactMap(SCIMResource.userName) == ["lortega", "mquist"])
        let search = try ListResponse(json: try SCIMFixtures.json("list-response-paged"))
        #expect(search.totalResults == 100)
        #expect(search.itemsPerPage == 10)
        #expect(search.startIndex == 1)
        #expect(search.resources.count == 2)
    }

    @Test func listResponseVariants() throws {
        let array = try ListResponse(json: try SCIMFixtures.parse(#"[{"userName":"a"},{"userName":"b"}]"#))
        #expect(array.resources.count == 2)
        #expect(array.totalResults == nil)
        let empty = try ListResponse(json: try SCIMFixtures.parse(#"{"totalResults":"0"}"#))
        #expect(empty.totalResults == 0)
        #expect(empty.resources.isEmpty)
        let lower = try ListResponse(json: try SCIMFixtures.parse(#"{"resources":[{"id":"1"}],"totalResults":1.0}"#))
        #expect(lower.resources.count == 1)
        #expect(lower.totalResults == 1)
    }

    @Test(arguments: [
        #"{"Resources":[1]}"#, #"{"Resources":{}}"#, #"{"totalResults":"x"}"#, #"{"totalResults":1.5}"#, "3",
    ])
    func malformedListResponsesAreInvalidSyntax(_ text: String) throws {
        let error = try #require(throws: SCIMError.self) { try ListResponse(json: try SCIMFixtures.parse(text)) }
        #expect(error.scimType == .invalidSyntax)
    }

    @Test func bulkRequestOfTheRFC() throws {
        let bulk = try BulkRequest(json: try SCIMFixtures.json("bulk-request-mixed"))
        #expect(bulk.failOnErrors == 1)
        #expect(bulk.operations.map(\.method) == ["POST", "PUT", "PATCH", "DELETE"])
        #expect(bulk.operations[0].bulkID == "newhire")
        #expect(bulk.operations[1].version == #"W/"5e8a1f09c3""#)
        #expect(bulk.operations[3].data == nil)
        #expect(bulk.operations[3].path == "/Users/2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e7f")
    }

    @Test func bulkReferencesResolveAfterTheCreationIsRecorded() throws {
        let bulk = try BulkRequest(json: try SCIMFixtures.json("bulk-request-manager-reference"))
        let ordered = try BulkIDResolver.order(bulk.operations)
        #expect(ordered.map(\.bulkID) == ["captain", "deckhand"])
        var resolver = BulkIDResolver()
        let bob = try #require(ordered[1].data)
        let unresolved = try #require(throws: SCIMError.self) { try resolver.resolve(bob) }
        #expect(unresolved.scimType == .invalidValue)
        #expect(unresolved.detail.contains("'captain'"))
        resolver.record(bulkID: "captain", id: "a7d1e3f0")
        let resolved = try resolver.resolve(bob)
        let manager = resolved.objectValue?[Patch.enterprise]?.objectValue?["manager"]
        #expect(manager == ["value": "a7d1e3f0"])
        #expect(try resolver.resolvePath("/Groups/bulkId:captain") == "/Groups/a7d1e3f0")
    }

    @Test func bulkOrderPutsReferencedCreationsFirstAndKeepsTheRest() throws {
        let operations = [
            BulkOperation(method: "post", bulkID: "g", path: "/Groups", data: ["members": [["value": "bulkId:u"]]]),
            BulkOperation(method: "DELETE", path: "/Users/x"),
            BulkOperation(method: "POST", bulkID: "u", path: "/Users", data: ["userName": "a"]),
            BulkOperation(method: "PATCH", path: "/Groups/bulkId:g", data: ["Operations": []]),
        ]
        let ordered = try BulkIDResolver.order(operations)
        #expect(ordered.map(\.path) == ["/Users", "/Groups", "/Users/x", "/Groups/bulkId:g"])
        #expect(operations[0].method == "POST")
    }

    @Test func circularBulkReferencesAreAConflictNamingTheCycle() throws {
        let bulk = try BulkRequest(json: try SCIMFixtures.json("bulk-request-circular"))
        let error = try #require(throws: SCIMError.self) { try BulkIDResolver.order(bulk.operations) }
        #expect(error.status == 409)
        #expect(error.scimType == .invalidValue)
        #expect(error.detail.contains("port -> starboard -> port"))
        let selfReference = [BulkOperation(method: "POST", bulkID: "s", path: "/Groups", data: ["x": ["bulkId:s"]])]
        #expect(throws: SCIMError.self) { try BulkIDResolver.order(selfReference) }
    }

    @Test func longReferenceChainsOrderWithoutRecursion() throws {
        let count = 20_000
        let operations = (0..<count).map { index in
            BulkOperation(
                method: "POST", bulkID: "b\(index)", path: "/Groups",
                data: index + 1 < count ? ["members": [["value": .string("bulkId:b\(index + 1)")]]] : [:])
        }
        let ordered = try BulkIDResolver.order(operations)
        #expect(ordered.first?.bulkID == "b\(count - 1)")
        #expect(ordered.last?.bulkID == "b0")
    }

    @Test(arguments: [
        (#"{}"#, SCIMErrorType.invalidSyntax),
        (#"{"Operations":[{"method":"GET","path":"/Users"}]}"#, .invalidSyntax),
        (#"{"Operations":[{"method":"POST"}]}"#, .invalidSyntax),
        (#"{"Operations":[{"path":"/Users"}]}"#, .invalidSyntax),
        (
            #"{"Operations":[{"method":"POST","path":"/Users","bulkId":"a"},{"method":"POST","path":"/Users","bulkId":"a"}]}"#,
            .invalidValue
        ),
        (#"{"Operations":[{"method":"POST","path":"/Users","bulkId":""}]}"#, .invalidValue),
        (#"{"failOnErrors":"many","Operations":[]}"#, .invalidSyntax),
    ])
    func malformedBulkRequestsAreRefused(_ text: String, _ expected: SCIMErrorType) throws {
        let error = try #require(throws: SCIMError.self) { try BulkRequest(json: try SCIMFixtures.parse(text)) }
        #expect(error.scimType == expected)
    }

    @Test func errorResponsesWithStatusAsStringOrNumber() throws {
        let mutability = try SCIMErrorResponse(json: try SCIMFixtures.json("error-mutability"))
        #expect(mutability.status == 400)
        #expect(mutability.errorType == .mutability)
        #expect(mutability.detail == "id cannot be changed")
        #expect(try SCIMErrorResponse(json: try SCIMFixtures.json("error-not-found")).status == 404)
        #expect(
            try SCIMErrorResponse(json: try SCIMFixtures.json("error-payload-too-large")).status == 413)
        let numeric = try SCIMErrorResponse(json: try SCIMFixtures.parse(#"{"status":409,"scimType":"uniqueness"}"#))
        #expect(numeric.status == 409)
        #expect(numeric.errorType == .uniqueness)
        for bad in [#"{"detail":"x"}"#, #"{"status":"abc"}"#, #"{"status":true}"#, "[]"] {
            #expect(throws: SCIMError.self) { try SCIMErrorResponse(json: try SCIMFixtures.parse(bad)) }
        }
    }

    @Test func errorTypesUseTheRFCSpelling() {
        #expect(SCIMErrorType.allCases.map(\.rawValue).contains("invalidVers"))
        #expect(SCIMErrorType(rawValue: "noTarget") == .noTarget)
        #expect(SCIMError.mutability("x").description == "mutability: x")
    }
}
