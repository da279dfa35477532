import SCIMKit
import Testing

/// What Entra ID and Okta actually send, beyond the RFC examples.
@Suite struct PatchDialectTests {
    let enterprise = Patch.enterprise
    let user: JSONObject

    init() throws {
        user = try SCIMFixtures.object(
            text: """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "id": "u1", "userName": "alice@example.com", "active": true,
                 "name": {"givenName": "Alice", "familyName": "Smith"},
                 "emails": [{"value": "alice@home.example", "type": "home", "primary": true}],
                 "phoneNumbers": [{"value": "555-1", "type": "mobile"}, {"value": "555-2", "type": "work"}]}
                """)
    }

    @Test(arguments: ["Replace", "REPLACE", "replace", "rePlace"])
    func operationNamesAreCaseInsensitive(_ name: String) throws {
        let result = try Patch.apply(Patch.operation(#"{"op":"\#(name)","path":"displayName","value":"A"}"#), to: user)
        #expect(result["displayName"] == "A")
    }

    @Test func operationsKeyAndMemberNamesInAnyCase() throws {
        let result = try Patch.apply(#"{"operations":[{"OP":"add","Path":"title","Value":"Boss"}]}"#, to: user)
        #expect(result["title"] == "Boss")
    }

    @Test(arguments: [(#""False""#, false), (#""false""#, false), (#""TRUE""#, true), ("true", true), ("false", false)])
    func activeTakesBooleansAndBooleanStrings(_ literal: String, _ expected: Bool) throws {
        let result = try Patch.apply(
            Patch.operation(#"{"op":"Replace","path":"active","value":\#(literal)}"#), to: user)
        #expect(result["active"] == .bool(expected))
    }

    @Test(arguments: [#""yes""#, "0", "1", #""""#, #""t""#, "{}", "[true]"])
    func activeRefusesAnythingElse(_ literal: String) throws {
        let error = try Patch.error(Patch.operation(#"{"op":"replace","path":"active","value":\#(literal)}"#), on: user)
        #expect(error.scimType == .invalidValue)
    }

    @Test func oktaDeactivatesWithAPathlessReplace() throws {
        let result = try Patch.apply(Patch.operation(#"{"op":"replace","value":{"active":false}}"#), to: user)
        #expect(result["active"] == false)
    }

    @Test func pathlessReplaceWithDottedAndURNQualifiedKeys() throws {
        let body = Patch.operation(
            #"""
            {"op":"Replace","value":{"name.givenName":"Alicia","NAME.FAMILYNAME":"Jones",
             "\#(enterprise):department":"Sales","\#(enterprise):manager":"boss-1",
             "emails[type eq \"work\"].value":"alice@work.example","active":"False"}}
            """#)
        let result = try Patch.apply(body, to: user)
        #expect(try Patch.values("name.givenName", in: result) == ["Alicia"])
        #expect(try Patch.values("name.familyName", in: result) == ["Jones"])
        #expect(try Patch.values("\(enterprise):department", in: result) == ["Sales"])
        #expect(try Patch.values("\(enterprise):manager", in: result) == [["value": "boss-1"]])
        #expect(try Patch.values(#"emails[type eq "work"].value"#, in: result) == ["alice@work.example"])
        #expect(result["active"] == false)
        #expect(result["schemas"]?.arrayValue?.contains(.string(enterprise)) == true)
    }

    @Test func pathlessAddWithAnExtensionObjectInPascalCase() throws {
        let body = Patch.operation(
            #"{"op":"Add","value":{"\#(enterprise)":{"Department":"Ops","Manager":{"Value":"m-1"}}}}"#)
        let result = try Patch.apply(body, to: user)
        let extensionObject = try #require(result[enterprise]?.objectValue)
        #expect(extensionObject.keys.sorted() == ["department", "manager"])
        #expect(extensionObject["manager"] == ["value": "m-1"])
    }

    @Test func filteredSubAttributeReplaceCreatesTheMissingValue() throws {
        let body = Patch.operation(
            #"{"op":"Replace","path":"emails[type eq \"work\"].value","value":"a@work.example"}"#)
        let result = try Patch.apply(body, to: user)
        #expect(try Patch.values(#"emails[type eq "work"].value"#, in: result) == ["a@work.example"])
        #expect(try Patch.values("emails", in: result).count == 2)
    }

    @Test func filteredSubAttributeAddUpdatesTheExistingValueInPlace() throws {
        let body = Patch.operation(#"{"op":"Add","path":"phoneNumbers[type eq \"work\"].value","value":"555-9"}"#)
        let result = try Patch.apply(body, to: user)
        #expect(try Patch.values("phoneNumbers.value", in: result) == ["555-1", "555-9"])
    }

    @Test func filteredCreationSeedsEveryEqualityOfTheFilter() throws {
        let body = Patch.operation(
            #"{"op":"replace","path":"emails[type eq \"work\" and primary eq true].value","value":"w@x"}"#)
        let result = try Patch.apply(body, to: user)
        #expect(
            try Patch.values(#"emails[type eq "work"]"#, in: result) == [
                ["type": "work", "primary": true, "value": "w@x"]
            ])
        // The new primary wins: the home address is no longer primary.
        #expect(try Patch.values("emails[primary eq true].value", in: result) == ["w@x"])
    }

    @Test func filterThatNamesNoSingleValueIsNoTarget() throws {
        let body = Patch.operation(#"{"op":"replace","path":"emails[value co \"nothing\"].type","value":"work"}"#)
        let error = try Patch.error(body, on: user)
        #expect(error.scimType == .noTarget)
    }

    @Test func multiValuedAddMergesAndKeepsOnePrimary() throws {
        let body = Patch.operation(
            #"""
            {"op":"add","path":"emails","value":[
              {"value":"ALICE@home.example","type":"home"},
              {"value":"new@example.com","type":"work","primary":"True"}]}
            """#)
        let result = try Patch.apply(body, to: user)
        let emails = try Patch.values("emails", in: result)
        #expect(emails.count == 2)
        #expect(try Patch.values("emails[primary eq true].value", in: result) == ["new@example.com"])
        #expect(try Patch.values(#"emails[type eq "home"].primary"#, in: result) == [false])
    }

    @Test func removingAFilteredSubAttributeKeepsTheValuesLabels() throws {
        let body = Patch.operation(#"{"op":"Remove","path":"phoneNumbers[type eq \"mobile\"].value"}"#)
        let result = try Patch.apply(body, to: user)
        #expect(
            try Patch.values("phoneNumbers", in: result) == [["type": "mobile"], ["value": "555-2", "type": "work"]])
    }

    @Test func removeOfAbsentValueChangesNothing() throws {
        let body = Patch.operation(#"{"op":"remove","path":"emails[type eq \"other\"]"}"#)
        #expect(try Patch.apply(body, to: user) == user)
    }

    @Test(arguments: [
        #""boss-2""#, #"{"value":"boss-2"}"#, #"{"Value":"boss-2"}"#, #"[{"value":"boss-2"}]"#, #"["boss-2"]"#,
    ])
    func managerTakesABareIdAnObjectOrAOneElementArray(_ literal: String) throws {
        let body = Patch.operation(#"{"op":"Add","path":"\#(enterprise):manager","value":\#(literal)}"#)
        let result = try Patch.apply(body, to: user)
        #expect(result[enterprise]?.objectValue?["manager"] == ["value": "boss-2"])
    }

    @Test func managerReplaceDropsTheOldManagersDisplayName() throws {
        var resource = user
        resource[enterprise] = [
            "manager": ["value": "old", "displayName": "Old Boss", "$ref": "https://x/Users/old"]
        ]
        let body = Patch.operation(#"{"op":"Replace","path":"\#(enterprise):manager","value":"new"}"#)
        let result = try Patch.apply(body, to: resource)
        #expect(result[enterprise]?.objectValue?["manager"] == ["value": "new"])
    }

    @Test func managerValuePathAndEmptyIdRemoval() throws {
        let set = Patch.operation(#"{"op":"replace","path":"\#(enterprise):manager.value","value":"m-9"}"#)
        let withManager = try Patch.apply(set, to: user)
        #expect(try Patch.values("\(enterprise):manager.value", in: withManager) == ["m-9"])
        let clear = Patch.operation(#"{"op":"Replace","path":"\#(enterprise):manager","value":""}"#)
        let cleared = try Patch.apply(clear, to: withManager)
        #expect(try Patch.values("\(enterprise):manager", in: cleared).isEmpty)
        let remove = Patch.operation(#"{"op":"Remove","path":"\#(enterprise):manager","value":[{"value":"m-9"}]}"#)
        #expect(try Patch.values("\(enterprise):manager", in: try Patch.apply(remove, to: withManager)).isEmpty)
    }

    @Test func managerWithSeveralValuesIsInvalid() throws {
        let body = Patch.operation(#"{"op":"add","path":"\#(enterprise):manager","value":["a","b"]}"#)
        #expect(try Patch.error(body, on: user).scimType == .invalidValue)
    }

    @Test func unqualifiedEnterpriseNameReachesTheExtension() throws {
        let result = try Patch.apply(Patch.operation(#"{"op":"add","path":"employeeNumber","value":"42"}"#), to: user)
        #expect(result[enterprise]?.objectValue?["employeeNumber"] == "42")
        #expect(result["employeeNumber"] == nil)
    }

    @Test func removingUserNameIsAMutabilityError() throws {
        let error = try Patch.error(Patch.operation(#"{"op":"remove","path":"userName"}"#), on: user)
        #expect(error.scimType == .mutability)
        #expect(error.detail.contains("userName"))
    }

    @Test(arguments: [#""""#, #""   ""#, "null", "5", #"["x"]"#])
    func blankingUserNameIsAnInvalidValue(_ literal: String) throws {
        let error = try Patch.error(
            Patch.operation(#"{"op":"replace","path":"userName","value":\#(literal)}"#), on: user)
        #expect(error.scimType == .invalidValue)
        let pathless = try Patch.error(Patch.operation(#"{"op":"replace","value":{"userName":\#(literal)}}"#), on: user)
        #expect(pathless.scimType == .invalidValue)
    }

    @Test func removeWithoutPathIsNoTarget() throws {
        #expect(try Patch.error(Patch.operation(#"{"op":"remove"}"#), on: user).scimType == .noTarget)
    }

    @Test func pathlessValueMustBeAnObject() throws {
        #expect(try Patch.error(Patch.operation(#"{"op":"add","value":"x"}"#), on: user).scimType == .invalidValue)
    }

    @Test func badPathIsInvalidPathAndInjectionIsRefused() throws {
        for path in [#"emails[type eq \"work\" or 1 eq 1].value"#, "name..givenName", #"emails[type eq \"work\""#] {
            let error = try #require(throws: SCIMError.self) {
                try PatchRequest(json: try SCIMFixtures.parse(Patch.operation(#"{"op":"remove","path":"\#(path)"}"#)))
            }
            #expect(error.scimType == .invalidPath)
            #expect(error.detail.hasPrefix("operation 1: "))
        }
    }

    @Test func subAttributeOfASimpleAttributeIsInvalidPath() throws {
        let error = try Patch.error(Patch.operation(#"{"op":"add","path":"userName.first","value":"x"}"#), on: user)
        #expect(error.scimType == .invalidPath)
    }

    @Test func aFailingOperationAppliesNothing() throws {
        let body = """
            {"Operations":[{"op":"replace","path":"displayName","value":"Changed"},
                           {"op":"replace","path":"title","value":"Changed"},
                           {"op":"remove","path":"userName"}]}
            """
        let original = user
        let error = try Patch.error(body, on: user)
        #expect(error.detail.hasPrefix("operation 3: "))
        #expect(user == original)
        #expect(user["displayName"] == nil)
    }

    @Test func passwordIsNeverStored() throws {
        let body = """
            {"Operations":[{"op":"replace","value":{"password":"hunter2","title":"T"}},
                           {"op":"add","path":"PASSWORD","value":"hunter3"},
                           {"op":"add","path":"\(enterprise):password","value":"hunter4"}]}
            """
        let result = try Patch.apply(body, to: user)
        #expect(result["title"] == "T")
        #expect(result["password"] == nil)
        #expect(result[enterprise]?.objectValue?["password"] == nil)
    }

    @Test func readOnlyIdRepeatedIsIgnoredButChangedIsRefused() throws {
        let group = try SCIMFixtures.object(text: #"{"id":"g1","displayName":"Old","members":[]}"#)
        let rename = Patch.operation(#"{"op":"replace","value":{"id":"g1","displayName":"New"}}"#)
        #expect(try Patch.apply(rename, to: group, type: .group)["displayName"] == "New")
        let change = Patch.operation(#"{"op":"replace","path":"id","value":"g2"}"#)
        #expect(try Patch.error(change, on: group, type: .group).scimType == .mutability)
        let meta = Patch.operation(#"{"op":"remove","path":"meta"}"#)
        #expect(try Patch.error(meta, on: group, type: .group).scimType == .mutability)
    }

    @Test func unknownExtensionsAreKeptAsData() throws {
        let body = """
            {"Operations":[{"op":"add","path":"urn:acme:params:ext:1.0:User:badge","value":"B-7"},
                           {"op":"add","value":{"urn:acme:params:other:1.0:User":{"Floor":3}}}]}
            """
        let result = try Patch.apply(body, to: user)
        #expect(result["urn:acme:params:ext:1.0:User"] == ["badge": "B-7"])
        #expect(result["urn:acme:params:other:1.0:User"] == ["Floor": 3])
        #expect(result["schemas"]?.arrayValue?.contains("urn:acme:params:other:1.0:User") == true)
    }

    @Test func addingNullOrAnEmptyListAddsNothingWhileReplacingClears() throws {
        let addEmpty = Patch.operation(#"{"op":"add","path":"phoneNumbers","value":[]}"#)
        #expect(try Patch.apply(addEmpty, to: user) == user)
        let addNull = Patch.operation(#"{"op":"add","path":"name.givenName","value":null}"#)
        #expect(try Patch.apply(addNull, to: user) == user)
        let replaceEmpty = Patch.operation(#"{"op":"replace","path":"phoneNumbers","value":[]}"#)
        #expect(try Patch.apply(replaceEmpty, to: user)["phoneNumbers"] == nil)
        let replaceNull = Patch.operation(#"{"op":"replace","path":"name.givenName","value":null}"#)
        #expect(try Patch.apply(replaceNull, to: user)["name"] == ["familyName": "Smith"])
    }

    @Test func readOnlyMembersOfAPathlessValueAreIgnored() throws {
        let body = Patch.operation(
            #"{"op":"replace","value":{"id":"other","meta":{"created":"2020-01-01T00:00:00Z"},"title":"T"}}"#)
        let result = try Patch.apply(body, to: user)
        #expect(result["id"] == "u1")
        #expect(result["meta"] == nil)
        #expect(result["title"] == "T")
    }

    @Test func customExtensionAttributesInCapitalsStayAttributes() throws {
        let urn = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User"
        let body = """
            {"Operations":[{"op":"Add","path":"\(urn):EmployeeID","value":"E-1"},
                           {"op":"Add","value":{"\(urn):CostCode":"C-9"}}]}
            """
        let result = try Patch.apply(body, to: user)
        #expect(result[urn] == ["EmployeeID": "E-1", "CostCode": "C-9"])
        #expect(try Patch.values("\(urn):employeeid", in: result) == ["E-1"])
    }

    @Test func removingTheLastExtensionAttributeRemovesTheExtension() throws {
        let add = Patch.operation(#"{"op":"add","path":"\#(enterprise):department","value":"Ops"}"#)
        let withDepartment = try Patch.apply(add, to: user)
        #expect(withDepartment[enterprise] == ["department": "Ops"])
        let remove = Patch.operation(#"{"op":"remove","path":"\#(enterprise):department"}"#)
        #expect(try Patch.apply(remove, to: withDepartment)[enterprise] == nil)
    }

}
