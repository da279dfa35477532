import SCIMKit

/// A store held in memory: the reference implementation of the store contract.
///
/// `validate` and a `plan` against a store that does not exist yet run on it, so they create
/// nothing; the unit tests of the reconciliation rules run on it without a file. It keeps the
/// same semantics as the SQLite store (case-folded look-ups, time-ordered history, one
/// transaction that commits or rolls back whole), which the store contract suite checks for both.
public final class InMemoryStore: ProvisioningStore, StoreQueries {
    /// Everything the store holds; a transaction keeps a copy to roll back to.
    struct Contents {
        var apps: [String: String] = [:]
        var runs: [RunRecord] = []
        var users: [UserKey: LocalUser] = [:]
        var seen: [UserKey: Int64] = [:]
        var rowDigests: [UserKey: Fingerprint] = [:]
        var groups: [UserKey: LocalGroup] = [:]
        var memberships: [UserKey: Set<String>] = [:]
        var events: [(event: ProvisioningEvent, email: String?)] = []
        var applied: Set<AppliedKey> = []
        var checkpoints: [UserKey: Checkpoint] = [:]
    }

    /// An (app, id) or (job, path) pair.
    struct AppliedKey: Hashable {
        var app: String
        var fingerprint: Fingerprint
    }

    struct UserKey: Hashable {
        var first: String
        var second: String
    }

    public let location: String
    /// Whether events are kept; `validate` passes false so a large input does not fill memory
    /// with a history nobody reads.
    public let recordsHistory: Bool
    var contents = Contents()
    private var saved: Contents?

    /// An empty store; `location` names it in messages.
    public init(location: String = "(memory)", recordsHistory: Bool = true) {
        self.location = location
        self.recordsHistory = recordsHistory
    }

    // MARK: Transactions

    public func begin() throws(StoreError) {
        guard saved == nil else { throw StoreError("\(location): a transaction is already open") }
        saved = contents
    }

    public func commit() throws(StoreError) {
        guard saved != nil else { throw StoreError("\(location): commit without a transaction") }
        saved = nil
    }

    public func rollback() {
        if let saved { contents = saved }
        saved = nil
    }

    // MARK: Applications

    public func canonicalApp(_ name: String) throws(StoreError) -> String {
        let key = AppName.key(name)
        if let known = contents.apps[key] { return known }
        contents.apps[key] = name
        return name
    }

    public func applications() throws(StoreError) -> [String] {
        contents.apps.values.sorted { AppName.key($0) < AppName.key($1) }
    }

    // MARK: Runs

    public func insertRun(_ run: RunRecord) throws(StoreError) -> Int64 {
        var copy = run
        copy.id = Int64(contents.runs.count + 1)
        contents.runs.append(copy)
        return copy.id
    }

    public func updateRun(_ run: RunRecord) throws(StoreError) {
        guard let index = contents.runs.firstIndex(where: { $0.id == run.id }) else {
            throw StoreError("\(location): table runs: no run \(run.id)")
        }
        contents.runs[index] = run
    }

    // MARK: Users

    public func findUser(app: String, by key: MatchKey, value: String) throws(StoreError) -> [LocalUser] {
        let folded = value.lowercased()
        return contents.users.values.filter { user in
            guard user.app == app else { return false }
            switch key {
            case .id: return user.id == value
            case .userName: return user.userName.lowercased() == folded
            case .externalId: return user.externalID == value
            case .email: return user.email?.lowercased() == folded
            }
        }.sorted { $0.id < $1.id }
    }

    public func saveUser(_ user: LocalUser) throws(StoreError) {
        let key = UserKey(first: user.app, second: user.id)
        contents.users[key] = user
        contents.rowDigests[key] = nil
    }

    public func saveEncodedUsers(_ users: [EncodedUser]) throws(StoreError) {
        var parser = JSONParser()
        for encoded in users {
            try saveUser(try encoded.decoded(parser: &parser))
            contents.rowDigests[UserKey(first: encoded.app, second: encoded.id)] = encoded.rowDigest
        }
    }

    public func setRowDigests(app: String, _ digests: [(id: String, digest: Fingerprint)]) throws(StoreError) {
        for (id, digest) in digests where contents.users[UserKey(first: app, second: id)] != nil {
            contents.rowDigests[UserKey(first: app, second: id)] = digest
        }
    }

