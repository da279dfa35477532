import SCIMKit
import SCIMReconCore

/// The shared store: one PostgreSQL database that runs for several applications, on several
/// hosts, write at once, one writer per application.
///
/// A writer opened for an application holds a session-level advisory lock keyed by the
/// application's folded name on its one connection for as long as the store is open: a second
/// run for the same application stops at once with exit 75, a run for another one proceeds.
/// Writers work in READ COMMITTED under that lock; readers (`reading`) in REPEATABLE READ READ
/// ONLY, so they are never blocked and see a run whole or not at all.
public final class PostgresStore: ProvisioningStore {
    /// The URL with its password masked: the only form messages show.
    public let location: String
    /// 22 MiB: the server keeps its pages, so the run's budget goes to changed users. Fewer of
    /// them are written twice in a long run (each write is a row version until the commit).
    public var runCacheBytes: Int { 22 << 20 }
    /// 1,024 records: each look-up waits for the writes sent before it, so fewer of them leave
    /// the server writing while the client applies (128 left the run waiting a third of its time).
    public var prefetchRecords: Int { 1_024 }
    let db: PostgresConnection
    var parser = JSONParser()
    /// Application spellings read from the `apps` table, by folded key.
    var appNames: [String: String] = [:]
    /// Whether the database holds the store's tables (a dry run creates none).
    public private(set) var hasSchema = true
    /// Rows the open transaction wrote, by table, for the upkeep after its commit (`tidy`).
    var written: [String: Int] = [:]
    /// The rows a run writes to a table before its commit is followed by `VACUUM (ANALYZE)` of it.
    var tidyThreshold = 10_000

    /// Opens (creating the schema and migrating if needed, for a writer) the store at `url`.
    /// - Parameters:
    ///   - writable: allow writes and migrate; readers pass false and never create anything.
    ///   - lockingApp: the application a run writes for, whose writer lock it takes.
    ///   - dryRun: a plan that rolls back: it creates no tables (see `hasSchema`).
    public init(
        location parsed: PostgresLocation, writable: Bool, lockingApp: String? = nil, dryRun: Bool = false,
        connectTimeout: Int = 10
    ) throws(StoreError) {
        location = parsed.masked
        db = try PostgresConnection(parsed, connectTimeout: connectTimeout)
        if writable, let lockingApp { try takeWriterLock(app: lockingApp) }
        let version = try schemaVersion()
        guard version <= PostgresSchema.migrations.count else {
            throw StoreError(kind: .input, "\(location): the store was written by a newer scimrecon")
        }
        if writable, !dryRun {
            try migrate()
        } else if dryRun, version < PostgresSchema.migrations.count {
            guard version == 0 else {
                throw StoreError(kind: .input, "\(location): the store needs upgrading; run once without --dry-run")
            }
            hasSchema = false
        } else if version == 0 {
            throw StoreError(kind: .input, "\(location): no store here yet (run a job or an import first)")
        }
    }

    public convenience init(url: String, writable: Bool, lockingApp: String? = nil) throws(StoreError) {
        guard let parsed = PostgresLocation(url) else {
            throw StoreError(kind: .usage, "\(url.prefix(16))…: not a postgres:// URL")
        }
        try self.init(location: parsed, writable: writable, lockingApp: lockingApp)
    }

