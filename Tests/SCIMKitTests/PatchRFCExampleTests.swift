import SCIMKit
import Testing

/// The PATCH examples of RFC 7644 §3.5.2, applied to the RFC 7643 example resources.
@Suite struct PatchRFCExampleTests {
    let group: JSONObject
    let user: JSONObject
    let minimalUser: JSONObject

    init() throws {
        group = try SCIMFixtures.object("rfc7643-8.4-group")
        user = try SCIMFixtures.object("rfc7643-8.3-enterprise-user")
        minimalUser = try SCIMFixtures.object("rfc7643-8.1-user-minimal")
    }

    @Test func addingAnExistingMemberDoesNotDuplicateIt() throws {
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.1-patch-add-members", to: group, type: .group)
        #expect(result["members"]?.arrayValue?.count == 2)
        #expect(result["displayName"] == "Tour Guides")
    }

    @Test func addingANewMemberAppendsIt() throws {
        var empty = group
        empty["members"] = nil
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.1-patch-add-members", to: empty, type: .group)
        #expect(Patch.memberIDs(result) == ["2819c223-7f76-453a-919d-413861904646"])
    }

    @Test func pathlessAddMergesEmailsAndSetsNickname() throws {
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.1-patch-add-pathless", to: minimalUser)
        #expect(try Patch.values(#"emails[type eq "home"].value"#, in: result) == ["babs@jensen.org"])
        // The RFC spells it `nickname`; attribute names are case-insensitive, so it is `nickName`.
        #expect(result["nickName"] == "Babs")
        #expect(result["userName"] == "bjensen@example.com")
    }

    @Test func removingMembersWithoutValueRemovesThemAll() throws {
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.2-patch-remove-all-members", to: group, type: .group)
        #expect(result["members"] == nil)
        #expect(result["displayName"] == "Tour Guides")
    }

    @Test func removeThenAddMemberInOneRequest() throws {
        var resource = group
        resource["members"] = [["value": "2819c223...919d-413861904646", "display": "Babs Jensen"]]
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.2-patch-remove-and-add-member", to: resource, type: .group)
        #expect(Patch.memberIDs(result) == ["08e1d05d...473d93df9210"])
    }

    @Test func removeMemberByFilterRemovesOnlyIt() throws {
        var resource = group
        resource["members"] = [["value": "2819c223-7f76-...413861904646"], ["value": "keep"]]
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.2-patch-remove-member-filter", to: resource, type: .group)
        #expect(Patch.memberIDs(result) == ["keep"])
    }

    @Test func removeEmailByComplexFilter() throws {
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.2-patch-remove-email-complex-filter", to: user)
        #expect(try Patch.values("emails.value", in: result) == ["babs@jensen.org"])
    }

    @Test func replaceAllMembers() throws {
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.3-patch-replace-all-members", to: group, type: .group)
        #expect(
            Patch.memberIDs(result) == [
                "2819c223-7f76-453a-919d-413861904646", "08e1d05d-121c-4561-8b96-473d93df9210",
            ])
    }

    @Test func pathlessReplaceReplacesTheEmailList() throws {
        var resource = user
        resource["emails"] = [["value": "old@example.com", "type": "other"]]
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.3-patch-replace-pathless", to: resource)
        #expect(try Patch.values("emails.value", in: result) == ["bjensen@example.com", "babs@jensen.org"])
        #expect(result["nickName"] == "Babs")
    }

    @Test func replaceStreetAddressOfTheWorkAddressOnly() throws {
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.3-patch-replace-street-address", to: user)
        #expect(try Patch.values(#"addresses[type eq "work"].streetAddress"#, in: result) == ["1010 Broadway Ave"])
        #expect(try Patch.values(#"addresses[type eq "work"].locality"#, in: result) == ["Hollywood"])
        #expect(try Patch.values(#"addresses[type eq "home"].streetAddress"#, in: result) == ["456 Hollywood Blvd"])
    }

    @Test func replaceTheWorkAddressValue() throws {
        let result = try Patch.apply(fixture: "rfc7644-3.5.2.3-patch-replace-work-address", to: user)
        #expect(
            try Patch.values(#"addresses[type eq "work"].streetAddress"#, in: result) == ["911 Universal City Plaza"])
        #expect(try Patch.values(#"addresses[type eq "work"].country"#, in: result) == ["US"])
        #expect(result["addresses"]?.arrayValue?.count == 2)
    }

    @Test func entraDeactivationSetsActiveFalse() throws {
        let result = try Patch.apply(fixture: "entra-refcode-patch-active-false", to: user)
        #expect(result["active"] == false)
    }

    @Test func bulkPatchDataAsABareArrayIsAnOperationList() throws {
        let bulk = try SCIMFixtures.object("rfc7644-3.7.3-bulk-request-multiple-operations")
        let patch = try #require(bulk["Operations"]?.arrayValue?[2].objectValue?["data"])
        let request = try PatchRequest(json: patch)
        #expect(request.operations.map(\.op) == [.remove, .add])
        let result = try PatchApplier.apply(request, to: user, type: .user)
        #expect(result["nickName"] == nil)
        #expect(result["userName"] == "Dave")
    }
}