    public func userWritten(app: String, byRow digest: Fingerprint, unsharedKeys keys: [MatchKey])
        throws(StoreError) -> RowWrittenUser?
    {
        guard let key = contents.rowDigests.first(where: { $0.key.first == app && $0.value == digest })?.key,
            let user = contents.users[key]
        else { return nil }
        var values: [MatchKey: String] = [:]
        for match in keys where match != .id {
            guard let value = match.key(of: user) else { continue }
            guard try findUser(app: app, by: match, value: value).count == 1 else { return nil }
            values[match] = match.folded(value)
        }
        return RowWrittenUser(id: user.id, keys: values)
    }

    public func deleteUser(app: String, id: String) throws(StoreError) {
        let key = UserKey(first: app, second: id)
        contents.users[key] = nil
        contents.seen[key] = nil
        contents.rowDigests[key] = nil
        for (group, members) in contents.memberships where group.first == app && members.contains(id) {
            contents.memberships[group]?.remove(id)
        }
    }

    public func renameUser(app: String, from id: String, to newID: String) throws(StoreError) {
        let old = UserKey(first: app, second: id)
        guard var user = contents.users.removeValue(forKey: old) else { return }
        contents.rowDigests[old] = nil
        user.id = newID
        contents.users[UserKey(first: app, second: newID)] = user
        if let seen = contents.seen.removeValue(forKey: old) {
            contents.seen[UserKey(first: app, second: newID)] = seen
        }
        for (group, members) in contents.memberships where group.first == app && members.contains(id) {
            contents.memberships[group]?.remove(id)
            contents.memberships[group]?.insert(newID)
        }
    }

    public func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int {
        contents.users.values.count { $0.app == app && (!activeOnly || $0.active) }
    }

    public func markSeen(app: String, id: String, run: Int64) throws(StoreError) {
        let key = UserKey(first: app, second: id)
        guard contents.users[key] != nil else { return }
        contents.seen[key] = run
    }

    public func unseenUsers(app: String, run: Int64) throws(StoreError) -> [LocalUser] {
        contents.users.filter { key, user in
            user.app == app && user.active && contents.seen[key] != run
        }.map(\.value).sorted { ($0.userName.lowercased(), $0.id) < ($1.userName.lowercased(), $1.id) }
    }

    public func usersDueForDeletion(app: String, now: Timestamp) throws(StoreError) -> [LocalUser] {
        contents.users.values.filter { user in
            guard user.app == app, !user.active, let due = user.deleteAfter else { return false }
            return due <= now
        }.sorted { ($0.deleteAfter!, $0.id) < ($1.deleteAfter!, $1.id) }
    }

    // MARK: Groups

    public func group(app: String, id: String) throws(StoreError) -> LocalGroup? {
        contents.groups[UserKey(first: app, second: id)]
    }

    public func saveGroup(_ group: LocalGroup) throws(StoreError) {
        contents.groups[UserKey(first: group.app, second: group.id)] = group
    }

    public func deleteGroup(app: String, id: String) throws(StoreError) {
        let key = UserKey(first: app, second: id)
        contents.groups[key] = nil
        contents.memberships[key] = nil
    }

    public func members(app: String, groupID: String) throws(StoreError) -> [String] {
        // By UTF-8 bytes, as SQLite's BINARY and PostgreSQL's "C" collation order them.
        (contents.memberships[UserKey(first: app, second: groupID)] ?? []).sorted { $0.precedesByUTF8($1) }
    }

    public func addMember(app: String, groupID: String, userID: String) throws(StoreError) {
        contents.memberships[UserKey(first: app, second: groupID), default: []].insert(userID)
    }

    public func removeMember(app: String, groupID: String, userID: String) throws(StoreError) {
        contents.memberships[UserKey(first: app, second: groupID)]?.remove(userID)
    }

    public func groupNames(app: String, userID: String) throws(StoreError) -> [String] {
        contents.memberships.filter { $0.key.first == app && $0.value.contains(userID) }
            .compactMap { contents.groups[$0.key] }
            .sorted { ($0.displayName.lowercased(), $0.id) < ($1.displayName.lowercased(), $1.id) }
            .map(\.displayName)
    }