    /// The advisory lock key of an application: a stable 64-bit FNV-1a hash of its folded name
    /// (`AppName.key`), so every spelling of one application takes the same lock.
    public static func lockKey(app: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in AppName.key(app).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    private func takeWriterLock(app: String) throws(StoreError) {
        let rows = try db.query("SELECT pg_try_advisory_lock($1::bigint)", [String(Self.lockKey(app: app))])
        guard rows.bool(0, 0) == true else {
            throw StoreError(
                kind: .locked, "\(location): another run holds the lock for application '\(app)'; try again later")
        }
    }

    private func schemaVersion() throws(StoreError) -> Int {
        let exists = try db.query("SELECT to_regclass('scimrecon_schema') IS NOT NULL")
        guard exists.bool(0, 0) == true else { return 0 }
        return Int(try db.query("SELECT max(version) FROM scimrecon_schema").int64(0, 0) ?? 0)
    }

    /// Each pending migration in one transaction, serialised between runners by an advisory lock.
    private func migrate() throws(StoreError) {
        guard try schemaVersion() < PostgresSchema.migrations.count else { return }
        try db.execute("BEGIN")
        do throws(StoreError) {
            try db.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))")
            try db.execute("CREATE TABLE IF NOT EXISTS scimrecon_schema(version INTEGER NOT NULL)")
            let version = try schemaVersion()
            guard version <= PostgresSchema.migrations.count else {
                throw StoreError(kind: .input, "\(location): the store was written by a newer scimrecon")
            }
            for index in version..<PostgresSchema.migrations.count {
                try db.execute(PostgresSchema.migrations[index])
                try db.execute("INSERT INTO scimrecon_schema(version) VALUES(\(index + 1))")
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    // MARK: Transactions

    public func begin() throws(StoreError) {
        written = [:]
        try db.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
    }

    public func commit() throws(StoreError) {
        do {
            try db.execute("COMMIT")
        } catch {
            // A write sent earlier failed before COMMIT was sent: the transaction is still open.
            if db.inTransaction { try? db.execute("ROLLBACK") }
            appNames = [:]
            written = [:]
            throw error
        }
        tidy()
    }

    public func rollback() {
        try? db.execute("ROLLBACK")
        appNames = [:]
        written = [:]
    }

    /// After a commit that wrote `tidyThreshold` rows or more to a table, what autovacuum does
    /// up to a minute later, at once: `VACUUM (ANALYZE)` of those tables. A report or the next run
    /// then finds statistics that describe the new rows (planned without them, a report of a
    /// timespan with nothing in it read every event: 41 ms at 200k), and rows already known
    /// visible, so the first report does not rewrite every page it reads. It costs about 0.6 s
    /// after a 200k-record replay, and nothing after the small runs of a cron schedule.
    /// `SKIP_LOCKED` passes over a table another runner or autovacuum is working on. The run has
    /// committed: a failure here changes nothing and is not the run's.
    private func tidy() {
        let tables = written.filter { $0.value >= tidyThreshold }.map(\.key).sorted()
        written = [:]
        guard !tables.isEmpty, db.serverVersion >= 120_000 else { return }
        try? db.execute("VACUUM (ANALYZE, SKIP_LOCKED) " + tables.joined(separator: ", "))
    }

    /// Counts rows the open transaction writes to `table`.
    func wrote(_ count: Int, to table: String) {
        written[table, default: 0] += count
    }

    // MARK: Runs

    public func insertRun(_ run: RunRecord) throws(StoreError) -> Int64 {
        let rows = try db.query(
            "INSERT INTO runs(job, app, started_ms) VALUES($1, $2, $3) RETURNING id",
            [run.job, run.app, String(run.started.millisecondsSince1970)])
        return rows.int64(0, 0) ?? 0
    }

    public func updateRun(_ run: RunRecord) throws(StoreError) {
        let counts = JSONValue.object(
            JSONObject(
                run.counts.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number(String($0.value))) })
        )
        let inputs = JSONValue.array(run.inputs.map { .string($0) })
        try db.query(
            "UPDATE runs SET finished_ms = $1, outcome = $2, reason = $3, counts = $4, inputs = $5 WHERE id = $6",
            [
                run.finished.map { String($0.millisecondsSince1970) }, run.outcome?.rawValue, run.reason,
                JSONWriter.string(counts), JSONWriter.string(inputs), String(run.id),
            ])
    }

    // MARK: JSON columns

    /// A JSON column read back; text that does not parse is damage named by `row`.
    func json(_ rows: PostgresRows, _ row: Int32, _ column: Int32, name: String, at what: @autoclosure () -> String)
        throws(StoreError) -> JSONValue?
    {
        guard let bytes = rows.bytes(row, column) else { return nil }
        do {
            return try parser.parse(bytes)
        } catch {
            throw db.corrupt("\(what()): column \(name) is not valid JSON")
        }
    }
}
