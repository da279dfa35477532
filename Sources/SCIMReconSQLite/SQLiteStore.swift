import CSQLite
import SCIMKit
import SCIMReconCore

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded store: one SQLite file in WAL mode, written by one run at a time.
///
/// Opening it for writing takes the run lock (`RunLock`) first, so a second writer stops at once
/// with exit 75 instead of waiting on SQLite's busy handler.
public final class SQLiteStore: ProvisioningStore {
    public let location: String
    let db: SQLiteConnection
    private let lock: RunLock?
    /// Taken at `begin` and dropped at `commit`/`rollback` by a store opened with `lockWait`.
    private let transactionLock: TransactionLock?
    /// One parser for the JSON columns read back (users' attributes and resources, event
    /// changes): it reuses its buffers and the member names it has seen.
    var parser = JSONParser()
    /// The current transaction's appended events (see `SQLiteStore+DeferredIndexes`).
    var bulk = BulkState()
    /// Application spellings read from the `apps` table, by folded key.
    var appNames: [String: String] = [:]
    /// The statement of `userWritten` for each list of keys asked about.
    var rowLookups: [[MatchKey]: String] = [:]

    /// Opens (creating and migrating if needed) the store at `path`.
    /// - Parameters:
    ///   - writable: take the run lock and allow writes; readers (`report`, `users`) pass false.
    ///   - dryRun: a plan that rolls back: it never creates the store or its lock file.
    public convenience init(path: String, writable: Bool, dryRun: Bool = false) throws(StoreError) {
        try self.init(path: path, writable: writable, dryRun: dryRun, lockWaitMilliseconds: nil)
    }

    /// Opens the store for a long-lived writer (the SCIM endpoint) that takes the run lock only
    /// for each transaction, waiting up to `lockWaitMilliseconds` for a job run to finish first.
    public convenience init(sharedWriterAt path: String, lockWaitMilliseconds: Int) throws(StoreError) {
        try self.init(path: path, writable: true, dryRun: false, lockWaitMilliseconds: lockWaitMilliseconds)
    }

    private init(path: String, writable: Bool, dryRun: Bool, lockWaitMilliseconds: Int?) throws(StoreError) {
        location = path
        if writable, let lockWaitMilliseconds {
            lock = nil
            transactionLock = try TransactionLock(storePath: path, waitMilliseconds: lockWaitMilliseconds)
        } else if writable {
            if dryRun, access(path, F_OK) != 0 {
                throw StoreError(kind: .input, "\(path): no store here yet")
            }
            lock = try RunLock.take(storePath: path, create: !dryRun)
            transactionLock = nil
        } else {
            transactionLock = nil
            lock = nil
            guard access(path, F_OK) == 0 else {
                throw StoreError(kind: .input, "\(path): no store here yet (run a job or an import first)")
            }
        }
        db = try SQLiteConnection(path: path, readOnly: !writable)
        if writable {
            try transactionLock?.acquire()
            defer { transactionLock?.release() }
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;")
            try migrate()
        } else {
            let version: Int
            do {
                version = try userVersion()
            } catch {
                // A writer killed part way through a write leaves a hot journal (or a WAL index)
                // that only a connection allowed to write can roll back; SQLite then refuses a
                // read-only one. Let a writing connection recover the file, then read.
                guard db.lastErrorCode & 0xFF == SQLITE_READONLY else { throw error }
                try SQLiteConnection.recoverAfterInterruptedWrite(path: path)
                version = try userVersion()
            }
            guard version <= SQLiteSchema.migrations.count else {
                throw StoreError(kind: .input, "\(path): the store was written by a newer scimrecon")
            }
            // A first run killed before its schema committed leaves an empty file: no store yet.
            guard version > 0 else {
                throw StoreError(kind: .input, "\(path): no store here yet (run a job or an import first)")
            }
        }
        // 16 MiB of page cache: past that, pages come from the OS's cache at a small cost. With the
        // run cache's compact tier (16 MB more, which saves most page writes) the run's peak
        // memory stays under 100 MB however large the store and the log.
        try db.execute("PRAGMA cache_size=\(Self.pageCacheSize); PRAGMA temp_store=MEMORY;")
    }