    // MARK: History

    public func appendEvent(_ event: ProvisioningEvent, email: String?) throws(StoreError) {
        guard recordsHistory else { return }
        contents.events.append((event, email))
    }

    public func appliedFingerprints(app: String, among fingerprints: [Fingerprint]) throws(StoreError)
        -> Set<Fingerprint>
    {
        Set(fingerprints.filter { contents.applied.contains(AppliedKey(app: app, fingerprint: $0)) })
    }

    public func markApplied(app: String, _ fingerprints: [Fingerprint], run: Int64) throws(StoreError) {
        for fingerprint in fingerprints { contents.applied.insert(AppliedKey(app: app, fingerprint: fingerprint)) }
    }

    public func wasDeleted(app: String, id: String) throws(StoreError) -> Bool {
        let folded = id.lowercased()
        return contents.events.contains { item in
            item.event.app == app && item.event.action == .delete && item.event.status == .success
                && item.event.userID?.lowercased() == folded
        }
    }

    // MARK: Checkpoints

    public func checkpoint(job: String, path: String) throws(StoreError) -> Checkpoint? {
        contents.checkpoints[UserKey(first: job, second: path)]
    }

    public func saveCheckpoint(job: String, _ checkpoint: Checkpoint) throws(StoreError) {
        contents.checkpoints[UserKey(first: job, second: checkpoint.path)] = checkpoint
    }

    // MARK: Queries

    public func reading<T>(_ body: () throws -> T) throws -> T { try body() }

    /// Events matching `filter`, in time order and then the order they were recorded.
    private func matchingEvents(_ filter: ReportFilter) -> [ProvisioningEvent] {
        contents.events.enumerated().filter { filter.matches($0.element.event, email: $0.element.email) }
            .sorted { ($0.element.event.time, $0.offset) < ($1.element.event.time, $1.offset) }
            .map(\.element.event)
    }

    public func countEvents(_ filter: ReportFilter) throws(StoreError) -> Int { matchingEvents(filter).count }
    public func hasEvents(_ filter: ReportFilter) throws(StoreError) -> Bool { !matchingEvents(filter).isEmpty }
    public func eventSpan(_ filter: ReportFilter) throws(StoreError) -> EventSpan? {
        let times = matchingEvents(filter).map(\.time)
        guard let first = times.min(), let last = times.max() else { return nil }
        return EventSpan(count: times.count, first: first, last: last)
    }

    public func forEachEvent(_ filter: ReportFilter, _ body: (ProvisioningEvent) throws -> Void) throws {
        for event in matchingEvents(filter) { try body(event) }
    }

    public func forEachUser(app: String?, user: String?, _ body: (LocalUser, [String]) throws -> Void) throws {
        let pattern = user.map(UserPattern.init)
        let users = contents.users.values.filter { local in
            if let app, !AppName.same(local.app, app) { return false }
            guard let pattern else { return true }
            return [local.userName, local.email, local.externalID, local.id].compactMap { $0 }
                .contains(where: pattern.matches)
        }.sorted { ($0.app, $0.userName.lowercased(), $0.id) < ($1.app, $1.userName.lowercased(), $1.id) }
        for local in users { try body(local, try groupNames(app: local.app, userID: local.id)) }
    }

    public func forEachGroup(app: String?, _ body: (LocalGroup, [String]) throws -> Void) throws {
        let groups = contents.groups.values.filter { group in app.map { AppName.same($0, group.app) } ?? true }
            .sorted {
                ($0.app, $0.displayName.lowercased(), $0.id) < ($1.app, $1.displayName.lowercased(), $1.id)
            }
        for group in groups {
            let names = try members(app: group.app, groupID: group.id).map { id in
                contents.users[UserKey(first: group.app, second: id)]?.userName ?? id
            }
            try body(group, names.sorted())
        }
    }

    public func forEachRun(_ body: (RunRecord) throws -> Void) throws {
        for run in contents.runs { try body(run) }
    }

    public func pruneEvents(before cutoff: Timestamp) throws(StoreError) -> Int {
        let before = contents.events.count
        contents.events.removeAll { $0.event.time < cutoff }
        return before - contents.events.count
    }
}
