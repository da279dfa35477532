import SCIMKit

/// The local user store and provisioning history, as the core sees it.
///
/// A run opens one transaction (`begin`), reads and writes through these calls, and then either
/// commits or rolls back: everything a run does lands together or not at all. Implementations:
/// `SQLiteStore` (embedded). Look-ups by `userName` and `email` are case-insensitive.
public protocol ProvisioningStore: AnyObject {
    /// Where the store lives, for messages.
    var location: String { get }
    /// The bytes a run may hold changed users in before writing them (`RunState`'s compact
    /// tier): a run's memory budget less what the store itself keeps in the process.
    var runCacheBytes: Int { get }
    /// How many log records a run asks the store about in one batch (`RunEngine.prefetch`).
    /// A server store answers each batch in a round trip that waits for the writes sent before
    /// it, so larger batches let the client work while the server writes.
    var prefetchRecords: Int { get }

    func begin() throws(StoreError)
    func commit() throws(StoreError)
    func rollback()

    // MARK: Applications
    /// The spelling the store keeps for the application `name` (compared by `AppName.key`);
    /// a new application is registered under `name` as given, inside the current transaction.
    func canonicalApp(_ name: String) throws(StoreError) -> String

    // MARK: Runs
    func insertRun(_ run: RunRecord) throws(StoreError) -> Int64
    func updateRun(_ run: RunRecord) throws(StoreError)

    // MARK: Users
    func findUser(app: String, by key: MatchKey, value: String) throws(StoreError) -> [LocalUser]
    /// The users of `app` with these SCIM ids, in no particular order; ids not found are left out.
    /// The batched look-up a run makes for a chunk of records ahead (one query, not one a record).
    func users(app: String, ids: [String]) throws(StoreError) -> [LocalUser]
    /// The users of `app` whose `key` is one of `values` (compared as `findUser` compares), in no
    /// particular order: the batched look-up a run makes for the POSTs and rows of a chunk.
    func findUsers(app: String, by key: MatchKey, values: [String]) throws(StoreError) -> [LocalUser]
    func saveUser(_ user: LocalUser) throws(StoreError)
    /// Saves users in their order: the batched write-back of a run's cache.
    func saveUsers(_ users: [LocalUser]) throws(StoreError)
    /// Saves a user the run has just created: no user by its id was found (a store may try its
    /// insert first, and must still update a row it finds).
    func createUser(_ user: LocalUser) throws(StoreError)
    /// Saves users already encoded as the store writes them, in their order: the write-back of the
    /// changed users a run's cache holds compactly.
    func saveEncodedUsers(_ users: [EncodedUser]) throws(StoreError)
    func deleteUser(app: String, id: String) throws(StoreError)
    /// Gives a user a new SCIM id, memberships included.
    func renameUser(app: String, from id: String, to newID: String) throws(StoreError)
    func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int
    /// Marks a user as present in a snapshot read by `run`.
    func markSeen(app: String, id: String, run: Int64) throws(StoreError)
    /// Marks users as present in the snapshot of `run`, in one batch.
    func markSeen(app: String, ids: [String], run: Int64) throws(StoreError)
    /// Active users of `app` that the snapshot of `run` did not contain.
    func unseenUsers(app: String, run: Int64) throws(StoreError) -> [LocalUser]
    /// Disabled users of `app` whose grace period ended at or before `now`.
    func usersDueForDeletion(app: String, now: Timestamp) throws(StoreError) -> [LocalUser]
    /// Notes that these users of `app` are exactly as the stateful rows (snapshot or CSV rows)
    /// with these digests leave them (`RowDigest`). Any later write of a user forgets its digest:
    /// a save carries one only in `EncodedUser.rowDigest`.
    func setRowDigests(app: String, _ digests: [(id: String, digest: Fingerprint)]) throws(StoreError)
    /// The user of `app` the row with this digest left as it is now, if there is one and no other
    /// user of `app` shares its value of any of `keys` (so that matching the row again would find
    /// it alone); nil otherwise. A row it answers for needs no reading: it would change nothing.
    func userWritten(app: String, byRow digest: Fingerprint, unsharedKeys keys: [MatchKey]) throws(StoreError)
        -> RowWrittenUser?
    /// `userWritten` for a chunk of rows at once (one round trip on a server store), by digest;
    /// the digests it does not answer for have no such user.
    func usersWritten(app: String, byRows digests: [Fingerprint], unsharedKeys keys: [MatchKey])
        throws(StoreError) -> [Fingerprint: RowWrittenUser]

