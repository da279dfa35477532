import SCIMKit
import Testing

/// End states where RFC 7644 §3.5.2 says what a PATCH leaves behind, replayed against an
/// independent SCIM implementation: each once differed here (issue 10).
@Suite struct PatchEndStateTests {
    let enterprise = Patch.enterprise
    let user: JSONObject

    init() throws {
        user = try SCIMFixtures.object(
            text: """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "id": "u7", "userName": "babs@lumen.example",
                 "emails": [{"value": "babs@lumen.example", "type": "work", "primary": true},
                            {"value": "babs@home.example", "type": "home"}],
                 "addresses": [{"type": "work", "streetAddress": "12 Quay Street", "locality": "Port Selden"}]}
                """)
    }

    @Test func addingAnAddressOfATypeAlreadyPresentAddsASecondOne() throws {
        let body = Patch.operation(
            #"{"op":"add","path":"addresses","value":[{"type":"work","streetAddress":"9 Dock Road"}]}"#)
        let result = try Patch.apply(body, to: user)
        #expect(
            result["addresses"] == [
                ["type": "work", "streetAddress": "12 Quay Street", "locality": "Port Selden"],
                ["type": "work", "streetAddress": "9 Dock Road"],
            ])
    }

    @Test func addingAnAddressThatIsAlreadyThereChangesNothing() throws {
        let body = Patch.operation(
            #"{"op":"add","path":"addresses","value":[{"type":"work","streetAddress":"12 Quay Street","locality":"Port Selden"}]}"#
        )
        #expect(try Patch.apply(body, to: user) == user)
    }

    @Test func removingTheValueOfTheWorkEmailKeepsItsTypeAndPrimary() throws {
        let body = Patch.operation(#"{"op":"remove","path":"emails[type eq \"work\"].value"}"#)
        let result = try Patch.apply(body, to: user)
        #expect(
            result["emails"] == [
                ["type": "work", "primary": true], ["value": "babs@home.example", "type": "home"],
            ])
        #expect(SCIMResource.primaryEmail(result) == "babs@home.example")
    }

    @Test func aLaterOperationStillSelectsTheEmailWhoseValueWasRemoved() throws {
        let body = #"""
            {"Operations":[
              {"op":"remove","path":"emails[type eq \"work\"].value"},
              {"op":"add","path":"emails[type eq \"work\"].value","value":"b.new@lumen.example"}]}
            """#
        let result = try Patch.apply(body, to: user)
        #expect(
            try Patch.values(#"emails[type eq "work"]"#, in: result) == [
                ["type": "work", "primary": true, "value": "b.new@lumen.example"]
            ])
        #expect(result["emails"]?.arrayValue?.count == 2)
    }

    @Test func removingTheOnlyMemberOfAValueDropsTheEmptiedValue() throws {
        var resource = user
        resource["phoneNumbers"] = [["value": "555-0100"], ["value": "555-0101", "type": "work"]]
        let body = Patch.operation(#"{"op":"remove","path":"phoneNumbers[value eq \"555-0100\"].value"}"#)
        let result = try Patch.apply(body, to: resource)
        #expect(result["phoneNumbers"] == [["value": "555-0101", "type": "work"]])
    }

    @Test func reAddingAnEmailPresentApartFromCaseChangesNothing() throws {
        let body = Patch.operation(
            #"{"op":"add","path":"emails","value":[{"value":"BABS@LUMEN.EXAMPLE","type":"Work"}]}"#)
        #expect(try Patch.apply(body, to: user) == user)
    }

    @Test func reAddingAnEmailWithANewFlagSetsOnlyTheFlag() throws {
        let body = Patch.operation(
            #"{"op":"add","path":"emails","value":[{"value":"BABS@HOME.EXAMPLE","primary":true}]}"#)
        let result = try Patch.apply(body, to: user)
        #expect(
            result["emails"] == [
                ["value": "babs@lumen.example", "type": "work", "primary": false],
                ["value": "babs@home.example", "type": "home", "primary": true],
            ])
    }

    @Test func reAddingACaseExactValueInAnotherCaseAddsIt() throws {
        var resource = user
        resource["photos"] = [["value": "https://img.example/Babs", "type": "photo"]]
        let body = Patch.operation(
            #"{"op":"add","path":"photos","value":[{"value":"https://img.example/babs","type":"photo"}]}"#)
        let result = try Patch.apply(body, to: resource)
        #expect(
            try Patch.values("photos.value", in: result) == ["https://img.example/Babs", "https://img.example/babs"])
    }

    @Test func replacingTheValueOfAnEmailThatIsNotThereIsNoTarget() throws {
        let body = Patch.operation(
            #"{"op":"replace","path":"emails[value eq \"nobody@example.com\"].value","value":"someone@example.com"}"#)
        let error = try Patch.error(body, on: user)
        #expect(error.scimType == .noTarget)
        #expect(error.detail.hasPrefix("operation 1: "))
    }

    @Test func replacingAFilteredValueWithOneItsFilterRefusesIsNoTarget() throws {
        let body = Patch.operation(
            #"{"op":"replace","path":"emails[type eq \"other\"]","value":{"type":"home","value":"x@example.com"}}"#)
        #expect(try Patch.error(body, on: user).scimType == .noTarget)
    }

    @Test func replacingAFilteredValueTheFilterDescribesCreatesIt() throws {
        let work = Patch.operation(
            #"{"op":"replace","path":"emails[type eq \"other\"].value","value":"babs@other.example"}"#)
        let result = try Patch.apply(work, to: user)
        #expect(try Patch.values(#"emails[type eq "other"].value"#, in: result) == ["babs@other.example"])
        let sameAddress = Patch.operation(
            #"{"op":"replace","path":"emails[value eq \"babs@new.example\"].value","value":"BABS@new.example"}"#)
        #expect(try Patch.values("emails.value", in: try Patch.apply(sameAddress, to: user)).count == 3)
    }

    @Test func removingTheLastEnterpriseAttributeUnlistsTheExtension() throws {
        var resource = user
        resource["schemas"] = ["urn:ietf:params:scim:schemas:core:2.0:User", .string(enterprise)]
        resource[enterprise] = ["department": "Salvage"]
        let body = Patch.operation(#"{"op":"remove","path":"\#(enterprise):department"}"#)
        let result = try Patch.apply(body, to: resource)
        #expect(result[enterprise] == nil)
        #expect(result["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User"])
        let whole = Patch.operation(#"{"op":"remove","path":"\#(enterprise)"}"#)
        #expect(try Patch.apply(whole, to: resource)["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User"])
    }

    @Test func keepingAnEnterpriseAttributeKeepsTheExtensionListed() throws {
        var resource = user
        resource["schemas"] = ["urn:ietf:params:scim:schemas:core:2.0:User", .string(enterprise)]
        resource[enterprise] = ["department": "Salvage", "division": "Marine"]
        let body = Patch.operation(#"{"op":"remove","path":"\#(enterprise):department"}"#)
        let result = try Patch.apply(body, to: resource)
        #expect(result[enterprise] == ["division": "Marine"])
        #expect(result["schemas"] == resource["schemas"])
    }
}
