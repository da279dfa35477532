import SCIMKit

/// The local user store and provisioning history, as the core sees it.
///
/// A run opens one transaction (`begin`), reads and writes through these calls, and then either
/// commits or rolls back: everything a run does lands together or not at all. Implementations:
/// `SQLiteStore` (embedded). Look-ups by `userName` and `email` are case-insensitive.
public protocol ProvisioningStore: AnyObject {
    /// Where the store lives, for messages.
    var location: String { get }

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
    func saveUser(_ user: LocalUser) throws(StoreError)
    func deleteUser(app: String, id: String) throws(StoreError)
    /// Gives a user a new SCIM id, memberships included.
    func renameUser(app: String, from id: String, to newID: String) throws(StoreError)
    func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int
    /// Marks a user as present in a snapshot read by `run`.
    func markSeen(app: String, id: String, run: Int64) throws(StoreError)
    /// Active users of `app` that the snapshot of `run` did not contain.
    func unseenUsers(app: String, run: Int64) throws(StoreError) -> [LocalUser]
    /// Disabled users of `app` whose grace period ended at or before `now`.
    func usersDueForDeletion(app: String, now: Timestamp) throws(StoreError) -> [LocalUser]

    // MARK: Groups
    func group(app: String, id: String) throws(StoreError) -> LocalGroup?
    func saveGroup(_ group: LocalGroup) throws(StoreError)
    func deleteGroup(app: String, id: String) throws(StoreError)
    func members(app: String, groupID: String) throws(StoreError) -> [String]
    func addMember(app: String, groupID: String, userID: String) throws(StoreError)
    func removeMember(app: String, groupID: String, userID: String) throws(StoreError)
    /// Display names of the groups a user belongs to.
    func groupNames(app: String, userID: String) throws(StoreError) -> [String]

    // MARK: History
    func appendEvent(_ event: ProvisioningEvent, email: String?) throws(StoreError)
    /// Appends events in their order: the batched path a run's write-back cache takes (a store
    /// writes them with multi-row inserts or COPY, not a round trip each).
    func appendEvents(_ events: [(event: ProvisioningEvent, email: String?)]) throws(StoreError)
    /// Whether a replayed record (by its fingerprint) was already applied for `app`.
    func isApplied(app: String, fingerprint: String) throws(StoreError) -> Bool
    func markApplied(app: String, fingerprint: String, run: Int64) throws(StoreError)
    /// Whether the history shows a successful local delete of this user id in `app`.
    func wasDeleted(app: String, id: String) throws(StoreError) -> Bool

    // MARK: Checkpoints
    func checkpoint(job: String, path: String) throws(StoreError) -> Checkpoint?
    func saveCheckpoint(job: String, _ checkpoint: Checkpoint) throws(StoreError)
}

extension ProvisioningStore {
    /// One `appendEvent` per event, for stores without a batched path.
    public func appendEvents(_ events: [(event: ProvisioningEvent, email: String?)]) throws(StoreError) {
        for item in events { try appendEvent(item.event, email: item.email) }
    }
}
