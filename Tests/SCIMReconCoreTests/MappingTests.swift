import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

@testable import SCIMReconCore

/// A SCIM payload of the repository's own fixtures (`Tests/SCIMKitTests/Fixtures`).
private func fixture(_ name: String) throws -> JSONObject {
    try #require(try JSONParser.parse(try Fixtures.scimExample(name)).objectValue)
}

private func object(_ text: String) throws -> JSONObject {
    try #require(try JSONParser.parse(Array(text.utf8)).objectValue)
}

/// A mapping of `userName` plus the given entries.
private func mapping(_ entries: MappingEntry...) throws -> Mapping {
    Mapping(entries: [try MappingEntry(local: "userName", from: ["userName"])] + entries)
}

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

@Suite struct MappingTests {
    @Test func defaultMappingReadsAFullCoreUser() throws {
        let attributes = try Mapping.default.apply(to: try fixture("user-full"))
        #expect(
            attributes.values == [
                "userName": "lin.ortega@example.net", "externalId": "EMP-40172", "displayName": "Lin Ortega",
                "givenName": "Lin", "familyName": "Ortega", "email": "lin.ortega@example.net", "active": "true",
            ])
        #expect(attributes.userName == "lin.ortega@example.net")
        #expect(attributes.active == true)
    }

    @Test func defaultMappingReadsEntrasPascalCaseUser() throws {
        let attributes = try Mapping.default.apply(
            to: try fixture("entra-post-enterprise-user-pascalcase"))
        #expect(attributes.userName == "PascalUser31")
        #expect(attributes["givenName"] == "Pia")
        #expect(attributes["familyName"] == "Castell")
        #expect(attributes.email == "pascal.primary@example.org")  // "Primary": true, PascalCase
        #expect(attributes.active == true)
    }

    @Test func mapsEnterpriseAttributesGivenInPascalCase() throws {
        let mapping = try mapping(
            try MappingEntry(local: "department", from: ["\(enterprise):department"]),
            try MappingEntry(local: "department2", from: ["department"]),
            try MappingEntry(local: "manager", from: ["\(enterprise):manager.value"]),
            try MappingEntry(local: "managerWhole", from: ["\(enterprise):manager"]))
        let attributes = try mapping.apply(to: try fixture("entra-post-enterprise-user-pascalcase"))
        #expect(attributes["department"] == "Dredging")
        #expect(attributes["department2"] == "Dredging")
        #expect(attributes["manager"] == "HarborBoss")
        #expect(attributes["managerWhole"] == "HarborBoss")
    }

    @Test func coercesAStringActiveFromEntra() throws {
        let attributes = try Mapping.default.apply(to: try fixture("entra-post-user-active-string"))
        #expect(attributes["active"] == "true")
    }

    @Test func prefersThePrimaryAmongTwoWorkEmails() throws {
        let user = try fixture("entra-post-enterprise-user-two-work-emails")
        #expect(try Mapping.default.apply(to: user).email == "joana.okafor@example.com")
    }

    @Test(arguments: [
        (#"[{"value":"h@x","type":"home"},{"value":"w@x","type":"work"},{"value":"p@x","primary":"True"}]"#, "p@x"),
        (#"[{"value":"h@x","type":"home"},{"value":"w@x","type":"Work"}]"#, "w@x"),
        (#"[{"value":"h@x","type":"home"},{"value":"o@x","type":"other"}]"#, "h@x"),
        (#"[]"#, nil),
    ])
    func picksTheEmailPrimaryThenWorkThenFirst(_ emails: String, _ expected: String?) throws {
        let user = try object(#"{"userName":"u","emails":\#(emails)}"#)
        #expect(try Mapping.default.apply(to: user).email == expected)
    }

    @Test func leavesAbsentAttributesOut() throws {
        let attributes = try Mapping.default.apply(to: try fixture("user-minimal"))
        #expect(attributes.values == ["userName": "lin.ortega@example.net"])
        #expect(attributes.active == nil)
    }

    @Test func readsAValueFilterPath() throws {
        let mapping = try mapping(try MappingEntry(local: "home", from: [#"emails[type eq "home"].value"#]))
        #expect(try mapping.apply(to: try fixture("user-full"))["home"] == "linny@ortega.example")
    }

    @Test func writesNumbersAsTheirLiteralAndUnknownObjectsAsJSON() throws {
        let user = try object(#"{"userName":"u","urn:acme:1.0:User":{"level":7.50,"badge":{"b":1,"a":"x"}}}"#)
        let mapping = try mapping(
            try MappingEntry(local: "level", from: ["urn:acme:1.0:User:level"]),
            try MappingEntry(local: "badge", from: ["urn:acme:1.0:User:badge"]))
        let attributes = try mapping.apply(to: user)
        #expect(attributes["level"] == "7.50")
        #expect(attributes["badge"] == #"{"a":"x","b":1}"#)
    }

    @Test(arguments: [
        (Transform.lower, "  Bjensen@Example.COM ", "  bjensen@example.com "),
        (.upper, "bjensen", "BJENSEN"),
        (.trim, " \t bjensen \n", "bjensen"),
        (.stripSpaces, " b jen\tsen ", "bjensen"),
        (.normalizeDiacritics, "Zoë Åberg-Núñez", "Zoe Aberg-Nunez"),
        (.left(3), "bjensen", "bje"),
        (.left(30), "bjensen", "bjensen"),
        (.prefix("x-"), "bjensen", "x-bjensen"),
        (.suffix("-ext"), "bjensen", "bjensen-ext"),
    ])
    func appliesEachTransform(_ transform: Transform, _ input: String, _ output: String) {
        #expect(transform.apply(to: input) == output)
    }

    @Test func replacesWithARegexAndGroups() throws {
        let domain = try ReplaceRule(pattern: #"@old\.com$"#, with: "@new.com")
        #expect(domain.apply(to: "a@old.com") == "a@new.com")
        #expect(domain.apply(to: "a@old.com.au") == "a@old.com.au")
        let swap = try ReplaceRule(pattern: #"^(\w+)\.(\w+)@.*$"#, with: "$2, $1")
        #expect(swap.apply(to: "barbara.jensen@example.com") == "jensen, barbara")
    }

    @Test func refusesABadRegex() {
        #expect(throws: MappingError(attribute: "", message: "bad regular expression '(['")) {
            try ReplaceRule(pattern: "([", with: "")
        }
    }

    @Test func runsTransformsInOrder() throws {
        let mapping = try mapping(
            try MappingEntry(local: "login", from: ["userName"], transforms: [.trim, .lower, .prefix("X-")]),
            try MappingEntry(local: "login2", from: ["userName"], transforms: [.prefix("X-"), .lower]))
        let attributes = try mapping.apply(to: try object(#"{"userName":" BJensen "}"#))
        #expect(attributes["login"] == "X-bjensen")
        #expect(attributes["login2"] == "x- bjensen ")
    }

    @Test func fillsADefaultTemplateFromOtherLocalAttributes() throws {
        let mapping = try mapping(
            try MappingEntry(local: "displayName", from: ["displayName"], defaultTemplate: "{givenName} {familyName}"),
            try MappingEntry(local: "givenName", from: ["name.givenName"]),
            try MappingEntry(local: "familyName", from: ["name.familyName"], transforms: [.upper]))
        let named = try object(
            #"{"userName":"u","displayName":"Babs","name":{"givenName":"Barbara","familyName":"Jensen"}}"#)
        let unnamed = try object(#"{"userName":"u","name":{"givenName":"Barbara","familyName":"Jensen"}}"#)
        let partial = try object(#"{"userName":"u","name":{"familyName":"Jensen"}}"#)
        let none = try object(#"{"userName":"u"}"#)
        #expect(try mapping.apply(to: named)["displayName"] == "Babs")
        #expect(try mapping.apply(to: unnamed)["displayName"] == "Barbara JENSEN")
        #expect(try mapping.apply(to: partial)["displayName"] == "JENSEN")
        #expect(try mapping.apply(to: none)["displayName"] == nil)
    }

    @Test func evaluatesTemplatesAfterTheTemplatesTheyName() throws {
        let mapping = try mapping(
            try MappingEntry(local: "mail", defaultTemplate: "{login}@example.com"),
            try MappingEntry(local: "login", transforms: [.lower], defaultTemplate: "{userName}"),
            try MappingEntry(local: "braces", defaultTemplate: "{{literal}} {userName}"))
        try mapping.validate()
        let attributes = try mapping.apply(to: try object(#"{"userName":"BJensen"}"#))
        #expect(attributes["mail"] == "bjensen@example.com")
        #expect(attributes["braces"] == "{literal} BJensen")
    }

    @Test func fallsBackToTheDefaultWhenTransformsLeaveNothing() throws {
        let mapping = try mapping(
            try MappingEntry(local: "title", from: ["title"], transforms: [.trim], defaultTemplate: "Unassigned"))
        #expect(try mapping.apply(to: try object(#"{"userName":"u","title":"   "}"#))["title"] == "Unassigned")
        #expect(try mapping.apply(to: try object(#"{"userName":"u","title":" Guide "}"#))["title"] == "Guide")
    }

    @Test func coalescesToTheFirstNonEmptyPath() throws {
        let mapping = try mapping(
            try MappingEntry(local: "name", from: ["nickName", "displayName", "userName"], combine: .coalesce))
        #expect(try mapping.apply(to: try object(#"{"userName":"u","nickName":"","displayName":"D"}"#))["name"] == "D")
        #expect(try mapping.apply(to: try object(#"{"userName":"u"}"#))["name"] == "u")
    }

    @Test func joinsTheNonEmptyPathsWithTheSeparator() throws {
        let mapping = try mapping(
            try MappingEntry(
                local: "fullName", from: ["name.givenName", "name.middleName", "name.familyName"], combine: .join(" "),
                transforms: [.upper]))
        let user = try fixture("user-full")
        #expect(try mapping.apply(to: user)["fullName"] == "LIN MAE ORTEGA")
        #expect(try mapping.apply(to: try object(#"{"userName":"u","name":{"familyName":"J"}}"#))["fullName"] == "J")
    }

    @Test func failsARecordWhoseUserNameMapsToNothing() throws {
        let mapping = try mapping()
        #expect(throws: MappingError(attribute: "userName", message: "mapped userName is empty")) {
            try mapping.apply(to: try object(#"{"userName":"  ","displayName":"x"}"#))
        }
        #expect(throws: MappingError(attribute: "userName", message: "mapped userName is empty")) {
            try mapping.apply(to: try object(#"{"displayName":"x"}"#))
        }
    }

    @Test func failsARecordWhoseActiveIsNotABoolean() throws {
        #expect(throws: MappingError(attribute: "active", message: "mapped active is not a boolean")) {
            try Mapping.default.apply(to: try object(#"{"userName":"u","active":"maybe"}"#))
        }
        #expect(try Mapping.default.apply(to: try object(#"{"userName":"u","active":"No"}"#)).active == false)
        #expect(try Mapping.default.apply(to: try object(#"{"userName":"u","active":"FALSE"}"#))["active"] == "false")
    }

    @Test(arguments: [("Enabled", "true"), (" disabled ", "false"), ("YES", "true"), ("0", "false")])
    func readsAMappedActiveWithTheTextLeniencyOfSCIMKit(_ word: String, _ expected: String) throws {
        let user = try object(#"{"userName":"u","active":"\#(word)"}"#)
        #expect(try Mapping.default.apply(to: user)["active"] == expected)
        #expect(SCIMBoolean.parse(word, leniency: .text).map { $0 ? "true" : "false" } == expected)
    }

    @Test func skipsAnEmailWhoseValueWasRemovedWhenPickingThePreferredOne() throws {
        let user = try object(
            #"{"userName":"u","emails":[{"type":"work","primary":true},{"value":"h@x","type":"home"}]}"#)
        #expect(try Mapping.default.apply(to: user).email == "h@x")
        let onlyLabels = try object(#"{"userName":"u","emails":[{"type":"work","primary":true}]}"#)
        #expect(try Mapping.default.apply(to: onlyLabels).email == nil)
    }

    @Test func refusesATemplateThatNamesAnUnknownAttributeOrItself() throws {
        let unknown = try mapping(try MappingEntry(local: "x", defaultTemplate: "{nope}"))
        #expect(throws: MappingError(attribute: "x", message: "template names unknown attribute 'nope'")) {
            try unknown.validate()
        }
        let circle = try mapping(
            try MappingEntry(local: "a", defaultTemplate: "{b}"), try MappingEntry(local: "b", defaultTemplate: "{a}"))
        #expect(throws: MappingError(attribute: "a", message: "template of 'a' depends on itself")) {
            try circle.validate()
        }
    }

    @Test(arguments: ["{", "a}", "{}", "x {a"])
    func refusesAMalformedTemplate(_ template: String) {
        #expect(throws: MappingError.self) { try MappingEntry(local: "x", defaultTemplate: template) }
    }

    @Test func reparsesPathsSetAfterwards() throws {
        var mapping = try mapping(try MappingEntry(local: "x", from: ["title"]))
        mapping.entries[1].from = ["nickName"]
        #expect(try mapping.apply(to: try fixture("user-full"))["x"] == "Linny")
    }

    @Test func appliesTransformsWrittenInAJobFile() throws {
        let yaml = """
            version: 1
            name: t
            app: a
            inputs: [{ path: x }]
            mapping:
              login: { from: userName, transform: [trim, lower, { replace: { pattern: "@.*$", with: "" } }, { left: 6 }] }
              mail: { from: emails, transform: { replace: { pattern: "(?i)@example\\\\.net$", with: "@corp.example" } } }
              code: { from: userName, transform: [upper, { prefix: "u-" }, { suffix: "-1" }] }
              name: { coalesce: [nickName, displayName] }
              full: { join: { from: [name.givenName, name.familyName], separator: ", " } }
              plain: { from: [title, userType] }
              displayName: { from: displayName, default: "{givenName} {familyName}" }
            """
        let job = try JobLoader.parse(yaml: yaml, path: "t.yml")
        let attributes = try job.mapping.apply(to: try fixture("user-full"))
        #expect(attributes["login"] == "lin.or")
        #expect(attributes["mail"] == "lin.ortega@corp.example")
        #expect(attributes["code"] == "u-LIN.ORTEGA@EXAMPLE.NET-1")
        #expect(attributes["name"] == "Linny")
        #expect(attributes["full"] == "Lin, Ortega")
        #expect(attributes["plain"] == "Harbor Pilot")
        #expect(attributes["displayName"] == "Lin Ortega")
    }

    @Test func diffListsOnlyChangedAttributesByName() {
        let old = LocalAttributes(["userName": "b", "email": "old@x", "title": "t", "active": "true"])
        let new = LocalAttributes(["userName": "b", "email": "new@x", "department": "d", "active": "true"])
        #expect(
            new.diff(from: old) == [
                AttributeChange(attribute: "department", old: nil, new: "d"),
                AttributeChange(attribute: "email", old: "old@x", new: "new@x"),
                AttributeChange(attribute: "title", old: "t", new: nil),
            ])
        #expect(new.diff(from: new).isEmpty)
    }

    @Test func treatsAnEmptyValueAsAbsent() {
        var attributes = LocalAttributes(["userName": "u"])
        attributes["title"] = ""
        #expect(attributes.values == ["userName": "u"])
    }
}
