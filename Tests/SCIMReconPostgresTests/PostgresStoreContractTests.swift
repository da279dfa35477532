import Foundation
import SCIMKit
import SCIMReconCore
import SCIMReconTestSupport
import Testing

@testable import SCIMReconPostgres

/// The PostgreSQL store against the store contract every store keeps (the same checks the
/// SQLite store passes), behind the run's cache too, and against damage: a row that cannot be
/// read back is an error naming the store, the table and the key.
@Suite(.enabled(if: PostgresTestServer.enabled)) struct PostgresStoreContractTests {
    /// A store on a fresh database, and a way to drop that database afterwards.
    func withFreshStore(_ body: (PostgresStore, PostgresTestServer, String) throws -> Void) throws {
        let server = try PostgresTestServer.require()
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        try body(try PostgresStore(url: url, writable: true), server, url)
    }

    @Test(arguments: StoreContract.checks)
    func keepsTheStoreContract(_ check: StoreContract.Check) throws {
        try withFreshStore { store, _, _ in try check.body(store) }
    }

    @Test(arguments: StoreContract.checks)
    func keepsTheStoreContractBehindTheRunsCache(_ check: StoreContract.Check) throws {
        try withFreshStore { store, _, _ in try check.body(RunState(base: store, entryLimit: 2, eventLimit: 3)) }
    }

    static let damage: [(table: String, sql: String, expected: String)] = [
        (
            "users", "UPDATE users SET attributes = '{\"userName\":'",
            "table users, row (app 'A', id 'u1'): column attributes is not valid JSON"
        ),
        (
            "users", "UPDATE users SET scim = '[1]'",
            "table users, row (app 'A', id 'u1'): column scim is not a JSON object"
        ),
        ("events", "UPDATE events SET action = 'promote'", "table events, row 1: unknown action 'promote'"),
        ("events", "UPDATE events SET status = 'maybe'", "table events, row 1: unknown status 'maybe'"),
        ("events", "UPDATE events SET changes = 'not json'", "table events, row 1: column changes is not valid JSON"),
        (
            "groups", "UPDATE groups SET scim = 'x'",
            "table groups, row (app 'A', id 'g1'): column scim is not valid JSON"
        ),
        ("runs", "UPDATE runs SET outcome = 'exploded'", "table runs, row 1: unknown outcome 'exploded'"),
    ]

    @Test(arguments: 0..<damage.count)
    func aDamagedRowIsAnErrorNamingStoreTableAndKey(_ index: Int) throws {
        let (table, sql, expected) = Self.damage[index]
        try withFreshStore { store, _, url in
            try store.begin()
            _ = try store.insertRun(RunRecord(id: 0, job: "j", app: "A", started: Timestamp(millisecondsSince1970: 0)))
            try store.saveUser(
                LocalUser(
                    app: "A", id: "u1", attributes: ["userName": "alice"], active: true,
                    scim: JSONObject(["userName": .string("alice")])))
            try store.saveGroup(
                LocalGroup(app: "A", id: "g1", displayName: "Staff", externalID: nil, scim: JSONObject()))
            try store.appendEvent(
                ProvisioningEvent(
                    time: Timestamp(millisecondsSince1970: 0), run: 1, app: "A", user: "alice", userID: "u1",
                    externalID: nil, action: .create, status: .success, source: "x:1"), email: nil)
            try store.commit()
            try PostgresSession(url: url).execute(sql)
            var message = ""
            do {
                switch table {
                case "users": _ = try store.findUser(app: "A", by: .id, value: "u1")
                case "groups": _ = try store.group(app: "A", id: "g1")
                case "runs": try store.forEachRun { _ in }
                default: try store.forEachEvent(ReportFilter()) { _ in }
                }
            } catch let error as StoreError {
                message = error.message
                #expect(error.kind == .output)
            }
            #expect(message == "\(store.location): the store is damaged: \(expected)")
        }
    }

    @Test func aReaderOfADatabaseWithoutTheStoreSaysThereIsNoStoreYet() throws {
        let server = try PostgresTestServer.require()
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        #expect(throws: StoreError.self) { try PostgresStore(url: url, writable: false) }
        do {
            _ = try PostgresStore(url: url, writable: false)
        } catch {
            #expect(error.kind == .input)
            #expect(error.message.hasSuffix("no store here yet (run a job or an import first)"))
        }
    }

    @Test func aSecondWriterForTheSameApplicationIsLockedOutAndAnotherApplicationProceeds() throws {
        try withFreshStore { _, _, url in
            let first = try PostgresStore(url: url, writable: true, lockingApp: "Azure AD")
            var kind: FailureKind?
            do {
                _ = try PostgresStore(url: url, writable: true, lockingApp: "AZURE ad")
            } catch {
                kind = (error as? StoreError)?.kind
            }
            #expect(kind == .locked)
            let other = try PostgresStore(url: url, writable: true, lockingApp: "Okta")
            #expect(other.hasSchema)
            withExtendedLifetime(first) {}
        }
    }

    @Test func theLockGoesWithTheRunsConnection() throws {
        try withFreshStore { _, _, url in
            var first: PostgresStore? = try PostgresStore(url: url, writable: true, lockingApp: "Okta")
            #expect(first != nil)
            first = nil
            let second = try PostgresStore(url: url, writable: true, lockingApp: "Okta")
            #expect(second.hasSchema)
        }
    }

    @Test func readersSeeARunWholeOrNotAtAll() throws {
        try withFreshStore { writer, _, url in
            let reader = try PostgresStore(url: url, writable: false)
            try writer.begin()
            try writer.appendEvents(
                (0..<3).map { index in
                    (
                        ProvisioningEvent(
                            time: Timestamp(millisecondsSince1970: Int64(index)), run: 1, app: "A", user: "u\(index)",
                            userID: "\(index)", externalID: nil, action: .create, status: .success, source: "x:\(index)"
                        ),
                        nil
                    )
                })
            #expect(try reader.reading { try reader.countEvents(ReportFilter()) } == 0)
            try reader.reading {
                let before = try reader.countEvents(ReportFilter())
                try writer.commit()
                // One snapshot for the whole read: the commit in the middle is not seen.
                #expect(try reader.countEvents(ReportFilter()) == before)
            }
            #expect(try reader.reading { try reader.countEvents(ReportFilter()) } == 3)
        }
    }

    @Test func eventsWithTabsNewlinesAndBackslashesSurviveTheBatchedPath() throws {
        try withFreshStore { store, _, _ in
            let tricky = "a\tb\nc\\d\r e \u{00C9}"
            try store.begin()
            try store.appendEvents([
                (
                    ProvisioningEvent(
                        time: Timestamp(millisecondsSince1970: 5), run: 1, app: "A", user: tricky, userID: "1",
                        externalID: nil, action: .update, status: .failure, reason: tricky,
                        changes: [.init(attribute: "displayName", old: tricky, new: nil)], source: "x:1"),
                    "Mail\\Box@x"
                )
            ])
            try store.commit()
            var read: [ProvisioningEvent] = []
            try store.forEachEvent(ReportFilter()) { read.append($0) }
            #expect(read.map(\.user) == [tricky])
            #expect(read.map(\.reason) == [tricky])
            #expect(read.first?.changes.first?.old == tricky)
        }
    }

    /// A cursor's next batch is sent ahead while this one is read; a statement run for each row
    /// (a user's groups, a count) takes its turn first and the batch waits for its cursor.
    @Test func statementsRunWhileRowsAreReadInBatchesAnswerAndNoRowIsLost() throws {
        try withFreshStore { store, _, _ in
            let users = 4_500
            try store.begin()
            try store.saveGroup(
                LocalGroup(app: "A", id: "g1", displayName: "Staff", externalID: nil, scim: JSONObject()))
            try store.saveUsers(
                (0..<users).map { index in
                    LocalUser(
                        app: "A", id: "u\(index)", attributes: ["userName": "user\(index)"], active: true,
                        scim: JSONObject(["userName": .string("user\(index)")]))
                })
            try store.addMembers(app: "A", (0..<users).filter { $0 % 3 == 0 }.map { ("g1", "u\($0)") })
            try store.appendEvents(
                (0..<users).map { index in
                    (
                        ProvisioningEvent(
                            time: Timestamp(millisecondsSince1970: Int64(index)), run: 1, app: "A",
                            user: "user\(index)", userID: "u\(index)", externalID: nil, action: .create,
                            status: .success, changes: [], source: "x:\(index)"), nil
                    )
                })
            try store.commit()
            var listed = 0
            var inGroup = 0
            try store.forEachUser(app: "A", user: nil) { _, groups in
                listed += 1
                if groups == ["Staff"] { inGroup += 1 }
            }
            #expect(listed == users)
            #expect(inGroup == users / 3)
            var times: [Int64] = []
            var counted = 0
            try store.reading {
                try store.forEachEvent(ReportFilter()) { event in
                    times.append(event.time.millisecondsSince1970)
                    if times.count % 1_000 == 1 { counted = try store.countEvents(ReportFilter()) }
                }
            }
            #expect(times == (0..<Int64(users)).map { $0 })
            #expect(counted == users)
            // A body that throws with a batch on its way leaves the connection usable.
            struct Stop: Error {}
            #expect(throws: Stop.self) { try store.forEachEvent(ReportFilter()) { _ in throw Stop() } }
            #expect(try store.countEvents(ReportFilter()) == users)
        }
    }

    /// Batched writes are sent without waiting for their answer; one the server refuses fails
    /// the next statement (here the commit), and nothing of the transaction is kept.
    /// A created user's event for the batched path (`appendEvents`).
    static func event(_ user: String) -> (event: ProvisioningEvent, email: String?) {
        (
            ProvisioningEvent(
                time: Timestamp(millisecondsSince1970: 1), run: 1, app: "A", user: user, userID: user,
                externalID: nil, action: .create, status: .success, changes: [], source: "x:1"), nil
        )
    }

    @Test func aRefusedBatchedWriteFailsTheCommitAndKeepsNothing() throws {
        try withFreshStore { store, _, url in
            try store.begin()
            try store.commit()
            try PostgresSession(url: url).execute(
                "ALTER TABLE events ADD CONSTRAINT no_poison CHECK (user_name IS DISTINCT FROM 'poison')")
            try store.begin()
            try store.appendEvents([Self.event("fine"), Self.event("poison")])
            var message = ""
            do {
                try store.commit()
            } catch let error as StoreError {
                message = error.message
            }
            #expect(message.contains("no_poison"))
            #expect(message.hasPrefix(store.location))
            store.rollback()
            #expect(try store.countEvents(ReportFilter()) == 0)
            // The connection takes the next run.
            try store.begin()
            try store.appendEvents([Self.event("fine")])
            try store.commit()
            #expect(try store.countEvents(ReportFilter()) == 1)
        }
    }

    @Test func aCommitThatWroteManyRowsLeavesThoseTablesVacuumedAndAnalysed() throws {
        try withFreshStore { store, _, url in
            let session = try PostgresSession(url: url)
            /// When `table` was last vacuumed and analysed by hand (not by autovacuum), as text.
            func upkeep(_ table: String) throws -> [String?] {
                try session.execute(
                    "SELECT last_vacuum::text, last_analyze::text FROM pg_stat_user_tables WHERE relname = '\(table)'"
                ).first ?? []
            }
            // A small run (the cron schedule's usual one) leaves the tables to autovacuum.
            try store.begin()
            try store.appendEvents([Self.event("a"), Self.event("b")])
            try store.commit()
            #expect(try upkeep("events") == [nil, nil])
            // A run that writes the threshold's worth of events has them vacuumed and analysed
            // once it has committed; the users table, with one row written, is left alone.
            store.tidyThreshold = 3
            try store.begin()
            try store.appendEvents([Self.event("c"), Self.event("d"), Self.event("e")])
            try store.saveUser(
                LocalUser(
                    app: "A", id: "u1", attributes: ["userName": "alice"], active: true,
                    scim: JSONObject(["userName": .string("alice")])))
            try store.commit()
            var events = try upkeep("events")
            // Statistics reach pg_stat_user_tables within a moment on servers before 15.
            for _ in 0..<50 where events.contains(nil) {
                usleep(100_000)
                events = try upkeep("events")
            }
            #expect(events.count == 2 && !events.contains(nil))
            #expect(try upkeep("users") == [nil, nil])
            #expect(try store.countEvents(ReportFilter()) == 5)
            // A rolled-back run counts for nothing.
            try store.begin()
            try store.appendEvents([Self.event("f"), Self.event("g"), Self.event("h")])
            #expect(store.written == ["events": 3])
            store.rollback()
            #expect(store.written.isEmpty)
        }
    }
}
