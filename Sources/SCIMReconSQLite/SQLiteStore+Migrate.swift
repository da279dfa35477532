import CSQLite
import SCIMKit
import SCIMReconCore

/// The SQLite store read and written whole (`scimrecon migrate`).
extension SQLiteStore: StoreTransfer {
    public func holdsNothing() throws(StoreError) -> Bool {
        for table in ["apps", "runs", "users", "groups", "events", "claims", "applied_records", "checkpoints"] {
            let statement = try db.statement("SELECT EXISTS(SELECT 1 FROM \(table))")
            _ = try statement.step()
            let any = statement.int64(0) == 1
            statement.reset()
            if any { return false }
        }
        return true
    }

    public func forEachStoredApp(_ body: (String) throws -> Void) throws {
        let statement = try db.uncachedStatement("SELECT name FROM apps ORDER BY key")
        while try statement.step() { try body(statement.text(0) ?? "") }
    }

    public func forEachStoredUser(_ body: (LocalUser, _ seenRun: Int64?) throws -> Void) throws {
        let statement = try db.uncachedStatement("SELECT \(Self.userColumns), seen_run FROM users ORDER BY app, id")
        while try statement.step() { try body(try readUser(statement), statement.int64(7)) }
    }

    public func forEachStoredGroup(_ body: (LocalGroup) throws -> Void) throws {
        let statement = try db.uncachedStatement(
            "SELECT app, id, display_name, external_id, scim FROM groups ORDER BY app, id")
        while try statement.step() { try body(try readGroup(statement)) }
    }

    public func forEachMembership(_ body: (_ app: String, _ groupID: String, _ userID: String) throws -> Void) throws {
        let statement = try db.uncachedStatement(
            "SELECT app, group_id, user_id FROM memberships ORDER BY app, group_id, user_id")
        while try statement.step() {
            try body(statement.text(0) ?? "", statement.text(1) ?? "", statement.text(2) ?? "")
        }
    }

    public func forEachStoredEvent(_ body: (ProvisioningEvent, _ email: String?) throws -> Void) throws {
        let statement = try db.uncachedStatement(
            """
            SELECT time_ms, run, app, user, user_id, external_id, action, status, reason, changes, source, seq, email
            FROM events ORDER BY seq
            """)
        while try statement.step() { try body(try readEvent(statement), statement.text(12)) }
    }

    public func forEachApplied(_ body: (_ app: String, Fingerprint, _ run: Int64) throws -> Void) throws {
        let statement = try db.uncachedStatement(
            "SELECT app, high, low, run FROM applied_records ORDER BY app, high, low")
        while try statement.step() {
            try body(
                statement.text(0) ?? "", Fingerprint(high: statement.int64(1) ?? 0, low: statement.int64(2) ?? 0),
                statement.int64(3) ?? 0)
        }
    }

    public func forEachCheckpoint(_ body: (_ job: String, Checkpoint) throws -> Void) throws {
        let statement = try db.uncachedStatement(
            "SELECT job, path, device, inode, offset, line, checksum FROM checkpoints ORDER BY job, path")
        while try statement.step() {
            try body(
                statement.text(0) ?? "",
                Checkpoint(
                    path: statement.text(1) ?? "", device: UInt64(bitPattern: statement.int64(2) ?? 0),
                    inode: UInt64(bitPattern: statement.int64(3) ?? 0), offset: statement.int64(4) ?? 0,
                    line: Int(statement.int64(5) ?? 0), checksum: UInt64(bitPattern: statement.int64(6) ?? 0)))
        }
    }

    public func restoreRun(_ run: RunRecord) throws(StoreError) {
        try db.statement("INSERT INTO runs(id, job, app, started_ms) VALUES(?, ?, ?, ?)")
            .run([.integer(run.id), .text(run.job), .text(run.app), .integer(run.started.millisecondsSince1970)])
        try updateRun(run)
    }
}
