import SCIMKit
import Testing

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

@Suite struct AttributePathTests {
    @Test(arguments: [
        ("userName", "userName"),
        ("USERNAME", "userName"),
        ("name.givenName", "name.givenName"),
        ("Name.GivenName", "name.givenName"),
        ("\(enterprise):department", "\(enterprise):department"),
        ("\(enterprise):Manager.Value", "\(enterprise):manager.value"),
        (enterprise, enterprise),
        ("urn:ietf:params:scim:schemas:extension:Enterprise:2.0:user", enterprise),
        (#"emails[type eq "work"]"#, #"emails[type eq "work"]"#),
        (#"emails[type eq "work"].value"#, #"emails[type eq "work"].value"#),
        (#"addresses[type eq "work"].streetAddress"#, #"addresses[type eq "work"].streetAddress"#),
        (#"members[value eq"2819c223...919d-413861904646"]"#, #"members[value eq "2819c223...919d-413861904646"]"#),
        (#"emails[type eq "work" and value ew "example.com"]"#, #"emails[type eq "work" and value ew "example.com"]"#),
        (#"  members  "#, "members"),
        ("urn:acme:custom:1.0:User:badge.number", "urn:acme:custom:1.0:User:badge.number"),
        ("members.$ref", "members.$ref"),
    ])
    func parsesPathToCanonicalForm(_ text: String, _ canonical: String) throws {
        let path = try AttributePath.parse(text)
        #expect(path.description == canonical)
        #expect(try AttributePath.parse(path.description) == path)
    }

    @Test func splitsAValuePathIntoItsParts() throws {
        let path = try AttributePath.parse(#"\#(enterprise):manager.value"#)
        #expect(path.schemaURN == enterprise)
        #expect(path.attribute == "manager")
        #expect(path.subAttribute == "value")
        #expect(path.valueFilter == nil)
        let filtered = try AttributePath.parse(#"emails[type eq "work"].value"#)
        #expect(filtered.attribute == "emails")
        #expect(filtered.subAttribute == "value")
        #expect(filtered.valueFilter == .comparison(AttributePath(attribute: "type"), .eq, .string("work")))
    }

    @Test(arguments: [
        ("", "empty path", 0),
        ("name.givenName.x", "one sub-attribute level", 14),
        (#"emails[type eq "work"]value"#, "unexpected text after the path", 22),
        (#"emails[type eq "work"] .value"#, "no space is allowed before '.'", 23),
        (#"emails [type eq "work"]"#, "no space is allowed before '['", 7),
        (#"emails[type eq "work""#, "missing ']'", 21),
        (#"emails[type eq "work" or 1 eq 1].value"#, "must start with a letter", 25),
        (#"emails.value[type eq "work"]"#, "not a sub-attribute", 12),
        (#"emails[type eq "work"].1x"#, "must start with a letter", 23),
        (#"\#(enterprise)[value eq "x"]"#, "schema urn cannot take a value filter", enterprise.count),
        ("1abc", "must start with a letter", 0),
        ("(members)", "expected an attribute name", 0),
        (#"emails[]"#, "empty value filter", 7),
    ])
    func refusesBadPathWithInvalidPath(_ text: String, _ fragment: String, _ offset: Int) throws {
        let error = try #require(throws: SCIMError.self) { try AttributePath.parse(text) }
        #expect(error.scimType == .invalidPath)
        let lines = error.detail.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.contains(fragment) == true, "\(error.detail)")
        #expect(lines.first?.hasSuffix("at offset \(offset)") == true, "\(error.detail)")
    }

    @Test func readsValuesAtPaths() throws {
        let user = try SCIMFixtures.object("user-enterprise")
        func values(_ text: String) throws -> [JSONValue] {
            user.values(at: try AttributePath.parse(text), type: .user)
        }
        #expect(try values(#"emails[type eq "work"].value"#) == ["lin.ortega@example.net"])
        #expect(try values(#"Emails[TYPE eq "WORK"].Value"#) == ["lin.ortega@example.net"])
        #expect(try values("name.givenName") == ["Lin"])
        #expect(try values("emails.value") == ["lin.ortega@example.net", "linny@ortega.example"])
        #expect(try values("emails").count == 2)
        #expect(try values("\(enterprise):manager.value") == ["a7d1e3f0-6b2c-4d8e-9f10-3c5b7a9d1e2f"])
        #expect(try values("\(enterprise):department") == ["Marine Operations"])
        #expect(try values("urn:ietf:params:scim:schemas:core:2.0:User:userName") == ["lin.ortega@example.net"])
        #expect(try values(#"addresses[type eq "work"].streetAddress"#) == ["12 Quay Street"])
        #expect(try values(#"phoneNumbers[type eq "fax"].value"#).isEmpty)
        #expect(try values("entitlements").isEmpty)
        #expect(try values(enterprise).count == 1)
    }

    @Test func readsABareManagerIdThroughManagerValue() throws {
        let user = try SCIMFixtures.object(text: #"{"\#(enterprise)": {"manager": "boss-1"}}"#)
        #expect(user.values(at: try AttributePath.parse("\(enterprise):manager.value"), type: .user) == ["boss-1"])
    }

    @Test func readsUnknownExtensionsAsData() throws {
        let user = try SCIMFixtures.object(
            text: #"{"schemas": ["urn:acme:ext:User"], "urn:acme:ext:User": {"badge": {"number": 7}}}"#)
        #expect(user.values(at: try AttributePath.parse("urn:acme:ext:User:badge.number"), type: .user) == [7])
        #expect(user.values(at: try AttributePath.parse("urn:acme:ext:User"), type: .user).count == 1)
    }
}
