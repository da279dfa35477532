import SCIMReconCore

/// A run that appends a large history defers three of its look-up indexes to its commit.
///
/// Every event goes into the history's look-up indexes by userName, externalId and email, whose
/// keys arrive in random order: once those b-trees outgrow the page cache, each insert reads and
/// later rewrites a page that is not in memory, and a million-event replay spends most of its
/// time there. When a run has appended more events than `deferralThreshold` allows, it drops
/// those indexes inside its own transaction and builds them again, by sorting, just before it
/// commits: readers never see the store without them (they read the snapshot before the commit),
/// a rollback restores them untouched, and nothing the run itself queries needs them
/// (`wasDeleted` reads `events_by_user_id`, which stays).
extension SQLiteStore {
    static let deferrableIndexes = [
        ("events_by_user", "CREATE INDEX events_by_user ON events(user_key)"),
        ("events_by_external_id", "CREATE INDEX events_by_external_id ON events(external_id_key)"),
        ("events_by_email", "CREATE INDEX events_by_email ON events(email_key)"),
    ]

    /// How many events a run appends before its indexes are deferred: building them again costs
    /// a sort of the whole history, so a run must add at least half as many events as there were
    /// (and a few thousand, so that a small run into a new store does not rebuild for nothing).
    /// Into an empty or young history that comes early: a bulk replay keeps the three random-order
    /// b-trees out of its inserts almost from its first batch, and sorts them once at the commit.
    func deferralThreshold() -> Int { max(8_192, Int(bulk.eventsBefore / 2)) }

    /// Called at `begin`: forgets the last run's counts and notes the history's size.
    func startBulkTracking() throws(StoreError) {
        let statement = try db.statement("SELECT coalesce(max(seq), 0) FROM events")
        _ = try statement.step()
        bulk = BulkState(eventsBefore: statement.int64(0) ?? 0)
        statement.reset()
    }

    /// Called after events are appended.
    func noteAppendedEvents(_ count: Int) throws(StoreError) {
        bulk.appended += count
        guard !bulk.deferred, bulk.appended >= deferralThreshold() else { return }
        db.resetCachedStatements()
        for (name, _) in Self.deferrableIndexes { try db.execute("DROP INDEX IF EXISTS \(name)") }
        bulk.deferred = true
    }

    /// Called before `COMMIT`: builds the deferred indexes again, spilling the sort to temporary
    /// files rather than memory.
    func rebuildDeferredIndexes() throws(StoreError) {
        guard bulk.deferred else { return }
        db.resetCachedStatements()
        // The sorter keeps up to a page cache's worth of keys in memory: shrink the cache while it
        // runs, so building the indexes does not raise the run's peak memory.
        try db.execute("PRAGMA temp_store=FILE; PRAGMA cache_size=-4096;")
        defer { try? db.execute("PRAGMA temp_store=MEMORY; PRAGMA cache_size=\(Self.pageCacheSize);") }
        for (_, sql) in Self.deferrableIndexes { try db.execute(sql) }
        bulk.deferred = false
    }
}

/// What the store knows about the events the current transaction appended.
struct BulkState {
    var eventsBefore: Int64 = 0
    var appended = 0
    var deferred = false
}
