import SCIMKit
import Testing

/// PATCH requests shaped like the examples of RFC 7644 §3.5.2 and like what Entra ID and Okta
/// send, applied to resources shaped like the examples of RFC 7643 §8.
@Suite struct PatchRFCExampleTests {
    let group: JSONObject
    let user: JSONObject
    let minimalUser: JSONObject

    init() throws {
        group = try SCIMFixtures.object("group")
        user = try SCIMFixtures.object("user-enterprise")
        minimalUser = try SCIMFixtures.object("user-minimal")
    }

    @Test func addingAnExistingMemberDoesNotDuplicateIt() throws {
        let result = try Patch.apply(fixture: "patch-add-members", to: group, type: .group)
        #expect(result["members"]?.arrayValue?.count == 2)
        #expect(result["displayName"] == "Harbor Pilots")
    }

    @Test func addingANewMemberAppendsIt() throws {
        var empty = group
        empty["members"] = nil
        let result = try Patch.apply(fixture: "patch-add-members", to: empty, type: .group)
        #expect(Patch.memberIDs(result) == ["5f3a9c1e-0d2b-4e8a-9b7c-61a2f4e8d0c3"])
    }

    @Test func pathlessAddMergesEmailsAndSetsNickname() throws {
        let result = try Patch.apply(fixture: "patch-add-without-path", to: minimalUser)
        #expect(try Patch.values(#"emails[type eq "home"].value"#, in: result) == ["linny@ortega.example"])
        // The RFC spells it `nickname`; attribute names are case-insensitive, so it is `nickName`.
        #expect(result["nickName"] == "Linny")
        #expect(result["userName"] == "lin.ortega@example.net")
    }

    @Test func removingMembersWithoutValueRemovesThemAll() throws {
        let result = try Patch.apply(fixture: "patch-remove-all-members", to: group, type: .group)
        #expect(result["members"] == nil)
        #expect(result["displayName"] == "Harbor Pilots")
    }

    @Test func removeThenAddMemberInOneRequest() throws {
        var resource = group
        resource["members"] = [["value": "5f3a9c1e-0d2b-4e8a-9b7c-61a2f4e8d0c3", "display": "Lin Ortega"]]
        let result = try Patch.apply(fixture: "patch-remove-and-add-member", to: resource, type: .group)
        #expect(Patch.memberIDs(result) == ["9e1b7d44-3c6a-4f2e-8d15-27b0c9a4e6f1"])
    }

    @Test func removeMemberByFilterRemovesOnlyIt() throws {
        var resource = group
        resource["members"] = [["value": "9e1b7d44-3c6a-4f2e-8d15-27b0c9a4e6f1"], ["value": "keep"]]
        let result = try Patch.apply(fixture: "patch-remove-member-by-filter", to: resource, type: .group)
        #expect(Patch.memberIDs(result) == ["keep"])
    }

    @Test func removeEmailByComplexFilter() throws {
        let result = try Patch.apply(fixture: "patch-remove-email-by-two-tests", to: user)
        #expect(try Patch.values("emails.value", in: result) == ["linny@ortega.example"])
    }

    @Test func replaceAllMembers() throws {
        let result = try Patch.apply(fixture: "patch-replace-all-members", to: group, type: .group)
        #expect(
            Patch.memberIDs(result) == [
                "9e1b7d44-3c6a-4f2e-8d15-27b0c9a4e6f1", "1c3e5a7b-9d0f-4b2c-8e4a-6c8e0a2b4d6f",
            ])
    }

    @Test func pathlessReplaceReplacesTheEmailList() throws {
        var resource = user
        resource["emails"] = [["value": "old@example.com", "type": "other"]]
        let result = try Patch.apply(fixture: "patch-replace-without-path", to: resource)
        #expect(try Patch.values("emails.value", in: result) == ["lin.ortega@example.net", "linny@ortega.example"])
        #expect(result["nickName"] == "Linny")
    }

    @Test func replaceStreetAddressOfTheWorkAddressOnly() throws {
        let result = try Patch.apply(fixture: "patch-replace-work-street", to: user)
        #expect(try Patch.values(#"addresses[type eq "work"].streetAddress"#, in: result) == ["3 Lighthouse Road"])
        #expect(try Patch.values(#"addresses[type eq "work"].locality"#, in: result) == ["Port Selden"])
        #expect(try Patch.values(#"addresses[type eq "home"].streetAddress"#, in: result) == ["77 Alder Lane"])
    }

    @Test func replaceTheWorkAddressValue() throws {
        let result = try Patch.apply(fixture: "patch-replace-work-address", to: user)
        #expect(
            try Patch.values(#"addresses[type eq "work"].streetAddress"#, in: result) == ["40 Pier Row"])
        #expect(try Patch.values(#"addresses[type eq "work"].country"#, in: result) == ["CA"])
        #expect(result["addresses"]?.arrayValue?.count == 2)
    }

    @Test func entraDeactivationSetsActiveFalse() throws {
        let result = try Patch.apply(fixture: "entra-patch-active-false", to: user)
        #expect(result["active"] == false)
    }

    @Test func bulkPatchDataAsABareArrayIsAnOperationList() throws {
        let bulk = try SCIMFixtures.object("bulk-request-mixed")
        let patch = try #require(bulk["Operations"]?.arrayValue?[2].objectValue?["data"])
        let request = try PatchRequest(json: patch)
        #expect(request.operations.map(\.op) == [.remove, .add])
        let result = try PatchApplier.apply(request, to: user, type: .user)
        #expect(result["nickName"] == nil)
        #expect(result["userName"] == "mara.quist")
    }

    @Test func entraAddsAWorkEmailValueReplacesTheManagerAndSetsAGivenName() throws {
        let user = try SCIMFixtures.object("entra-post-enterprise-user-pascalcase")
        let result = try Patch.apply(fixture: "entra-patch-work-email-and-manager", to: user)
        #expect(try Patch.values(#"emails[type eq "work"].value"#, in: result) == ["pia.castell@example.org"])
        #expect(try Patch.values(#"emails[type eq "home"].value"#, in: result) == ["pascal.home@example.com"])
        #expect(result[Patch.enterprise]?.objectValue?["manager"] == ["value": "a7d1e3f0-6b2c-4d8e-9f10-3c5b7a9d1e2f"])
        #expect(try Patch.values("name.givenName", in: result) == ["Pia"])
    }

    @Test func oktaDeactivationIsAReplaceWithoutPath() throws {
        let result = try Patch.apply(fixture: "okta-patch-deactivate", to: user)
        #expect(result["active"] == false)
        #expect(result["userName"] == user["userName"])
    }

    @Test func oktaRenameRepeatsTheGroupIDWhichIsIgnored() throws {
        let result = try Patch.apply(fixture: "okta-patch-group-rename", to: group, type: .group)
        #expect(result["displayName"] == "Harbour Pilots")
        #expect(result["id"] == group["id"])
        #expect(Patch.memberIDs(result) == Patch.memberIDs(group))
    }

    @Test func oktaAddsOneMemberAndRemovesAnotherByFilter() throws {
        let result = try Patch.apply(fixture: "okta-patch-group-members", to: group, type: .group)
        #expect(
            Patch.memberIDs(result) == ["5f3a9c1e-0d2b-4e8a-9b7c-61a2f4e8d0c3", "1c3e5a7b-9d0f-4b2c-8e4a-6c8e0a2b4d6f"])
    }
}
