import SCIMKit
import SCIMReconTestSupport
import Testing

@testable import SCIMReconCore

/// A PATCH result mapped against the user it came from computes again only the entries that
/// read a changed member; the attributes (and any failure) must be exactly those of mapping the
/// whole resource, for every fixture user and patch, under a mapping that uses every feature.
@Suite struct IncrementalMappingTests {
    static let enterprise = SCIMSchema.enterpriseUserURN

    static func mapping() throws -> Mapping {
        Mapping(
            entries: Mapping.default.entries + [
                try MappingEntry(local: "email", from: ["emails[type eq \"work\"].value", "emails"]),
                try MappingEntry(local: "department", from: ["\(enterprise):department"]),
                try MappingEntry(local: "manager", from: ["\(enterprise):manager.value"]),
                try MappingEntry(local: "login", from: ["userName"], transforms: [.trim, .lower]),
                try MappingEntry(local: "label", from: ["title", "nickName"], combine: .join(" / ")),
                try MappingEntry(
                    local: "displayName", from: ["displayName"], defaultTemplate: "{givenName} {familyName}"),
                try MappingEntry(local: "card", defaultTemplate: "{displayName} <{email}> {enabled}"),
                try MappingEntry(local: "enabled", from: ["active"]),
                try MappingEntry(local: "scimID", from: ["id"]),
                try MappingEntry(
                    local: "badge", from: ["urn:example:params:scim:schemas:extension:acme:2.0:User:badge"]),
            ])
    }

    static let users = [
        "user-minimal", "user-full", "user-enterprise", "user-create-request", "entra-post-enterprise-user-pascalcase",
        "entra-post-enterprise-user-two-work-emails", "entra-post-user-active-string", "entra-post-user-other-email",
    ]
    static let patches = [
        #"[{"op": "replace", "path": "title", "value": "Lead"}]"#,
        #"[{"op": "remove", "path": "title"}, {"op": "add", "path": "nickName", "value": "Bo"}]"#,
        #"[{"op": "Replace", "path": "\#(enterprise):department", "value": "Finance"}]"#,
        #"[{"op": "remove", "path": "\#(enterprise)"}]"#,
        #"[{"op": "add", "path": "\#(enterprise):manager", "value": "boss-7"}]"#,
        #"[{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "w@example.com"}]"#,
        #"[{"op": "remove", "path": "emails"}]"#,
        #"[{"op": "replace", "path": "active", "value": "False"}]"#,
        #"[{"op": "remove", "path": "displayName"}, {"op": "replace", "path": "name.givenName", "value": "Jo"}]"#,
        #"[{"op": "replace", "path": "userName", "value": "  NEW@Example.com "}]"#,
        #"[{"op": "replace", "path": "userName", "value": ""}]"#,
        #"[{"op": "add", "value": {"urn:example:params:scim:schemas:extension:acme:2.0:User:badge": "B-1"}}]"#,
        #"[{"op": "add", "value": {"nickName": "Zed", "title": "CTO", "externalId": "x-9"}}]"#,
    ]

    @Test(arguments: users)
    func aPatchedUserMapsAsTheWholeResourceWould(_ name: String) throws {
        let mapping = try Self.mapping()
        var stored = try SCIMResource.normalizedUser(try SCIMFixtures.object(name))
        stored["id"] = .string("u-1")
        let before = try Reconciler.prepareUser(stored, mapping: mapping).attributes
        var compared = 0
        for text in Self.patches {
            let patch = try PatchRequest(json: try JSONParser.parse(text))
            guard let patched = try? PatchApplier.apply(patch, to: stored, type: .user) else { continue }
            let whole = Result { () throws(IngestError) in try Reconciler.prepareUser(patched, mapping: mapping) }
            let incremental = Result { () throws(IngestError) in
                try Reconciler.prepareUser(
                    patched, mapping: mapping, unchangedFrom: stored, previousAttributes: before)
            }
            switch (whole, incremental) {
            case (.success(let expected), .success(let got)):
                #expect(got.attributes == expected.attributes, "\(name), \(text)")
                #expect(got.resource == expected.resource && got.active == expected.active, "\(name), \(text)")
            case (.failure(let expected), .failure(let got)):
                #expect(got.reason == expected.reason, "\(name), \(text)")
            default:
                Issue.record("\(name), \(text): whole \(whole), incremental \(incremental)")
            }
            compared += 1
        }
        #expect(compared >= 10, "only \(compared) patches applied to \(name)")
    }

    @Test func onlyTheEntriesThatReadAChangedMemberAreComputedAgain() throws {
        let mapping = try Self.mapping()
        var stored = try SCIMResource.normalizedUser(try SCIMFixtures.object("user-enterprise"))
        stored["id"] = .string("u-1")
        var before = try Reconciler.prepareUser(stored, mapping: mapping).attributes
        // Marked values show which entries were taken over rather than computed.
        before["department"] = "kept"
        before["login"] = "kept"
        before["label"] = "kept"
        let patch = try PatchRequest(
            json: try JSONParser.parse(#"[{"op": "replace", "path": "title", "value": "Lead"}]"#))
        let patched = try PatchApplier.apply(patch, to: stored, type: .user)
        let got = try Reconciler.prepareUser(
            patched, mapping: mapping, unchangedFrom: stored, previousAttributes: before
        ).attributes
        #expect(got["department"] == "kept" && got["login"] == "kept", "untouched entries were computed: \(got)")
        #expect(got["label"]?.hasPrefix("Lead") == true, "the entry reading title was not computed: \(got)")
    }

    @Test func entriesThatReadWhatTheRunSetsItselfAreAlwaysComputed() throws {
        #expect(try MappingEntry(local: "a", from: ["id"]).resourceMembers == nil)
        #expect(try MappingEntry(local: "a", from: ["active"]).resourceMembers == nil)
        #expect(try MappingEntry(local: "a", from: ["urn:example:x:2.0:User:badge"]).resourceMembers == nil)
        #expect(
            try MappingEntry(local: "a", from: ["name.givenName", "emails"]).resourceMembers == ["name", "emails"])
        #expect(
            try MappingEntry(local: "a", from: ["\(Self.enterprise):manager.value"]).resourceMembers
                == [Self.enterprise.lowercased()])
    }
}

/// The fixtures the SCIMKit tests read, parsed.
enum SCIMFixtures {
    static func object(_ name: String) throws -> JSONObject {
        try #require(try JSONParser.parse(try Fixtures.scimExample(name)).objectValue)
    }
}

extension IncrementalMappingTests {
    /// The run remembers which users it mapped itself in bounded memory: past the limit it starts
    /// again, and a user it forgot is mapped whole (the same attributes, more work).
    @Test func theUsersMappedThisRunAreBounded() {
        var mapped = MappedUsers()
        for index in 0..<MappedUsers.limit { mapped.insert(UserRef(app: "App", id: "u-\(index)")) }
        #expect(mapped.count == MappedUsers.limit)
        #expect(mapped.contains(UserRef(app: "App", id: "u-0")))
        // Inserting one it holds changes nothing; one more starts again from that one.
        mapped.insert(UserRef(app: "App", id: "u-7"))
        #expect(mapped.count == MappedUsers.limit)
        mapped.insert(UserRef(app: "App", id: "u-new"))
        #expect(mapped.count == 1)
        #expect(mapped.contains(UserRef(app: "App", id: "u-new")))
        #expect(!mapped.contains(UserRef(app: "App", id: "u-0")))
        mapped.remove(UserRef(app: "App", id: "u-new"))
        #expect(mapped.count == 0)
    }
}
