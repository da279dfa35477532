import SCIMKit
import Testing

/// Group membership changes as Entra ID (with and without its compliance flag) and Okta send them.
@Suite struct PatchGroupMembershipTests {
    let group: JSONObject

    init() throws {
        group = try SCIMFixtures.object(
            text: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Eng",
                 "members":[{"value":"u1","display":"One"},{"value":"u2"},{"value":"u3","type":"User"}]}
                """)
    }

    @Test func entraRemovesMembersGivenAsAValueArray() throws {
        let body = Patch.operation(#"{"op":"Remove","path":"members","value":[{"value":"u1"},{"Value":"U3"}]}"#)
        let result = try Patch.apply(body, to: group, type: .group)
        #expect(Patch.memberIDs(result) == ["u2"])
    }

    @Test func removingMembersByValueThatAreAbsentChangesNothing() throws {
        let body = Patch.operation(#"{"op":"Remove","path":"members","value":[{"value":"nobody"}]}"#)
        #expect(try Patch.apply(body, to: group, type: .group) == group)
    }

    @Test func oktaRemovesAMemberByFilter() throws {
        let body = Patch.operation(#"{"op":"remove","path":"members[value eq \"u2\"]"}"#)
        #expect(Patch.memberIDs(try Patch.apply(body, to: group, type: .group)) == ["u1", "u3"])
    }

    @Test func addingMembersSkipsThoseAlreadyPresent() throws {
        let body = Patch.operation(#"{"op":"Add","path":"members","value":[{"value":"u2"},{"value":"u4"}]}"#)
        #expect(Patch.memberIDs(try Patch.apply(body, to: group, type: .group)) == ["u1", "u2", "u3", "u4"])
    }

    @Test func addingASingleMemberObjectWorksLikeAnArray() throws {
        let body = Patch.operation(#"{"op":"add","path":"members","value":{"value":"u9"}}"#)
        #expect(Patch.memberIDs(try Patch.apply(body, to: group, type: .group)).last == "u9")
    }

    @Test func replacingMembersReplacesTheList() throws {
        let body = Patch.operation(#"{"op":"replace","path":"members","value":[{"value":"u7"}]}"#)
        #expect(Patch.memberIDs(try Patch.apply(body, to: group, type: .group)) == ["u7"])
    }

    @Test func renameKeepsMembers() throws {
        let body = Patch.operation(#"{"op":"Replace","path":"displayName","value":"Engineering"}"#)
        let result = try Patch.apply(body, to: group, type: .group)
        #expect(result["displayName"] == "Engineering")
        #expect(Patch.memberIDs(result) == ["u1", "u2", "u3"])
    }

    @Test func removingTheGroupDisplayNameIsRefused() throws {
        let body = Patch.operation(#"{"op":"remove","path":"displayName"}"#)
        #expect(try Patch.error(body, on: group, type: .group).scimType == .mutability)
    }
}