    // MARK: Groups
    func group(app: String, id: String) throws(StoreError) -> LocalGroup?
    func saveGroup(_ group: LocalGroup) throws(StoreError)
    func deleteGroup(app: String, id: String) throws(StoreError)
    func members(app: String, groupID: String) throws(StoreError) -> [String]
    func addMember(app: String, groupID: String, userID: String) throws(StoreError)
    /// Adds memberships of `app` in one batch (a pair already there stays as it is): the run's
    /// cache writes a chunk of group PATCHes' additions at once.
    func addMembers(app: String, _ pairs: [(groupID: String, userID: String)]) throws(StoreError)
    func removeMember(app: String, groupID: String, userID: String) throws(StoreError)
    /// Display names of the groups a user belongs to.
    func groupNames(app: String, userID: String) throws(StoreError) -> [String]

    // MARK: History
    func appendEvent(_ event: ProvisioningEvent, email: String?) throws(StoreError)
    /// Appends events in their order: the batched path a run's write-back cache takes (a store
    /// writes them with multi-row inserts or COPY, not a round trip each).
    func appendEvents(_ events: [(event: ProvisioningEvent, email: String?)]) throws(StoreError)
    /// Which of these replayed records (by fingerprint) were already applied for `app`: one
    /// batched look-up for a chunk of records.
    func appliedFingerprints(app: String, among fingerprints: [Fingerprint]) throws(StoreError) -> Set<Fingerprint>
    /// Marks records applied for `app` by `run`; one already marked stays as it is.
    func markApplied(app: String, _ fingerprints: [Fingerprint], run: Int64) throws(StoreError)
    /// Whether the history shows a successful local delete of this user id in `app`.
    func wasDeleted(app: String, id: String) throws(StoreError) -> Bool

    // MARK: Checkpoints
    func checkpoint(job: String, path: String) throws(StoreError) -> Checkpoint?
    func saveCheckpoint(job: String, _ checkpoint: Checkpoint) throws(StoreError)
}

/// The batched calls one at a time, for stores without a batched path (the in-memory store).
extension ProvisioningStore {
    /// 11 MiB: what is left of the run's 100 MB beside an embedded store's own page cache
    /// (SQLite's 16 MiB) at any length of log (measured with the bench's 800k-record replay).
    public var runCacheBytes: Int { 11 << 20 }
    /// 128: an embedded store answers at once; larger batches only hold more lines in memory.
    public var prefetchRecords: Int { 128 }

    public func appendEvents(_ events: [(event: ProvisioningEvent, email: String?)]) throws(StoreError) {
        for item in events { try appendEvent(item.event, email: item.email) }
    }

    public func users(app: String, ids: [String]) throws(StoreError) -> [LocalUser] {
        var found: [LocalUser] = []
        for id in ids { found += try findUser(app: app, by: .id, value: id) }
        return found
    }

    public func saveUsers(_ users: [LocalUser]) throws(StoreError) {
        for user in users { try saveUser(user) }
    }

    public func createUser(_ user: LocalUser) throws(StoreError) { try saveUser(user) }

    public func saveEncodedUsers(_ users: [EncodedUser]) throws(StoreError) {
        var parser = JSONParser()
        var decoded: [LocalUser] = []
        decoded.reserveCapacity(users.count)
        for user in users { decoded.append(try user.decoded(parser: &parser)) }
        try saveUsers(decoded)
    }

    public func findUsers(app: String, by key: MatchKey, values: [String]) throws(StoreError) -> [LocalUser] {
        var found: [String: LocalUser] = [:]
        for value in values {
            for user in try findUser(app: app, by: key, value: value) { found[user.id] = user }
        }
        return Array(found.values)
    }

    public func markSeen(app: String, ids: [String], run: Int64) throws(StoreError) {
        for id in ids { try markSeen(app: app, id: id, run: run) }
    }

    /// A store without row digests reads every row in full.
    public func setRowDigests(app: String, _ digests: [(id: String, digest: Fingerprint)]) throws(StoreError) {}

    public func userWritten(app: String, byRow digest: Fingerprint, unsharedKeys keys: [MatchKey])
        throws(StoreError) -> RowWrittenUser?
    { nil }

    public func usersWritten(app: String, byRows digests: [Fingerprint], unsharedKeys keys: [MatchKey])
        throws(StoreError) -> [Fingerprint: RowWrittenUser]
    {
        var found: [Fingerprint: RowWrittenUser] = [:]
        for digest in digests {
            found[digest] = try userWritten(app: app, byRow: digest, unsharedKeys: keys)
        }
        return found
    }

    public func addMembers(app: String, _ pairs: [(groupID: String, userID: String)]) throws(StoreError) {
        for pair in pairs { try addMember(app: app, groupID: pair.groupID, userID: pair.userID) }
    }

    /// Whether one replayed record was already applied for `app`.
    public func isApplied(app: String, fingerprint: Fingerprint) throws(StoreError) -> Bool {
        try appliedFingerprints(app: app, among: [fingerprint]).contains(fingerprint)
    }

    public func markApplied(app: String, fingerprint: Fingerprint, run: Int64) throws(StoreError) {
        try markApplied(app: app, [fingerprint], run: run)
    }
}