    /// The page cache a store works with, as `PRAGMA cache_size` takes it (negative: KiB).
    static let pageCacheSize = -16_384

    private func userVersion() throws(StoreError) -> Int {
        let statement = try db.statement("PRAGMA user_version")
        _ = try statement.step()
        defer { statement.reset() }  // a statement left stepping would lock the schema (DROP INDEX)
        return Int(statement.int64(0) ?? 0)
    }

    private func migrate() throws(StoreError) {
        let version = try userVersion()
        guard version <= SQLiteSchema.migrations.count else {
            throw StoreError(kind: .input, "\(location): the store was written by a newer scimrecon")
        }
        guard version < SQLiteSchema.migrations.count else { return }
        try db.execute("BEGIN IMMEDIATE")
        do {
            for index in version..<SQLiteSchema.migrations.count {
                try db.execute(SQLiteSchema.migrations[index])
                if index + 1 == SQLiteSchema.appsMigration { try registerRecordedApps() }
                if index + 1 == SQLiteSchema.fingerprintMigration { try convertFingerprints() }
            }
            try db.execute("PRAGMA user_version=\(SQLiteSchema.migrations.count)")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    // MARK: Transactions

    public func begin() throws(StoreError) {
        try transactionLock?.acquire()
        do {
            try db.execute("BEGIN IMMEDIATE")
            try startBulkTracking()
        } catch {
            try? db.execute("ROLLBACK")
            transactionLock?.release()
            throw error
        }
    }

    public func commit() throws(StoreError) {
        try rebuildDeferredIndexes()
        try db.execute("COMMIT")
        transactionLock?.release()
    }

    public func rollback() {
        try? db.execute("ROLLBACK")
        bulk = BulkState()
        appNames = [:]
        transactionLock?.release()
    }

    // MARK: Runs

    public func insertRun(_ run: RunRecord) throws(StoreError) -> Int64 {
        try db.statement("INSERT INTO runs(job, app, started_ms) VALUES(?, ?, ?)")
            .run([.text(run.job), .text(run.app), .integer(run.started.millisecondsSince1970)])
        return sqlite3_last_insert_rowid(db.handle)
    }

    public func updateRun(_ run: RunRecord) throws(StoreError) {
        let counts = JSONValue.object(
            JSONObject(
                run.counts.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number(String($0.value))) })
        )
        let inputs = JSONValue.array(run.inputs.map { .string($0) })
        try db.statement(
            "UPDATE runs SET finished_ms = ?, outcome = ?, reason = ?, counts = ?, inputs = ? WHERE id = ?"
        ).run([
            SQLiteValue(run.finished?.millisecondsSince1970), SQLiteValue(run.outcome?.rawValue),
            SQLiteValue(run.reason), .text(JSONWriter.string(counts)), .text(JSONWriter.string(inputs)),
            .integer(run.id),
        ])
    }

    // MARK: Users

    static let userColumns =
        "app, id, attributes, active, scim, disabled_ms, delete_after_ms"

    func readUser(_ statement: SQLiteStatement) throws(StoreError) -> LocalUser {
        let app = statement.text(0) ?? ""
        let id = statement.text(1) ?? ""
        let row = "table users, row (app '\(app)', id '\(id)')"
        guard let stored = try statement.json(2, with: &parser, row: row), let object = stored.objectValue else {
            throw db.corrupt("\(row): column attributes is not a JSON object")
        }
        var attributes: [String: String] = [:]
        for member in object {
            guard let value = member.value.stringValue else {
                throw db.corrupt("\(row): attribute '\(member.key)' is not a string")
            }
            attributes[member.key] = value
        }
        guard let scim = try statement.json(4, with: &parser, row: row)?.objectValue else {
            throw db.corrupt("\(row): column scim is not a JSON object")
        }
        return LocalUser(
            app: app, id: id, attributes: attributes, active: statement.int64(3) == 1, scim: scim,
            disabledAt: statement.int64(5).map(Timestamp.init(millisecondsSince1970:)),
            deleteAfter: statement.int64(6).map(Timestamp.init(millisecondsSince1970:))
        )
    }

