import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// The request log as the audit trail (replayable, on disk before each answer) and the endpoint
/// beside a cron job on the same store.
@Suite(.serialized) struct ServeReliabilityTests {
    /// Users and groups as `users`/`groups --format json` print them, without what only the
    /// endpoint keeps (`scim.meta`).
    static func state(store: String, directory: String) throws -> (users: [JSONValue], groups: [JSONValue]) {
        let runner = BinaryRunner(directory: directory)
        let users = try runner.run(["users", "--store", store, "--format", "json"])
        let groups = try runner.run(["groups", "--store", store, "--format", "json"])
        let userList = try JSONParser.parse(users.stdout).objectValue?["users"]?.arrayValue ?? []
        let groupList = try JSONParser.parse(groups.stdout).objectValue?["groups"]?.arrayValue ?? []
        return (
            userList.map { user in
                var object = user.objectValue ?? JSONObject()
                object["scim"] = nil
                return .object(object)
            },
            groupList
        )
    }

    /// A small provider session: users, a group with members, updates and deprovisions.
    static func provision(_ server: ServeHarness) async throws {
        var ids: [String] = []
        for index in 0..<6 {
            let created = try await server.send(
                "POST", "/Users",
                body: [
                    "schemas": [.string(ServeProviderTests.userURN)], "userName": .string("user\(index)@example.com"),
                    "externalId": .string("e-\(index)"), "name": ["givenName": .string("User \(index)")],
                    "emails": [["value": .string("user\(index)@example.com"), "type": "work"]], "active": true,
                ])
            #expect(created.status == 201)
            ids.append(try #require(created.object["id"]?.stringValue))
        }
        let group = try await server.send(
            "POST", "/Groups",
            body: ["displayName": "Engineering", "members": [["value": .string(ids[0])], ["value": .string(ids[1])]]])
        let groupID = try #require(group.object["id"]?.stringValue)
        _ = try await server.send(
            "PATCH", "/Groups/\(groupID)",
            body: ServeProviderTests.patch([["op": "add", "path": "members", "value": [["value": .string(ids[2])]]]]))
        _ = try await server.send(
            "PATCH", "/Users/\(ids[3])",
            body: ServeProviderTests.patch([["op": "Replace", "path": "active", "value": "False"]]))
        _ = try await server.send(
            "PATCH", "/Users/\(ids[4])",
            body: ServeProviderTests.patch([["op": "replace", "path": "name.givenName", "value": "Renamed"]]))
        _ = try await server.send("DELETE", "/Users/\(ids[5])")
        _ = try await server.send("POST", "/Users", body: ["userName": .string("user0@example.com")])  // 409
    }

    @Test func theRequestLogReplaysIntoAFreshStoreToTheSameUsersAndGroups() async throws {
        let server = try ServeHarness()
        try await Self.provision(server)
        #expect(server.stop() == 0)
        let replayed = server.directory + "/replayed.sqlite"
        let runner = BinaryRunner(directory: server.directory)
        for file in server.logFiles {
            let result = try runner.run(["import", file, "--app", "Azure AD", "--store", replayed])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let served = try Self.state(store: server.store, directory: server.directory)
        let fromLog = try Self.state(store: replayed, directory: server.directory)
        #expect(served.users.count == 6)
        #expect(served.users == fromLog.users)
        #expect(served.groups == fromLog.groups)

        // Replayed into the store that served it, every record is recognised as applied.
        let again = try runner.run(["import", server.logFiles[0], "--app", "Azure AD", "--store", server.store])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.state(store: server.store, directory: server.directory).users == served.users)
    }

    @Test func everyAnsweredRequestIsInTheLogAfterKillDashNine() async throws {
        let server = try ServeHarness()
        let created = try await server.send("POST", "/Users", body: ServeErrorTests.user("durable@example.com"))
        let id = try #require(created.object["id"]?.stringValue)
        // Concurrent PATCHes, each with a marker; the server is killed while they are in flight.
        let answered = Answered()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let answer = try? await server.send(
                        "PATCH", "/Users/\(id)",
                        body: ServeProviderTests.patch([
                            ["op": "replace", "path": "displayName", "value": .string("marker-\(index)")]
                        ]))
                    if answer?.status == 200 { answered.add("marker-\(index)") }
                }
            }
            group.addTask {
                while answered.count < 20 { try? await Task.sleep(nanoseconds: 1_000_000) }
                server.killHard()
            }
        }
        #expect(answered.count >= 20)
        let logged = Set(
            try server.logRecords().compactMap { record -> String? in
                let operations = record["request"]?.objectValue?["Operations"]?.arrayValue
                return operations?.first?.objectValue?["value"]?.stringValue
            })
        for marker in answered.all { #expect(logged.contains(marker), "\(marker) was answered but not logged") }
    }

    @Test func aCronRunHoldingTheStoreMakesTheEndpointAnswer503ThenItProceeds() async throws {
        let server = try ServeHarness(arguments: ["--lock-wait", "0.3"])
        let created = try await server.send("POST", "/Users", body: ServeErrorTests.user("cron@example.com"))
        let id = try #require(created.object["id"]?.stringValue)
        // A run that stops itself (SIGSTOP) just before its commit, holding the store's lock.
        let input = server.directory + "/cron.jsonl"
        try Fixtures.write(
            #"{"time":"2026-11-28T02:00:00Z","method":"POST","path":"/scim/v2/Users","request":{"userName":"cron-only@example.com"},"response":{"id":"cron-1"}}"#
                + "\n", to: input)
        let runner = BinaryRunner(directory: server.directory)
        let cron = try runner.start(
            ["import", input, "--app", "Azure AD", "--store", server.store],
            extraEnvironment: ["SCIMRECON_PAUSE_AT": "before-commit"])
        while cron.process.isRunning && !ReliabilityLockTests.isStopped(cron.pid) { usleep(2000) }
        let busy = try await server.send(
            "PATCH", "/Users/\(id)",
            body: ServeProviderTests.patch([["op": "replace", "path": "displayName", "value": "During"]]))
        #expect(busy.status == 503)
        #expect(busy.header("Retry-After") != nil)
        kill(cron.pid, SIGCONT)
        let result = try cron.finish()
        #expect(result.status == 0, "\(result.stderr)")
        let after = try await server.send(
            "PATCH", "/Users/\(id)",
            body: ServeProviderTests.patch([["op": "replace", "path": "displayName", "value": "After"]]))
        #expect(after.status == 200)
        let listed = try await server.send(
            "GET", "/Users?filter=" + ServeErrorTests.encoded("userName eq \"cron-only@example.com\""))
        #expect(listed.object["totalResults"] == 1, "the endpoint sees what the cron run committed")
        #expect(server.stop() == 0)
        let statuses = try server.logRecords().compactMap { $0["status"] }
        #expect(statuses.contains(503))
    }

    @Test func sigtermFinishesAndRecordsTheEndpointsRun() async throws {
        let server = try ServeHarness()
        #expect(try await server.send("POST", "/Users", body: ServeErrorTests.user("term@example.com")).status == 201)
        #expect(server.stop() == 0)
        let runs = try BinaryRunner(directory: server.directory).run([
            "runs", "--store", server.store, "--format", "json",
        ])
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(runs.stdout.contains("\"serve\""))
        #expect(runs.stdout.contains("\"success\""))
    }
}

/// The markers of answered requests, shared by the tasks of a test.
final class Answered: @unchecked Sendable {
    // Unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var markers: [String] = []

    func add(_ marker: String) { lock.withLock { markers.append(marker) } }
    var count: Int { lock.withLock { markers.count } }
    var all: [String] { lock.withLock { markers } }
}
