import SCIMKit
import Testing

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

@Suite struct FilterEvaluationTests {
    let user: JSONObject
    let group: JSONObject

    init() throws {
        user = try SCIMFixtures.object("rfc7643-8.3-enterprise-user")
        group = try SCIMFixtures.object("rfc7643-8.4-group")
    }

    func matches(_ text: String, _ resource: JSONObject? = nil, type: SCIMResourceType = .user) throws -> Bool {
        try SCIMFilter.parse(text).matches(resource ?? user, type: type)
    }

    @Test(arguments: [
        (#"userName eq "bjensen@example.com""#, true),
        (#"userName eq "BJENSEN@EXAMPLE.COM""#, true),  // userName is not caseExact
        (#"id eq "2819C223-7F76-453A-919D-413861904646""#, false),  // id is caseExact
        (#"id eq "2819c223-7f76-453a-919d-413861904646""#, true),
        (#"externalId eq "701984""#, true),
        (#"name.familyName co "ense""#, true),
        (#"name.FAMILYNAME sw "jen""#, true),
        (#"name.familyName ew "SEN""#, true),
        (#"name.familyName ew "x""#, false),
        ("title pr", true),
        ("nickname pr", true),
        ("password pr", true),
        ("entitlements pr", false),
        (#"userType eq "Employee" and title pr"#, true),
        (#"userType eq "Intern" or title pr"#, true),
        (#"userType eq "Intern" or title eq "x""#, false),
        (#"not (userType eq "Intern")"#, true),
        (#"userType ne "Intern""#, true),
        (#"userType ne "employee""#, false),
        (#"emails[type eq "work" and value co "@example.com"]"#, true),
        (#"emails[type eq "home" and primary eq true]"#, false),
        (#"emails[type eq "work" and primary eq true]"#, true),
        (#"emails[type eq "work" and primary eq "True"]"#, true),
        (#"emails co "jensen.org""#, true),  // a multi-valued complex compares its values
        (#"emails.value ew "@jensen.org""#, true),
        (#"emails.type eq "home""#, true),
        (#"emails.type eq "other""#, false),
        (#"emails.value ne "babs@jensen.org""#, false),  // ne: no value equals
        (#"meta.lastModified gt "2011-05-13T04:42:33Z""#, true),
        (#"meta.lastModified gt "2011-05-13T04:42:34Z""#, false),
        (#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true),
        (#"meta.lastModified lt "2011-05-13T06:42:34+02:00""#, false),  // the same instant
        (#"meta.lastModified eq "2011-05-13T06:42:34.000+02:00""#, true),
        (#"meta.created lt "2011-01-01T00:00:00Z""#, true),
        (#"userName gt "a""#, true),
        (#"userName lt "a""#, false),
        ("active eq true", true),
        ("active ne true", false),
        ("active eq false", false),
        (#"active eq "true""#, true),
        ("nickName eq null", false),
        ("entitlements eq null", true),
        ("entitlements ne null", false),
        (#"\#(enterprise):department eq "tour operations""#, true),
        (#"\#(enterprise):manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#, true),
        (#"\#(enterprise):employeeNumber gt "70""#, true),
        (#"department eq "Tour Operations""#, true),  // an enterprise-only name resolves there
        (#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjensen""#, true),
        (#"schemas eq "\#(enterprise)""#, true),
        (#"groups[display eq "employees"]"#, true),
        (#"groups.display co "US""#, true),
        (#"x509Certificates pr"#, true),
    ])
    func evaluatesFilterOnTheEnterpriseUser(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text) == expected)
    }

    @Test func groupMembersMatchByValue() throws {
        #expect(try matches(#"members[value eq "902c246b-6245-4190-8e05-00816be7344a"]"#, group, type: .group))
        #expect(try matches(#"members.display sw "mandy""#, group, type: .group))
        #expect(try !matches(#"members[value eq "nobody"]"#, group, type: .group))
        #expect(try matches(#"displayName eq "tour guides""#, group, type: .group))
    }

    @Test func numbersCompareNumerically() throws {
        let resource = try SCIMFixtures.object(
            text: #"{"age": 30, "score": -1500, "big": 123456789012345678901234567890}"#)
        #expect(try matches("age gt 9", resource))
        #expect(try matches("age eq 30.0", resource))
        #expect(try matches("score eq -1.5e3", resource))
        #expect(try matches("big gt 123456789012345678901234567889", resource))
        #expect(try !matches("big eq 123456789012345678901234567891", resource))
        #expect(try !matches(#"age eq "thirty""#, resource))
    }

    @Test func presenceIsFalseForNullEmptyStringAndEmptyArray() throws {
        let resource = try SCIMFixtures.object(
            text: #"{"a": null, "b": "", "c": [], "d": [null], "e": {}, "f": "x", "g": 0, "h": false}"#)
        for name in ["a", "b", "c", "d", "e", "missing"] {
            #expect(try !matches("\(name) pr", resource), "\(name)")
        }
        for name in ["f", "g", "h"] {
            #expect(try matches("\(name) pr", resource), "\(name)")
        }
    }

    @Test func booleanAttributeNeverOrders() throws {
        let resource = try SCIMFixtures.object(text: #"{"active": true}"#)
        #expect(try !matches(#"active gt "a""#, resource))
        #expect(try !matches(#"active co "t""#, resource))
    }

    @Test func datesInUnknownAttributesCompareAsInstants() throws {
        let resource = try SCIMFixtures.object(text: #"{"hired": "2019-09-18T18:15:26.5788954+00:00"}"#)
        #expect(try matches(#"hired gt "2019-09-18T20:15:26.5+02:00""#, resource))
        #expect(try matches(#"hired lt "2019-09-18T18:15:26.57889541Z""#, resource))
    }

    @Test func caseExactSubAttributesRespectCase() throws {
        let resource = try SCIMFixtures.object(text: #"{"photos": [{"value": "https://x/Photo", "type": "photo"}]}"#)
        #expect(try !matches(#"photos[value eq "https://x/photo"]"#, resource))
        #expect(try matches(#"photos[value eq "https://x/Photo" and type eq "PHOTO"]"#, resource))
    }

    @Test func entraPascalCaseKeysMatchCaseInsensitively() throws {
        let resource = try SCIMFixtures.object("entra-refcode-post-enterprise-user-pascalcase-keys")
        #expect(try matches(#"emails[primary eq true and value eq "TESTING@bob2.com"]"#, resource))
        #expect(try !matches(#"emails[primary eq true and type eq "home"]"#, resource))
        #expect(try matches(#"\#(enterprise):manager.value eq "suzzyq""#, resource))
        #expect(try matches(#"\#(enterprise):department eq "BOB""#, resource))
    }
}