    func users(_ sql: String, _ values: [SQLiteValue]) throws(StoreError) -> [LocalUser] {
        let statement = try db.statement(sql)
        statement.bind(values)
        var result: [LocalUser] = []
        while try statement.step() { result.append(try readUser(statement)) }
        return result
    }

    public func findUser(app: String, by key: MatchKey, value: String) throws(StoreError) -> [LocalUser] {
        let (column, bound) = (key.storeColumn, key.folded(value))
        // `+id`: ordering by the bare column would tempt the planner (no ANALYZE statistics) to walk
        // users_by_id over every user of the app to skip a sort of one or two rows.
        return try users(
            "SELECT \(Self.userColumns) FROM users WHERE app = ? AND \(column) = ? ORDER BY +id",
            [.text(app), .text(bound)])
    }

    public func saveUser(_ user: LocalUser) throws(StoreError) { try write(EncodedUser(user, stored: true)) }

    public func createUser(_ user: LocalUser) throws(StoreError) { try write(EncodedUser(user, stored: false)) }

    public func saveEncodedUsers(_ users: [EncodedUser]) throws(StoreError) {
        for user in users { try write(user) }
    }

    /// Writes one user. Most saves change a user that exists and none of its indexed columns (a
    /// PATCH of displayName, title, active): an UPDATE that sets only unindexed columns, with the
    /// indexed ones as they must already be in its WHERE, leaves the four look-up indexes
    /// untouched. SQLite rewrites an index entry whenever its column is SET, to the same value or
    /// not, and that was half of a write-back's cost. A user the run created is inserted first,
    /// without the two UPDATEs that would find nothing.
    func write(_ user: EncodedUser) throws(StoreError) {
        let name = user.userName
        let (userName, app, id) = (SQLiteValue.text(name), SQLiteValue.text(user.app), SQLiteValue.text(user.id))
        let (active, disabled) = (SQLiteValue(user.active), SQLiteValue(user.disabledAt?.millisecondsSince1970))
        let (attributes, scim) = (SQLiteValue.utf8(user.attributes), SQLiteValue.utf8(user.scim))
        // The indexed columns.
        let userNameKey = SQLiteValue.text(name.lowercasedIfNeeded())
        let externalID = SQLiteValue(user.externalID)
        let emailKey = SQLiteValue(user.email?.lowercasedIfNeeded())
        let deleteAfter = SQLiteValue(user.deleteAfter?.millisecondsSince1970)
        // Every write sets the row digest: the row's, or none (the user is no longer as a row left it).
        let (rowHigh, rowLow) = (SQLiteValue(user.rowDigest?.high), SQLiteValue(user.rowDigest?.low))
        let values = [
            userName, userNameKey, externalID, emailKey, active, attributes, scim, disabled, deleteAfter, rowHigh,
            rowLow, app, id,
        ]
        func inserted() throws(StoreError) -> Bool {
            try db.statement(
                """
                INSERT INTO users(user_name, user_name_key, external_id, email_key, active, attributes, scim,
                                  disabled_ms, delete_after_ms, row_high, row_low, app, id)
                VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(app, id) DO NOTHING
                """
            ).run(values)
            return db.changes > 0
        }
        if user.stored {
            try db.statement(
                """
                UPDATE users SET user_name = ?, active = ?, attributes = ?, scim = ?, disabled_ms = ?
                WHERE app = ? AND id = ? AND user_name_key = ? AND external_id IS ? AND email_key IS ?
                    AND delete_after_ms IS ? AND row_high IS ? AND row_low IS ?
                """
            ).run([
                userName, active, attributes, scim, disabled, app, id, userNameKey, externalID, emailKey, deleteAfter,
                rowHigh, rowLow,
            ])
            guard db.changes == 0 else { return }
        } else if try inserted() {
            return
        }
        // An indexed column changed, or the user is not where the hint said: a plain UPDATE by
        // key, and the INSERT only when it changed nothing (an upsert would try the insert, fail on
        // the unique index, then update).
        try db.statement(
            """
            UPDATE users SET user_name = ?, user_name_key = ?, external_id = ?, email_key = ?, active = ?,
                attributes = ?, scim = ?, disabled_ms = ?, delete_after_ms = ?, row_high = ?, row_low = ?
            WHERE app = ? AND id = ?
            """
        ).run(values)
        if db.changes == 0 { _ = try inserted() }
    }

