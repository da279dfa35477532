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

    @Test(arguments: ["user-full", "user-enterprise"])
    func normalizingAnRFCUserDropsOnlyThePassword(_ name: String) throws {
        let user = try SCIMFixtures.object(name)
        #expect(user["password"] != nil)
        let normalized = try SCIMResource.normalizedUser(user)
        #expect(normalized["password"] == nil)
        #expect(normalized == withoutPassword(user))
    }

    @Test func entraStringActiveBecomesABoolean() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object("entra-post-user-active-string"))
        #expect(user["active"] == true)
        #expect(SCIMResource.active(user) == true)
    }

    @Test func entraPascalCaseKeysTakeTheSchemaSpelling() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object("entra-post-enterprise-user-pascalcase"))
        let emails = try #require(user["emails"]?.arrayValue)
        #expect(emails.allSatisfy { $0.objectValue?.keys.contains("primary") == true })
        let extensionObject = try #require(user[enterprise]?.objectValue)
        #expect(extensionObject.keys.sorted() == ["department", "manager"])
        #expect(extensionObject["manager"] == ["value": "HarborBoss"])
        #expect(SCIMResource.primaryEmail(user) == "pascal.primary@example.org")
    }

    @Test func twoWorkEmailsKeepTheirSinglePrimary() throws {
        let user = try SCIMResource.normalizedUser(
            try SCIMFixtures.object("entra-post-enterprise-user-two-work-emails"))
        #expect(user["emails"]?.arrayValue?.count == 2)
        #expect(SCIMResource.primaryEmail(user) == "joana.okafor@example.com")  // the second, marked primary
        #expect(user[enterprise]?.objectValue?["department"] == "Salvage")
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
        let users = SCIMFixtures.names().filter { $0.hasPrefix("user-") || $0.contains("-post-") }
        #expect(users.count >= 7)
        for name in users {
            let once = try SCIMResource.normalizedUser(try SCIMFixtures.object(name))
            #expect(try SCIMResource.normalizedUser(once) == once, "\(name)")
        }
    }

    @Test func groupNormalizationAndMembers() throws {
        let group = try SCIMResource.normalizedGroup(try SCIMFixtures.object("group"))
        #expect(
            SCIMResource.members(of: group) == [
                "5f3a9c1e-0d2b-4e8a-9b7c-61a2f4e8d0c3", "9e1b7d44-3c6a-4f2e-8d15-27b0c9a4e6f1",
            ])
        #expect(SCIMResource.displayName(group) == "Harbor Pilots")
        let bare = try SCIMResource.normalizedGroup(
            try SCIMFixtures.object(text: #"{"DisplayName":"G","Members":["u1",{"Value":"u2"}]}"#))
        #expect(JSONValue.object(bare) == ["displayName": "G", "members": [["value": "u1"], ["value": "u2"]]])
    }

    @Test(arguments: [
        (#"{}"#, "displayName is required"), (#"{"displayName":""}"#, "displayName is required"),
        // A PATCH refuses an array for a single-valued attribute in the same words.
        (#"{"displayName":[]}"#, "'displayName' takes a single value, not array"),
    ])
    func groupWithoutDisplayNameIsRefused(_ text: String, _ detail: String) throws {
        let error = try #require(throws: SCIMError.self) {
            try SCIMResource.normalizedGroup(try SCIMFixtures.object(text: text))
        }
        #expect(error.scimType == .invalidValue)
        #expect(error.detail == detail)
    }

    @Test func typedReadsOfTheEnterpriseUser() throws {
        let user = try SCIMFixtures.object("user-enterprise")
        #expect(SCIMResource.userName(user) == "lin.ortega@example.net")
        #expect(SCIMResource.id(user) == "5f3a9c1e-0d2b-4e8a-9b7c-61a2f4e8d0c3")
        #expect(SCIMResource.externalId(user) == "EMP-40172")
        #expect(SCIMResource.externalID(user) == "EMP-40172")
        #expect(SCIMResource.displayName(user) == "Lin Ortega")
        #expect(SCIMResource.givenName(user) == "Lin")
        #expect(SCIMResource.familyName(user) == "Ortega")
        #expect(SCIMResource.active(user) == true)
        #expect(SCIMResource.primaryEmail(user) == "lin.ortega@example.net")
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
