import SCIMKit
import Testing

@Suite struct SCIMResourceTests {
    let enterprise = Patch.enterprise

    /// `object` without its `password` member.
    func withoutPassword(_ object: JSONObject) -> JSONObject {
        var copy = object
        copy["password"] = nil
        return copy
    }

    @Test(arguments: ["rfc7643-8.2-user-full", "rfc7643-8.3-enterprise-user"])
    func normalizingAnRFCUserDropsOnlyThePassword(_ name: String) throws {
        let user = try SCIMFixtures.object(name)
        #expect(user["password"] != nil)
        let normalized = try SCIMResource.normalizedUser(user)
        #expect(normalized["password"] == nil)
        #expect(normalized == withoutPassword(user))
    }

    @Test func entraStringActiveBecomesABoolean() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object("entra-refcode-post-user-active-string-true"))
        #expect(user["active"] == true)
        #expect(SCIMResource.active(user) == true)
    }

    @Test func entraPascalCaseKeysTakeTheSchemaSpelling() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object("entra-refcode-post-enterprise-user-pascalcase-keys"))
        let emails = try #require(user["emails"]?.arrayValue)
        #expect(emails.allSatisfy { $0.objectValue?.keys.contains("primary") == true })
        let extensionObject = try #require(user[enterprise]?.objectValue)
        #expect(extensionObject.keys.sorted() == ["department", "manager"])
        #expect(extensionObject["manager"] == ["value": "SuzzyQ"])
        #expect(SCIMResource.primaryEmail(user) == "testing@bob2.com")
    }

    @Test func duplicateWorkEmailsKeepTheirSinglePrimary() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object("entra-refcode-post-enterprise-user-duplicate-work-emails"))
        #expect(user["emails"]?.arrayValue?.count == 2)
        #expect(SCIMResource.primaryEmail(user) == "anna33@gmail.com")
        #expect(user[enterprise]?.objectValue?["department"] == "some department")
    }

    @Test func severalPrimariesAreReducedToTheFirst() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object(
                text: #"{"userName":"a","emails":[{"value":"x","primary":"True"},{"value":"y","primary":true}]}"#))
        #expect(user["emails"] == [["value": "x", "primary": true], ["value": "y", "primary": false]])
    }

    @Test func managerFormsBecomeAnObject() throws {
        for form in [#""m-1""#, #"{"Value":"m-1"}"#, #"[{"value":"m-1"}]"#, #"["m-1"]"#] {
            let user = try SCIMResource.normalizedUser(
                try SCIMFixtures.object(text: #"{"userName":"a","\#(enterprise)":{"manager":\#(form)}}"#))
            #expect(user[enterprise]?.objectValue?["manager"] == ["value": "m-1"], "\(form)")
        }
        let cleared = try SCIMResource.normalizedUser(
            try SCIMFixtures.object(text: #"{"userName":"a","\#(enterprise)":{"manager":""}}"#))
        #expect(cleared[enterprise]?.objectValue?["manager"] == nil)
    }

    @Test func qualifiedTopLevelKeysFoldIntoTheirSchema() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object(
                text: """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a",
                     "\(enterprise):department":"Ops","\(enterprise):manager":"m-2",
                     "\(enterprise):manager.displayName":"Boss",
                     "urn:ietf:params:scim:schemas:core:2.0:User:title":"Eng"}
                    """))
        #expect(user[enterprise] == ["department": "Ops", "manager": ["value": "m-2", "displayName": "Boss"]])
        #expect(user["title"] == "Eng")
        #expect(user["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User", .string(enterprise)])
        #expect(user.keys.allSatisfy { !$0.contains(":department") })
    }

    @Test func unknownExtensionsAreKeptWithoutPasswords() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object(
                text:
                    #"{"userName":"a","urn:acme:ext:User":{"badge":7,"Password":"s","nested":{"password":"t","k":1}},"x-custom":[1]}"#
            ))
        #expect(user["urn:acme:ext:User"] == ["badge": 7, "nested": ["k": 1]])
        #expect(user["x-custom"] == [1])
        #expect(
            try SCIMResource.normalizedUser(try SCIMFixtures.object(text: #"{"userName":"a","PASSWORD":"p"}"#)).count
                == 1)
    }

    @Test(arguments: [#"{}"#, #"{"userName":""}"#, #"{"userName":"  "}"#, #"{"userName":null}"#, #"{"userName":5}"#])
    func userWithoutUserNameIsRefused(_ text: String) throws {
        let error = try #require(throws: SCIMError.self) {
            try SCIMResource.normalizedUser(try SCIMFixtures.object(text: text))
        }
        #expect(error.scimType == .invalidValue)
        #expect(error.detail == "userName is required")
    }

    @Test(arguments: [#""yes""#, "1", #""""#])
    func userWithANonBooleanActiveIsRefused(_ literal: String) throws {
        let error = try #require(throws: SCIMError.self) {
            try SCIMResource.normalizedUser(try SCIMFixtures.object(text: #"{"userName":"a","active":\#(literal)}"#))
        }
        #expect(error.scimType == .invalidValue)
    }

    @Test func normalizingTwiceChangesNothing() throws {
        for name in try SCIMFixtures.names() where name.contains("user") && !name.contains("patch") {
            guard name.contains("post") || name.hasPrefix("rfc7643") else { continue }
            let once = try SCIMResource.normalizedUser(try SCIMFixtures.object(name))
            #expect(try SCIMResource.normalizedUser(once) == once, "\(name)")
        }
    }

    @Test func groupNormalizationAndMembers() throws {
        let group = try SCIMResource.normalizedGroup(try SCIMFixtures.object("rfc7643-8.4-group"))
        #expect(
            SCIMResource.members(of: group) == [
                "2819c223-7f76-453a-919d-413861904646", "902c246b-6245-4190-8e05-00816be7344a",
            ])
        #expect(SCIMResource.displayName(group) == "Tour Guides")
        let bare = try SCIMResource.normalizedGroup(
            try SCIMFixtures.object(text: #"{"DisplayName":"G","Members":["u1",{"Value":"u2"}]}"#))
        #expect(JSONValue.object(bare) == ["displayName": "G", "members": [["value": "u1"], ["value": "u2"]]])
    }

    @Test(arguments: [#"{}"#, #"{"displayName":""}"#, #"{"displayName":[]}"#])
    func groupWithoutDisplayNameIsRefused(_ text: String) throws {
        let error = try #require(throws: SCIMError.self) {
            try SCIMResource.normalizedGroup(try SCIMFixtures.object(text: text))
        }
        #expect(error.detail == "displayName is required")
    }

    @Test func typedReadsOfTheEnterpriseUser() throws {
        let user = try SCIMFixtures.object("rfc7643-8.3-enterprise-user")
        #expect(SCIMResource.userName(user) == "bjensen@example.com")
        #expect(SCIMResource.id(user) == "2819c223-7f76-453a-919d-413861904646")
        #expect(SCIMResource.externalId(user) == "701984")
        #expect(SCIMResource.externalID(user) == "701984")
        #expect(SCIMResource.displayName(user) == "Babs Jensen")
        #expect(SCIMResource.givenName(user) == "Barbara")
        #expect(SCIMResource.familyName(user) == "Jensen")
        #expect(SCIMResource.active(user) == true)
        #expect(SCIMResource.primaryEmail(user) == "bjensen@example.com")
    }

    @Test func primaryEmailFallsBackToWorkThenFirst() throws {
        let work = try SCIMFixtures.object(
            text: #"{"emails":[{"value":"h@x","type":"home"},{"value":"w@x","type":"Work"}]}"#)
        #expect(SCIMResource.primaryEmail(work) == "w@x")
        let first = try SCIMFixtures.object(text: #"{"emails":[{"value":"h@x","type":"home"},{"value":"o@x"}]}"#)
        #expect(SCIMResource.primaryEmail(first) == "h@x")
        #expect(SCIMResource.primaryEmail(JSONObject()) == nil)
        #expect(SCIMResource.active(try SCIMFixtures.object(text: #"{"active":"False"}"#)) == false)
        #expect(SCIMResource.active(try SCIMFixtures.object(text: #"{"active":"nope"}"#)) == nil)
    }
}