    public func deleteUser(app: String, id: String) throws(StoreError) {
        try db.statement("DELETE FROM users WHERE app = ? AND id = ?").run([.text(app), .text(id)])
        try db.statement("DELETE FROM memberships WHERE app = ? AND user_id = ?").run([.text(app), .text(id)])
    }

    public func renameUser(app: String, from id: String, to newID: String) throws(StoreError) {
        try db.statement("UPDATE users SET id = ?, row_high = NULL, row_low = NULL WHERE app = ? AND id = ?")
            .run([.text(newID), .text(app), .text(id)])
        try db.statement("UPDATE OR IGNORE memberships SET user_id = ? WHERE app = ? AND user_id = ?")
            .run([.text(newID), .text(app), .text(id)])
        try db.statement("DELETE FROM memberships WHERE app = ? AND user_id = ?").run([.text(app), .text(id)])
    }

    public func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int {
        let sql =
            activeOnly
            ? "SELECT count(*) FROM users WHERE app = ? AND active = 1" : "SELECT count(*) FROM users WHERE app = ?"
        let statement = try db.statement(sql)
        statement.bind([.text(app)])
        _ = try statement.step()
        return Int(statement.int64(0) ?? 0)
    }

    public func markSeen(app: String, id: String, run: Int64) throws(StoreError) {
        try db.statement("UPDATE users SET seen_run = ? WHERE app = ? AND id = ?")
            .run([.integer(run), .text(app), .text(id)])
    }

    public func setRowDigests(app: String, _ digests: [(id: String, digest: Fingerprint)]) throws(StoreError) {
        let statement = try db.statement("UPDATE users SET row_high = ?, row_low = ? WHERE app = ? AND id = ?")
        for (id, digest) in digests {
            try statement.run([.integer(digest.high), .integer(digest.low), .text(app), .text(id)])
        }
    }

    /// One look-up in `users_by_row`; for each key, whether another user of the app has its value
    /// is one probe of that key's index.
    public func userWritten(app: String, byRow digest: Fingerprint, unsharedKeys keys: [MatchKey])
        throws(StoreError) -> RowWrittenUser?
    {
        let asked = keys.filter { $0 != .id }
        if rowLookups[asked] == nil {
            rowLookups[asked] =
                "SELECT \(RowWrittenUser.selectList(asked)) FROM users u WHERE u.app = ? AND u.row_high = ? AND u.row_low = ?"
        }
        let statement = try db.statement(rowLookups[asked]!)
        statement.reset()
        statement.bind([.text(app), .integer(digest.high), .integer(digest.low)])
        defer { statement.reset() }
        guard try statement.step(), let id = statement.text(0) else { return nil }
        var values: [MatchKey: String] = [:]
        for (index, key) in asked.enumerated() {
            guard let value = statement.text(Int32(1 + index)) else { continue }
            if statement.int64(Int32(1 + asked.count + index)) != 0 { return nil }
            values[key] = value
        }
        // Two users with one digest: each must be matched again to tell which the row is.
        if try statement.step() { return nil }
        return RowWrittenUser(id: id, keys: values)
    }

    public func unseenUsers(app: String, run: Int64) throws(StoreError) -> [LocalUser] {
        try users(
            """
            SELECT \(Self.userColumns) FROM users
            WHERE app = ? AND active = 1 AND (seen_run IS NULL OR seen_run <> ?) ORDER BY user_name_key, id
            """, [.text(app), .integer(run)])
    }

    public func usersDueForDeletion(app: String, now: Timestamp) throws(StoreError) -> [LocalUser] {
        try users(
            """
            SELECT \(Self.userColumns) FROM users
            WHERE app = ? AND delete_after_ms IS NOT NULL AND delete_after_ms <= ? AND active = 0
            ORDER BY delete_after_ms, id
            """, [.text(app), .integer(now.millisecondsSince1970)])
    }
}
