import Foundation
import SCIMKit
import SCIMReconCore
import SCIMReconTestSupport
import Testing

@testable import SCIMReconSQLite

/// The SQLite store against the store contract every store keeps, and against damage: a row
/// that cannot be read back is an error naming the store, the table and the key, never a
/// silently different value that a later write would save over the row.
@Suite struct SQLiteStoreContractTests {
    func freshStore() throws -> SQLiteStore {
        try SQLiteStore(path: try Fixtures.temporaryDirectory("contract") + "/store.sqlite", writable: true)
    }

    @Test(arguments: StoreContract.checks)
    func keepsTheStoreContract(_ check: StoreContract.Check) throws {
        try check.body(try freshStore())
    }

    @Test(arguments: StoreContract.checks)
    func keepsTheStoreContractBehindTheRunsCache(_ check: StoreContract.Check) throws {
        try check.body(RunState(base: try freshStore(), entryLimit: 2, eventLimit: 3))
        try check.body(RunState(base: try freshStore(), entryLimit: 2, eventLimit: 3, spillLimit: 1))
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
        let store = try freshStore()
        try store.begin()
        _ = try store.insertRun(RunRecord(id: 0, job: "j", app: "A", started: Timestamp(millisecondsSince1970: 0)))
        try store.saveUser(
            LocalUser(
                app: "A", id: "u1", attributes: ["userName": "alice"], active: true,
                scim: JSONObject(["userName": .string("alice")])))
        try store.saveGroup(LocalGroup(app: "A", id: "g1", displayName: "Staff", externalID: nil, scim: JSONObject()))
        try store.appendEvent(
            ProvisioningEvent(
                time: Timestamp(millisecondsSince1970: 0), run: 1, app: "A", user: "alice", userID: "u1",
                externalID: nil, action: .create, status: .success, source: "x:1"), email: nil)
        try store.commit()
        try store.db.execute(sql)
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

    /// Writes a store as scimrecon wrote it before migration 5: fingerprints as hex text.
    func storeBeforeIntegerFingerprints(_ rows: [(app: String, fingerprint: String)]) throws -> String {
        let path = try Fixtures.temporaryDirectory("migrate") + "/store.sqlite"
        let db = try SQLiteConnection(path: path, readOnly: false)
        for migration in SQLiteSchema.migrations.prefix(SQLiteSchema.fingerprintMigration - 1) {
            try db.execute(migration)
        }
        for row in rows {
            try db.execute("INSERT INTO applied(app, fingerprint, run) VALUES('\(row.app)', '\(row.fingerprint)', 3)")
        }
        try db.execute("PRAGMA user_version=\(SQLiteSchema.fingerprintMigration - 1)")
        return path
    }

    @Test func fingerprintsRecordedAsHexBeforeMigrationFiveStayApplied() throws {
        var hash = StableHash()
        hash.combine("a replayed line")
        let path = try storeBeforeIntegerFingerprints([
            ("Okta", hash.hex), ("Okta", "ffffffffffffffff0000000000000001"),
        ])
        let store = try SQLiteStore(path: path, writable: true)
        #expect(try store.isApplied(app: "Okta", fingerprint: hash.fingerprint))
        #expect(try store.isApplied(app: "Okta", fingerprint: Fingerprint(high: -1, low: 1)))
        #expect(!(try store.isApplied(app: "Entra", fingerprint: hash.fingerprint)))
        let tables = try store.db.statement("SELECT count(*) FROM sqlite_master WHERE name = 'applied'")
        _ = try tables.step()
        #expect(tables.int64(0) == 0, "the hex table was left behind")
    }

    /// The active count every run starts with reads the partial index of active users, not the
    /// users' rows, and gives the same answer.
    @Test func theActiveUserCountReadsOnlyItsIndex() throws {
        let path = try Fixtures.temporaryDirectory("active-count") + "/store.sqlite"
        let store = try SQLiteStore(path: path, writable: true)
        try store.begin()
        for (index, active) in [true, false, true, true].enumerated() {
            try store.saveUser(
                LocalUser(
                    app: "Okta", id: "u\(index)", attributes: ["userName": "user\(index)"], active: active,
                    scim: JSONObject([.init(key: "userName", value: .string("user\(index)"))])))
        }
        try store.commit()
        #expect(try store.userCount(app: "Okta", activeOnly: true) == 3)
        #expect(try store.userCount(app: "Okta", activeOnly: false) == 4)
        #expect(try store.userCount(app: "Entra", activeOnly: true) == 0)
        let plan = try store.db.statement(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM users WHERE app = ? AND active = 1")
        _ = try plan.step()
        let detail = plan.text(3) ?? ""
        #expect(detail.contains("COVERING INDEX users_active"), "\(detail)")
    }

    @Test func aFingerprintThatIsNotHexStopsTheMigrationAndChangesNothing() throws {
        let path = try storeBeforeIntegerFingerprints([("Okta", "not a fingerprint")])
        let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path, writable: true) }
        let message = error?.message ?? ""
        #expect(message.contains("table applied, row (app 'Okta', fingerprint 'not a fingerprint')"), "\(message)")
        let db = try SQLiteConnection(path: path, readOnly: true)
        let version = try db.statement("PRAGMA user_version")
        _ = try version.step()
        #expect(version.int64(0) == Int64(SQLiteSchema.fingerprintMigration - 1), "the failed migration was kept")
    }

    /// A writer killed in the middle of a write leaves a hot journal that only a writing
    /// connection may roll back: a reader recovers the file first instead of failing with
    /// "attempt to write a readonly database" (found by the long kill -9 run, in a first run
    /// killed while the new store switched to WAL).
    @Test func aReaderRecoversAStoreWhoseWriterWasKilledMidWrite() throws {
        let directory = try Fixtures.temporaryDirectory("hot-journal")
        let live = directory + "/live.sqlite"
        let copy = directory + "/killed.sqlite"
        let writer = try SQLiteConnection(path: live, readOnly: false)
        try writer.execute("PRAGMA journal_mode=DELETE; PRAGMA cache_size=1")
        for migration in SQLiteSchema.migrations { try writer.execute(migration) }
        try writer.execute("PRAGMA user_version=\(SQLiteSchema.migrations.count)")
        try writer.execute("INSERT INTO apps(key, name) VALUES('okta', 'Okta')")
        // A transaction big enough to spill pages into the file, copied with its journal while
        // it is open: the copy is the file a kill -9 at that moment leaves behind.
        try writer.execute("BEGIN")
        for index in 0..<2_000 {
            try writer.execute(
                "INSERT INTO runs(job, app, started_ms) VALUES('j\(index)', 'Okta', \(index))")
        }
        let files = FileManager.default
        try files.copyItem(atPath: live, toPath: copy)
        try files.copyItem(atPath: live + "-journal", toPath: copy + "-journal")
        try writer.execute("ROLLBACK")
        let reader = try SQLiteStore(path: copy, writable: false)
        #expect(try reader.applications() == ["Okta"])
        var runs = 0
        try reader.forEachRun { _ in runs += 1 }
        #expect(runs == 0, "the interrupted transaction's rows were read")
    }
}
