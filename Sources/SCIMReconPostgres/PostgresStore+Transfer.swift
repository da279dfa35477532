import SCIMKit
import SCIMReconCore

/// The PostgreSQL store read and written whole (`scimrecon migrate`), in the same orders as the
/// SQLite store's, so a store copied there and back reads the same.
extension PostgresStore: StoreTransfer {
    public func holdsNothing() throws(StoreError) -> Bool {
        for table in ["apps", "runs", "users", "groups", "events", "claims", "applied_records", "checkpoints"] {
            guard try db.query("SELECT EXISTS(SELECT 1 FROM \(table))").bool(0, 0) == false else { return false }
        }
        return true
    }

    public func forEachStoredApp(_ body: (String) throws -> Void) throws {
        try db.forEachRow("SELECT name FROM apps ORDER BY key") { rows, index in try body(rows.text(index, 0) ?? "") }
    }

    public func forEachStoredUser(_ body: (LocalUser, _ seenRun: Int64?) throws -> Void) throws {
        try db.forEachRow("SELECT \(Self.userColumns), seen_run FROM users ORDER BY app, id") { rows, index in
            try body(try readUser(rows, index), rows.int64(index, 7))
        }
    }

    public func forEachStoredGroup(_ body: (LocalGroup) throws -> Void) throws {
        try db.forEachRow("SELECT app, id, display_name, external_id, scim FROM groups ORDER BY app, id") {
            rows, index in
            try body(try readGroup(rows, index))
        }
    }

    public func forEachMembership(_ body: (_ app: String, _ groupID: String, _ userID: String) throws -> Void) throws {
        try db.forEachRow("SELECT app, group_id, user_id FROM memberships ORDER BY app, group_id, user_id") {
            rows, index in
            try body(rows.text(index, 0) ?? "", rows.text(index, 1) ?? "", rows.text(index, 2) ?? "")
        }
    }

    public func forEachStoredEvent(_ body: (ProvisioningEvent, _ email: String?) throws -> Void) throws {
        try db.forEachRow("SELECT \(Self.eventReadColumns), email FROM events ORDER BY seq") { rows, index in
            try body(try readEvent(rows, index), rows.text(index, 12))
        }
    }

    public func forEachApplied(_ body: (_ app: String, Fingerprint, _ run: Int64) throws -> Void) throws {
        try db.forEachRow("SELECT app, high, low, run FROM applied_records ORDER BY app, high, low") { rows, index in
            try body(
                rows.text(index, 0) ?? "", Fingerprint(high: rows.int64(index, 1) ?? 0, low: rows.int64(index, 2) ?? 0),
                rows.int64(index, 3) ?? 0)
        }
    }

    public func forEachCheckpoint(_ body: (_ job: String, Checkpoint) throws -> Void) throws {
        try db.forEachRow(
            "SELECT job, path, device, inode, byte_offset, line, checksum FROM checkpoints ORDER BY job, path"
        ) { rows, index in
            try body(
                rows.text(index, 0) ?? "",
                Checkpoint(
                    path: rows.text(index, 1) ?? "", device: UInt64(bitPattern: rows.int64(index, 2) ?? 0),
                    inode: UInt64(bitPattern: rows.int64(index, 3) ?? 0), offset: rows.int64(index, 4) ?? 0,
                    line: Int(rows.int64(index, 5) ?? 0), checksum: UInt64(bitPattern: rows.int64(index, 6) ?? 0)))
        }
    }

    /// Keeps the run's id, and moves the id sequence past it so later runs do not collide.
    public func restoreRun(_ run: RunRecord) throws(StoreError) {
        try db.query(
            "INSERT INTO runs(id, job, app, started_ms) VALUES($1, $2, $3, $4)",
            [String(run.id), run.job, run.app, String(run.started.millisecondsSince1970)])
        try updateRun(run)
        try db.query(
            "SELECT setval(pg_get_serial_sequence('runs', 'id'), greatest($1::bigint, (SELECT max(id) FROM runs)))",
            [String(run.id)])
    }
}
