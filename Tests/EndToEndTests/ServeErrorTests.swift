import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// The endpoint's refusals: SCIM error bodies with `scimType`, the bearer token, bounded bodies,
/// and a policy that turns an operation off.
@Suite(.serialized) struct ServeErrorTests {
    static let errorURN = "urn:ietf:params:scim:api:messages:2.0:Error"

    static func user(_ userName: String) -> JSONValue {
        ["schemas": [.string(ServeProviderTests.userURN)], "userName": .string(userName), "active": true]
    }

    static func encoded(_ filter: String) -> String {
        filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    @Test func refusalsAreSCIMErrorsWithTheirType() async throws {
        let server = try ServeHarness()
        #expect(try await server.send("POST", "/Users", body: Self.user("dup@example.com")).status == 201)

        let duplicate = try await server.send("POST", "/Users", body: Self.user("DUP@example.com"))
        #expect(duplicate.status == 409)
        #expect(duplicate.object["scimType"] == "uniqueness")
        #expect(duplicate.object["status"] == "409")
        #expect(duplicate.object["schemas"] == [.string(Self.errorURN)])

        let unknown = try await server.send("GET", "/Users/no-such-id")
        #expect(unknown.status == 404)
        #expect(unknown.object["schemas"] == [.string(Self.errorURN)])

        let badFilter = try await server.send("GET", "/Users?filter=" + Self.encoded("userName eq"))
        #expect(badFilter.status == 400)
        #expect(badFilter.object["scimType"] == "invalidFilter")

        let missing = try await server.send("POST", "/Users", body: ["schemas": [.string(ServeProviderTests.userURN)]])
        #expect(missing.status == 400)
        #expect(missing.object["scimType"] == "invalidValue")

        let notJSON = try await server.send("POST", "/Users", rawBody: Data("{\"userName\":".utf8))
        #expect(notJSON.status == 400)
        #expect(notJSON.object["scimType"] == "invalidSyntax")

        let large = try await server.send(
            "POST", "/Users", rawBody: Data(repeating: UInt8(ascii: " "), count: (1 << 20) + 10))
        #expect(large.status == 413)

        let groupA = try await server.send("POST", "/Groups", body: ["displayName": "Same Name"])
        #expect(groupA.status == 201)
        let groupB = try await server.send("POST", "/Groups", body: ["displayName": "Same Name"])
        #expect(groupB.status != 409, "a group displayName is not unique")
        #expect(server.stop() == 0)

        // Refused requests are in the history as skipped or failed, and in the log with their status.
        let statuses = try server.logRecords().compactMap { $0["status"] }
        #expect(statuses.contains(409))
        #expect(statuses.contains(413))
    }

    @Test func aMissingOrWrongTokenIsRefusedAndNeverLogged() async throws {
        let server = try ServeHarness()
        let none = try await server.send("GET", "/Users", token: nil)
        #expect(none.status == 401)
        #expect(none.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        let wrong = try await server.send("GET", "/Users", token: "test-token-0123456789abcdeX")
        #expect(wrong.status == 401)
        let right = try await server.send(
            "POST", "/Users",
            body: [
                "userName": "pw@example.com", "password": "Secret-Passw0rd!",
                "schemas": [.string(ServeProviderTests.userURN)],
            ])
        #expect(right.status == 201)
        #expect(right.object["password"] == nil)
        let id = try #require(right.object["id"]?.stringValue)
        _ = try await server.send(
            "PATCH", "/Users/\(id)",
            body: ServeProviderTests.patch([["op": "replace", "path": "password", "value": "Other-Passw0rd!"]]))
        #expect(server.stop() == 0)
        for file in server.logFiles {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains(ServeHarness.token))
            #expect(!text.contains("Passw0rd"))
            #expect(!text.lowercased().contains("authorization"))
        }
        #expect(!server.stderr.contains(ServeHarness.token))
    }

    @Test func aTokenFileOthersCanReadIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory("serve-token")
        let tokenFile = directory + "/token"
        FileManager.default.createFile(
            atPath: tokenFile, contents: Data("open-token-0123456789abcdef".utf8),
            attributes: [.posixPermissions: 0o644])
        let result = try BinaryRunner(directory: directory).run([
            "serve", "--listen", "127.0.0.1:0", "--app", "X", "--token-file", tokenFile, "--store",
            directory + "/s.sqlite",
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("chmod 600"))
        #expect(!result.stderr.contains("open-token"))
    }

    @Test func aTurnedOffCreateIsRefusedAndRecordedAsSkipped() async throws {
        let directory = try Fixtures.temporaryDirectory("serve-policy")
        try Fixtures.write(
            """
            version: 1
            name: entra-serve
            app: Azure AD
            inputs:
              - path: unused.jsonl
                format: scim-log
            policy:
              create: false
            """, to: directory + "/job.yml")
        let server = try ServeHarness(directory: directory, arguments: ["--job", "job.yml"])
        let refused = try await server.send("POST", "/Users", body: Self.user("new@example.com"))
        #expect(refused.status == 403)
        #expect(refused.object["detail"]?.stringValue?.contains("create is turned off") == true)
        #expect(server.stop() == 0)
        let report = try BinaryRunner(directory: directory).run([
            "report", "--store", server.store, "--status", "skipped", "--format", "json",
        ])
        let events = try JSONParser.parse(report.stdout).objectValue?["events"]?.arrayValue ?? []
        #expect(events.count == 1)
        #expect(events.first?.objectValue?["reason"]?.stringValue?.hasPrefix("policy.create-disabled") == true)
    }

    @Test func deactivationDeletesWhenThePolicySaysSo() async throws {
        let directory = try Fixtures.temporaryDirectory("serve-delete")
        try Fixtures.write(
            """
            version: 1
            name: entra-serve
            app: Azure AD
            inputs:
              - path: unused.jsonl
                format: scim-log
            policy:
              delete_deactivated: true
            """, to: directory + "/job.yml")
        let server = try ServeHarness(directory: directory, arguments: ["--job", "job.yml"])
        let created = try await server.send("POST", "/Users", body: Self.user("gone@example.com"))
        let id = try #require(created.object["id"]?.stringValue)
        let off = try await server.send(
            "PATCH", "/Users/\(id)",
            body: ServeProviderTests.patch([["op": "Replace", "path": "active", "value": "False"]]))
        #expect(off.status == 200)
        #expect(off.object["active"] == false)
        #expect(try await server.send("GET", "/Users/\(id)").status == 404)
        #expect(server.stop() == 0)
        let users = try BinaryRunner(directory: directory).run(["users", "--store", server.store, "--format", "json"])
        #expect(try JSONParser.parse(users.stdout).objectValue?["users"] == [])
    }
}
