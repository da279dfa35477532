import SCIMKit
import Testing

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

@Suite struct FilterEvaluationTests {
    let user: JSONObject
    let group: JSONObject

    init() throws {
        user = try SCIMFixtures.object("user-enterprise")
        group = try SCIMFixtures.object("group")
    }

    func matches(_ text: String, _ resource: JSONObject? = nil, type: SCIMResourceType = .user) throws -> Bool {
        try SCIMFilter.parse(text).matches(resource ?? user, type: type)
    }

    @Test(arguments: [
        (#"userName eq "lin.ortega@example.net""#, true),
        (#"userName eq "LIN.ORTEGA@EXAMPLE.NET""#, true),  // userName is not caseExact
        (#"id eq "5F3A9C1E-0D2B-4E8A-9B7C-61A2F4E8D0C3""#, false),  // id is caseExact
        (#"id eq "5f3a9c1e-0d2b-4e8a-9b7c-61a2f4e8d0c3""#, true),
        (#"externalId eq "EMP-40172""#, true),
        (#"name.familyName co "rteg""#, true),
        (#"name.FAMILYNAME sw "ort""#, true),
        (#"name.familyName ew "EGA""#, true),
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
        (#"emails[type eq "work" and value co "@example.net"]"#, true),
        (#"emails[type eq "home" and primary eq true]"#, false),
        (#"emails[type eq "work" and primary eq true]"#, true),
        (#"emails[type eq "work" and primary eq "True"]"#, true),
        (#"emails co "ortega.example""#, true),  // a multi-valued complex compares its values
        (#"emails.value ew "@ortega.example""#, true),
        (#"emails.type eq "home""#, true),
        (#"emails.type eq "other""#, false),
        (#"emails.value ne "linny@ortega.example""#, false),  // ne: no value equals
        (#"meta.lastModified gt "2024-06-30T17:45:09Z""#, true),
        (#"meta.lastModified gt "2024-06-30T17:45:10Z""#, false),
        (#"meta.lastModified ge "2024-06-30T17:45:10Z""#, true),
        (#"meta.lastModified lt "2024-06-30T19:45:10+02:00""#, false),  // the same instant
        (#"meta.lastModified eq "2024-06-30T19:45:10.000+02:00""#, true),
        (#"meta.created lt "2020-01-01T00:00:00Z""#, true),
        (#"userName gt "a""#, true),
        (#"userName lt "a""#, false),
        ("active eq true", true),
        ("active ne true", false),
        ("active eq false", false),
        (#"active eq "true""#, true),
        ("nickName eq null", false),
        ("entitlements eq null", true),
        ("entitlements ne null", false),
        (#"\#(enterprise):department eq "marine operations""#, true),
        (#"\#(enterprise):manager.value eq "a7d1e3f0-6b2c-4d8e-9f10-3c5b7a9d1e2f""#, true),
        (#"\#(enterprise):employeeNumber gt "40""#, true),
        (#"department eq "Marine Operations""#, true),  // an enterprise-only name resolves there
        (#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "lin.ortega""#, true),
        (#"schemas eq "\#(enterprise)""#, true),
        (#"groups[display eq "employees"]"#, true),
        (#"groups.display co "WA""#, true),
        (#"x509Certificates pr"#, true),
    ])
    func evaluatesFilterOnTheEnterpriseUser(_ text: String, _ expected: Bool) throws {
        #expect(try matches(text) == expected)
    }

    @Test func groupMembersMatchByValue() throws {
        #expect(try matches(#"members[value eq "9e1b7d44-3c6a-4f2e-8d15-27b0c9a4e6f1"]"#, group, type: .group))
        #expect(try matches(#"members.display sw "mara""#, group, type: .group))
        #expect(try !matches(#"members[value eq "nobody"]"#, group, type: .group))
        #expect(try matches(#"displayName eq "harbor pilots""#, group, type: .group))
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
        let resource = try SCIMFixtures.object("entra-post-enterprise-user-pascalcase")
        #expect(try matches(#"emails[primary eq true and value eq "PASCAL.PRIMARY@example.org"]"#, resource))
        #expect(try !matches(#"emails[primary eq true and type eq "home"]"#, resource))
        #expect(try matches(#"\#(enterprise):manager.value eq "harborboss""#, resource))
        #expect(try matches(#"\#(enterprise):department eq "DREDGING""#, resource))
    }
}
