import SCIMKit
import Testing

/// A PATCH result is normalised member by member against the stored user it came from; the
/// answer must be exactly the one normalising the whole resource gives, for every stored user
/// and every user PATCH the fixtures hold, and for patches written to touch the awkward members.
@Suite struct IncrementalNormalizationTests {
    static let users = [
        "user-minimal", "user-full", "user-enterprise", "user-create-request", "entra-post-enterprise-user-pascalcase",
        "entra-post-enterprise-user-two-work-emails", "entra-post-user-active-string", "entra-post-user-other-email",
    ]
    static let patchFixtures = [
        "entra-patch-active-false", "entra-patch-work-email-and-manager", "okta-patch-deactivate",
        "patch-add-without-path", "patch-remove-email-by-two-tests", "patch-replace-without-path",
        "patch-replace-work-address", "patch-replace-work-street",
    ]
    static let enterprise = SCIMSchema.enterpriseUserURN
    static let writtenPatches = [
        #"[{"op": "replace", "path": "title", "value": "Lead"}]"#,
        #"[{"op": "Replace", "path": "\#(enterprise):department", "value": "Finance"}]"#,
        #"[{"op": "remove", "path": "\#(enterprise):department"}, {"op": "remove", "path": "\#(enterprise)"}]"#,
        #"[{"op": "add", "path": "emails", "value": [{"value": "x@example.com", "type": "work", "primary": "True"}]}]"#,
        #"[{"op": "replace", "path": "ACTIVE", "value": "False"}]"#,
        #"[{"op": "add", "value": {"nickName": "Bo", "urn:ietf:params:scim:schemas:core:2.0:User:title": "CTO"}}]"#,
        #"[{"op": "add", "path": "\#(enterprise):manager", "value": "boss-7"}]"#,
        #"[{"op": "remove", "path": "name.givenName"}, {"op": "add", "path": "name.familyName", "value": "Ng"}]"#,
        #"[{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "w@example.com"}]"#,
    ]

    static func patches() throws -> [PatchRequest] {
        try patchFixtures.map { try PatchRequest(json: try SCIMFixtures.json($0)) }
            + writtenPatches.map { try PatchRequest(json: try SCIMFixtures.parse($0)) }
    }

    @Test(arguments: users)
    func normalisingANormalFormGivesItBack(_ name: String) throws {
        let stored = try SCIMResource.normalizedUser(try SCIMFixtures.object(name))
        #expect(try SCIMResource.normalizedUser(stored) == stored)
        #expect(try SCIMResource.normalizedUser(stored, unchangedFrom: stored) == stored)
    }

    @Test(arguments: users)
    func aPatchedUserNormalisesAsTheWholeResourceWould(_ name: String) throws {
        var stored = try SCIMResource.normalizedUser(try SCIMFixtures.object(name))
        stored["id"] = .string("u-1")
        var compared = 0
        for patch in try Self.patches() {
            guard let patched = try? PatchApplier.apply(patch, to: stored, type: .user) else { continue }
            let whole = Result { try SCIMResource.normalizedUser(patched) }
            let incremental = Result { try SCIMResource.normalizedUser(patched, unchangedFrom: stored) }
            switch (whole, incremental) {
            case (.success(let expected), .success(let got)):
                #expect(got == expected, "\(name), \(patch)")
            case (.failure(let expected), .failure(let got)):
                #expect("\(got)" == "\(expected)", "\(name), \(patch)")
            default:
                Issue.record("\(name), \(patch): whole \(whole), incremental \(incremental)")
            }
            compared += 1
        }
        #expect(compared >= 10, "only \(compared) patches applied to \(name)")
    }
}
