import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// `scimrecon serve` as Entra ID and Okta drive it: the real binary on a loopback port, a real
/// HTTP client, the real SQLite store and request log.
@Suite(.serialized) struct ServeProviderTests {
    static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let patchURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    static func entraUser(_ userName: String, externalID: String) -> JSONValue {
        [
            "schemas": [.string(userURN), .string(enterpriseURN)],
            "externalId": .string(externalID),
            "userName": .string(userName),
            "active": true,
            "displayName": "Alice Wong",
            "emails": [["primary": true, "type": "work", "value": .string(userName)]],
            "name": ["formatted": "Alice Wong", "familyName": "Wong", "givenName": "Alice"],
            .init(stringLiteral: enterpriseURN): ["department": "Marketing"],
        ]
    }

    static func patch(_ operations: [JSONValue]) -> JSONValue {
        ["schemas": [.string(patchURN)], "Operations": .array(operations)]
    }

    @Test func entraTestConnectionOnARandomUserNameIsAnEmptyList() async throws {
        let server = try ServeHarness()
        let probe = "\"\(UUID().uuidString.lowercased())\""
        let answer = try await server.send(
            "GET", "/Users?filter=userName+eq+\(probe.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type")?.hasPrefix("application/scim+json") == true)
        #expect(answer.object["totalResults"] == 0)
        #expect(answer.object["Resources"] == [])
        #expect(answer.object["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
        #expect(server.stop() == 0)
    }

    @Test func entraProvisionsUpdatesDeactivatesGroupsAndDeletesAUser() async throws {
        let server = try ServeHarness()
        let filter =
            "/Users?filter=" + "userName eq \"alice@contoso.com\"".addingPercentEncoding(
                withAllowedCharacters: .alphanumerics)!
        #expect(try await server.send("GET", filter).object["totalResults"] == 0)

        let created = try await server.send(
            "POST", "/Users", body: Self.entraUser("alice@contoso.com", externalID: "a-1"))
        #expect(created.status == 201)
        let id = try #require(created.object["id"]?.stringValue)
        let meta = try #require(created.object["meta"]?.objectValue)
        #expect(meta["resourceType"] == "User")
        #expect(meta["created"]?.stringValue != nil)
        #expect(meta["lastModified"]?.stringValue != nil)
        #expect(meta["version"]?.stringValue?.hasPrefix("W/") == true)
        #expect(meta["location"]?.stringValue?.hasSuffix("/scim/v2/Users/\(id)") == true)
        #expect(created.header("Location") == meta["location"]?.stringValue)

        let upper =
            "/Users?filter=" + "userName eq \"ALICE@contoso.com\"".addingPercentEncoding(
                withAllowedCharacters: .alphanumerics)!
        let found = try await server.send("GET", upper)
        #expect(found.object["totalResults"] == 1, "userName is matched case-insensitively")

        // Entra's dialect: capitalised ops, a no-path replace with dotted and URN keys.
        let patched = try await server.send(
            "PATCH", "/Users/\(id)",
            body: Self.patch([
                ["op": "Replace", "path": "displayName", "value": "Alicia Wong"],
                [
                    "op": "Replace",
                    "value": [
                        "name.givenName": "Alicia", .init(stringLiteral: "\(Self.enterpriseURN):department"): "Sales",
                    ],
                ],
            ]))
        #expect(patched.status == 200)
        #expect(patched.object["displayName"] == "Alicia Wong")
        #expect(patched.object["name"]?.objectValue?["givenName"] == "Alicia")
        #expect(patched.object[Self.enterpriseURN]?.objectValue?["department"] == "Sales")

        let deactivated = try await server.send(
            "PATCH", "/Users/\(id)", body: Self.patch([["op": "Replace", "path": "active", "value": "False"]]))
        #expect(deactivated.status == 200)
        #expect(deactivated.object["active"] == false)

        let group = try await server.send(
            "POST", "/Groups",
            body: [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sales EMEA",
                "externalId": "g-1", "members": [],
            ])
        #expect(group.status == 201)
        let groupID = try #require(group.object["id"]?.stringValue)
        let added = try await server.send(
            "PATCH", "/Groups/\(groupID)",
            body: Self.patch([["op": "Add", "path": "members", "value": [["value": .string(id)]]]]))
        #expect(added.status == 200)
        #expect(added.object["members"]?.arrayValue?.first?.objectValue?["value"] == .string(id))
        let byMember = try await server.send(
            "GET",
            "/Groups?excludedAttributes=members&filter="
                + "members.value eq \"\(id)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
        #expect(byMember.object["totalResults"] == 1)
        #expect(byMember.object["Resources"]?.arrayValue?.first?.objectValue?["members"] == nil)
        let removed = try await server.send(
            "PATCH", "/Groups/\(groupID)",
            body: Self.patch([["op": "Remove", "path": .string("members[value eq \"\(id)\"]")]]))
        #expect(removed.status == 200)
        #expect(removed.object["members"] == [])

        let deleted = try await server.send("DELETE", "/Users/\(id)")
        #expect(deleted.status == 204)
        #expect(try await server.send("GET", "/Users/\(id)").status == 404)
        #expect(server.stop() == 0)

        // What happened is in the history, each event naming its request-log line.
        let runner = BinaryRunner(directory: server.directory)
        let report = try runner.run(["report", "--store", server.store, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let events = try JSONParser.parse(report.stdout).objectValue?["events"]?.arrayValue ?? []
        let actions = events.compactMap { $0.objectValue?["action"]?.stringValue }
        #expect(actions == ["create", "update", "disable", "group-create", "member-add", "member-remove", "disable"])
        let logFile = try #require(server.logFiles.first)
        for event in events {
            let source = event.objectValue?["source"]?.stringValue ?? ""
            #expect(source.hasPrefix(logFile + ":"), "\(source)")
        }
    }

    @Test func oktaPagesPutsAndDeactivates() async throws {
        let server = try ServeHarness(app: "Okta")
        let empty = try await server.send("GET", "/Users?startIndex=1&count=2")
        #expect(empty.status == 200)
        #expect(empty.object["totalResults"] == 0)
        var ids: [String] = []
        for name in ["carol", "alice", "bob"] {
            let answer = try await server.send(
                "POST", "/Users",
                body: [
                    "schemas": [.string(Self.userURN)], "userName": .string("\(name)@example.com"),
                    "name": ["givenName": .string(name.capitalized), "familyName": "Okta"], "active": true,
                    "emails": [["value": .string("\(name)@example.com"), "primary": true, "type": "work"]],
                ])
            #expect(answer.status == 201)
            ids.append(try #require(answer.object["id"]?.stringValue))
        }
        let first = try await server.send("GET", "/Users?startIndex=1&count=2")
        #expect(first.object["totalResults"] == 3)
        #expect(first.object["itemsPerPage"] == 2)
        let second = try await server.send("GET", "/Users?startIndex=3&count=2")
        #expect(second.object["itemsPerPage"] == 1)
        let names = (first.object["Resources"]!.arrayValue! + second.object["Resources"]!.arrayValue!).compactMap {
            $0.objectValue?["userName"]?.stringValue
        }
        #expect(names == ["alice@example.com", "bob@example.com", "carol@example.com"], "a stable order")

        let put = try await server.send(
            "PUT", "/Users/\(ids[0])",
            body: [
                "schemas": [.string(Self.userURN)], "id": .string(ids[0]), "userName": "carol@example.com",
                "name": ["givenName": "Caroline", "familyName": "Okta"], "active": true,
            ])
        #expect(put.status == 200)
        #expect(put.object["name"]?.objectValue?["givenName"] == "Caroline")

        let off = try await server.send(
            "PATCH", "/Users/\(ids[0])", body: Self.patch([["op": "replace", "value": ["active": false]]]))
        #expect(off.status == 200)
        #expect(off.object["active"] == false)
        #expect(server.stop() == 0)

        let users = try BinaryRunner(directory: server.directory).run([
            "users", "--store", server.store, "--format", "json",
        ])
        let carol = try JSONParser.parse(users.stdout).objectValue?["users"]?.arrayValue?.first {
            $0.objectValue?["userName"] == "carol@example.com"
        }
        #expect(carol?.objectValue?["active"] == false)
        #expect(carol?.objectValue?["givenName"] == "Caroline")
        #expect(carol?.objectValue?["app"] == "Okta")
    }

    @Test func discoveryEndpointsDescribeWhatIsServed() async throws {
        let server = try ServeHarness()
        let config = try await server.send("GET", "/ServiceProviderConfig")
        #expect(config.status == 200)
        #expect(config.object["patch"]?.objectValue?["supported"] == true)
        let schemas = try await server.send("GET", "/Schemas")
        let ids = schemas.object["Resources"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
        #expect(Set(ids) == [Self.userURN, Self.enterpriseURN, "urn:ietf:params:scim:schemas:core:2.0:Group"])
        let types = try await server.send("GET", "/ResourceTypes")
        #expect(types.object["totalResults"] == 2)
        let bare = try await server.send("GET", "/Users", root: true)
        #expect(bare.status == 200, "the bare base path serves the same endpoint")
        #expect(server.stop() == 0)
    }
}
