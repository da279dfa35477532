import SCIMKit

/// The users a run touches, decoded once and held in memory, in front of the real store: a
/// bounded write-back cache that any store gets (SQLite today, PostgreSQL next).
///
/// A PATCH replayed against a user reads it from here after the first time, and the user is
/// written back once per flush instead of once per record; events are appended in batches
/// (`ProvisioningStore.appendEvents`). What a run reads through it is what the store would answer
/// had every write gone straight through — the store contract suite runs against it too.
/// Everything it holds is written inside the run's transaction, before the commit, so a crash
/// or a rollback loses it together with the rest of the run.
///
/// Deletes, renames and memberships write through at once (they are rare, and other tables
/// follow them); queries over many users (`unseenUsers`, `userCount`, due deletions) flush first.
public final class RunState: ProvisioningStore {
    /// A cached user: as the store has it, or as the run left it (`dirty`), or gone.
    enum Entry {
        case present(LocalUser, dirty: Bool)
        case deleted
    }

    struct Key: Hashable {
        var app: String
        var value: String
    }

    public let base: any ProvisioningStore
    /// The most users held; at the limit the dirty ones are written back and all forgotten, so
    /// memory stays bounded however many users a run touches.
    let entryLimit: Int
    /// The most events held before they are appended.
    let eventLimit: Int

    private var entries: [Key: Entry] = [:]
    private var dirty: Set<Key> = []
    /// Secondary look-ups over dirty users, whose keys the store does not know yet.
    private var byUserName: [Key: Set<String>] = [:]
    private var byExternalID: [Key: Set<String>] = [:]
    private var byEmail: [Key: Set<String>] = [:]
    private var seen: [Key: Int64] = [:]
    private var events: [(event: ProvisioningEvent, email: String?)] = []
    /// Records marked applied by this run and not yet written, by app (`markLimit` at most).
    private var marks: [String: [Fingerprint]] = [:]
    private var marked: Set<AppliedKey> = []
    /// What the last `prefetchApplied` learnt from the store: which records it checked, and which
    /// of those it had applied before this run.
    private var checked: Set<AppliedKey> = []
    private var knownApplied: Set<AppliedKey> = []
    /// What the store answered, in the last `prefetchMatches`, for look-ups by userName,
    /// externalId or email (by app, key and folded value). Dropped whenever the run writes
    /// users through to the store, so it never answers for a store that changed since.
    private var storedMatches: [MatchCacheKey: [LocalUser]] = [:]

    struct MatchCacheKey: Hashable {
        var app: String
        var match: MatchKey
        var value: String
    }
    /// The most applied-marks held before they are written.
    let markLimit: Int
    private var markRun: Int64 = 0

    public struct AppliedKey: Hashable, Sendable {
        public var app: String
        public var fingerprint: Fingerprint

        public init(app: String, fingerprint: Fingerprint) {
            self.app = app
            self.fingerprint = fingerprint
        }
    }

    public var location: String { base.location }
    /// Called before each write-back that writes something (the `flush` fail point).
    public var willWriteBack: (() throws(StoreError) -> Void)?

    public init(base: any ProvisioningStore, entryLimit: Int = 2_048, eventLimit: Int = 2_048, markLimit: Int = 4_096) {
        self.base = base
        self.entryLimit = entryLimit
        self.eventLimit = eventLimit
        self.markLimit = markLimit
    }

    // MARK: Transactions

    public func begin() throws(StoreError) {
        forget()
        try base.begin()
    }

    public func commit() throws(StoreError) {
        try flush()
        try base.commit()
        forget()
    }

    public func rollback() {
        forget()
        base.rollback()
    }

    private func forget() {
        entries = [:]
        dirty = []
        byUserName = [:]
        byExternalID = [:]
        byEmail = [:]
        seen = [:]
        events = []
        marks = [:]
        marked = []
        checked = []
        knownApplied = []
        storedMatches = [:]
    }

    /// Writes every dirty user, pending mark and event to the store (inside its transaction).
    public func flush() throws(StoreError) {
        try flushUsers()
        try flushEvents()
        try flushMarks()
    }

    private func flushMarks() throws(StoreError) {
        guard !marks.isEmpty else { return }
        try willWriteBack?()
        for (app, fingerprints) in marks.sorted(by: { $0.key < $1.key }) {
            try base.markApplied(app: app, fingerprints, run: markRun)
        }
        marks = [:]
        marked = []
        // The store knows these marks now; what the last prefetch learnt predates them, so the
        // rest of the chunk asks the store (a record repeated after a flush is still recognised).
        checked = []
        knownApplied = []
    }

    private func flushUsers() throws(StoreError) {
        if !dirty.isEmpty || !seen.isEmpty { try willWriteBack?() }
        storedMatches = [:]
        var users: [LocalUser] = []
        users.reserveCapacity(dirty.count)
        for key in dirty.sorted(by: { ($0.app, $0.value) < ($1.app, $1.value) }) {
            if case .present(let user, _)? = entries[key] {
                users.append(user)
                entries[key] = .present(user, dirty: false)
            }
        }
        try base.saveUsers(users)
        dirty = []
        byUserName = [:]
        byExternalID = [:]
        byEmail = [:]
        var seenIDs: [SeenKey: [String]] = [:]
        for (key, run) in seen { seenIDs[SeenKey(app: key.app, run: run), default: []].append(key.value) }
        for (key, ids) in seenIDs.sorted(by: { ($0.key.app, $0.key.run) < ($1.key.app, $1.key.run) }) {
            try base.markSeen(app: key.app, ids: ids.sorted(), run: key.run)
        }
        seen = [:]
    }

    private struct SeenKey: Hashable {
        var app: String
        var run: Int64
    }

    /// Makes room before one more user is held.
    private func makeRoom(force: Bool = false) throws(StoreError) {
        guard force || entries.count >= entryLimit else { return }
        storedMatches = [:]
        try flushUsers()
        entries = [:]
    }

    private func flushEvents() throws(StoreError) {
        guard !events.isEmpty else { return }
        try willWriteBack?()
        try base.appendEvents(events)
        events = []
    }

    /// Writes one user's pending state before a write-through operation on it.
    private func flush(_ key: Key) throws(StoreError) {
        guard dirty.contains(key) else { return }
        try willWriteBack?()
        if case .present(let user, _)? = entries[key] {
            try base.saveUser(user)
            unindex(key)
            entries[key] = .present(user, dirty: false)
        }
        dirty.remove(key)
        if let run = seen.removeValue(forKey: key) { try base.markSeen(app: key.app, id: key.value, run: run) }
    }

    // MARK: Applications, runs, checkpoints, groups: straight through

    public func canonicalApp(_ name: String) throws(StoreError) -> String { try base.canonicalApp(name) }
    public func insertRun(_ run: RunRecord) throws(StoreError) -> Int64 { try base.insertRun(run) }
    public func updateRun(_ run: RunRecord) throws(StoreError) { try base.updateRun(run) }
    public func checkpoint(job: String, path: String) throws(StoreError) -> Checkpoint? {
        try base.checkpoint(job: job, path: path)
    }
    public func saveCheckpoint(job: String, _ checkpoint: Checkpoint) throws(StoreError) {
        try base.saveCheckpoint(job: job, checkpoint)
    }
    public func group(app: String, id: String) throws(StoreError) -> LocalGroup? { try base.group(app: app, id: id) }
    public func saveGroup(_ group: LocalGroup) throws(StoreError) { try base.saveGroup(group) }
    public func deleteGroup(app: String, id: String) throws(StoreError) { try base.deleteGroup(app: app, id: id) }
    public func members(app: String, groupID: String) throws(StoreError) -> [String] {
        try base.members(app: app, groupID: groupID)
    }
    public func addMember(app: String, groupID: String, userID: String) throws(StoreError) {
        try base.addMember(app: app, groupID: groupID, userID: userID)
    }
    public func removeMember(app: String, groupID: String, userID: String) throws(StoreError) {
        try base.removeMember(app: app, groupID: groupID, userID: userID)
    }
    public func groupNames(app: String, userID: String) throws(StoreError) -> [String] {
        try base.groupNames(app: app, userID: userID)
    }
    public func appliedFingerprints(app: String, among fingerprints: [Fingerprint]) throws(StoreError)
        -> Set<Fingerprint>
    {
        var applied: Set<Fingerprint> = []
        var unknown: [Fingerprint] = []
        for fingerprint in fingerprints {
            let key = AppliedKey(app: app, fingerprint: fingerprint)
            if marked.contains(key) || knownApplied.contains(key) {
                applied.insert(fingerprint)
            } else if !checked.contains(key) {
                unknown.append(fingerprint)
            }
        }
        guard !unknown.isEmpty else { return applied }
        return applied.union(try base.appliedFingerprints(app: app, among: unknown))
    }

    /// Asks the store in one batch which of a chunk of records it applied before, so that the
    /// record-by-record checks that follow are answered from memory (until the next prefetch).
    public func prefetchApplied(_ fingerprints: [AppliedKey]) throws(StoreError) {
        checked = []
        knownApplied = []
        var byApp: [String: [Fingerprint]] = [:]
        for key in fingerprints where !marked.contains(key) { byApp[key.app, default: []].append(key.fingerprint) }
        for (app, list) in byApp {
            for fingerprint in try base.appliedFingerprints(app: app, among: list) {
                knownApplied.insert(AppliedKey(app: app, fingerprint: fingerprint))
            }
            for fingerprint in list { checked.insert(AppliedKey(app: app, fingerprint: fingerprint)) }
        }
    }

    /// Marks are held and written in batches; a run marks with its own id only.
    public func markApplied(app: String, _ fingerprints: [Fingerprint], run: Int64) throws(StoreError) {
        if markRun != run, !marks.isEmpty { try flushMarks() }
        markRun = run
        for fingerprint in fingerprints where marked.insert(AppliedKey(app: app, fingerprint: fingerprint)).inserted {
            marks[app, default: []].append(fingerprint)
        }
        if marked.count >= markLimit { try flushMarks() }
    }

    // MARK: Users

    public func findUser(app: String, by match: MatchKey, value: String) throws(StoreError) -> [LocalUser] {
        if match == .id {
            let key = Key(app: app, value: value)
            switch entries[key] {
            case .present(let user, _)?: return [user]
            case .deleted?: return []
            case nil:
                let found = try base.findUser(app: app, by: .id, value: value)
                if let user = found.first, found.count == 1 {
                    try makeRoom()
                    entries[key] = .present(user, dirty: false)
                }
                return found
            }
        }
        var result: [String: LocalUser] = [:]
        let answer: [LocalUser]
        if let prefetched = storedMatches[MatchCacheKey(app: app, match: match, value: Self.folded(match, value))] {
            answer = prefetched
        } else {
            answer = try base.findUser(app: app, by: match, value: value)
        }
        for stored in answer {
            let key = Key(app: app, value: stored.id)
            switch entries[key] {
            case .present(let cached, _)?:
                if Self.matches(cached, match, value) { result[cached.id] = cached }
            case .deleted?:
                continue
            case nil:
                result[stored.id] = stored
            }
        }
        let index: [Key: Set<String>]
        switch match {
        case .userName: index = byUserName
        case .externalId: index = byExternalID
        case .email: index = byEmail
        case .id: index = [:]
        }
        for id in index[Key(app: app, value: Self.folded(match, value))] ?? [] where result[id] == nil {
            if case .present(let cached, _)? = entries[Key(app: app, value: id)], Self.matches(cached, match, value) {
                result[id] = cached
            }
        }
        return result.values.sorted { $0.id < $1.id }
    }

    /// Asks the store, in one batched look-up per key, for the users a chunk of POSTs or rows
    /// will match by userName, externalId or email; `findUser` then answers those from memory.
    public func prefetchMatches(app: String, by match: MatchKey, values: [String]) throws(StoreError) {
        guard match != .id else {
            _ = try users(app: app, ids: values)
            return
        }
        var wanted: [String: String] = [:]
        for value in values { wanted[Self.folded(match, value)] = value }
        var answers: [String: [LocalUser]] = [:]
        for folded in wanted.keys { answers[folded] = [] }
        for user in try base.findUsers(app: app, by: match, values: Array(wanted.values).sorted()) {
            guard let value = match.key(of: user) else { continue }
            answers[Self.folded(match, value)]?.append(user)
        }
        for (folded, users) in answers {
            storedMatches[MatchCacheKey(app: app, match: match, value: folded)] = users.sorted { $0.id < $1.id }
        }
    }

    /// Forgets the matches prefetched for the last chunk (a new chunk asks again).
    public func forgetPrefetchedMatches() {
        storedMatches = [:]
    }

    /// Users by id: the cached ones from memory, the rest in one batched look-up, then held.
    public func users(app: String, ids: [String]) throws(StoreError) -> [LocalUser] {
        var found: [LocalUser] = []
        var missing: [String] = []
        for id in Set(ids) {
            switch entries[Key(app: app, value: id)] {
            case .present(let user, _)?: found.append(user)
            case .deleted?: continue
            case nil: missing.append(id)
            }
        }
        guard !missing.isEmpty else { return found }
        let loaded = try base.users(app: app, ids: missing.sorted())
        if entries.count + loaded.count > entryLimit { try makeRoom(force: true) }
        for user in loaded {
            entries[Key(app: app, value: user.id)] = .present(user, dirty: false)
            found.append(user)
        }
        return found
    }

    // `saveUsers` and `findUsers` are the protocol's loops over `saveUser` and `findUser` here:
    // held users are changed and found in memory one by one anyway.

    public func saveUser(_ user: LocalUser) throws(StoreError) {
        let key = Key(app: user.app, value: user.id)
        if entries[key] == nil { try makeRoom() }
        unindex(key)
        entries[key] = .present(user, dirty: true)
        dirty.insert(key)
        index(user)
    }

    public func deleteUser(app: String, id: String) throws(StoreError) {
        let key = Key(app: app, value: id)
        try flush(key)
        storedMatches = [:]
        try base.deleteUser(app: app, id: id)
        entries[key] = .deleted
    }

    public func renameUser(app: String, from id: String, to newID: String) throws(StoreError) {
        let old = Key(app: app, value: id)
        try flush(old)
        try flush(Key(app: app, value: newID))
        storedMatches = [:]
        try base.renameUser(app: app, from: id, to: newID)
        entries[old] = nil
        entries[Key(app: app, value: newID)] = nil
    }

    public func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int {
        try flushUsers()
        return try base.userCount(app: app, activeOnly: activeOnly)
    }

    public func markSeen(app: String, id: String, run: Int64) throws(StoreError) {
        seen[Key(app: app, value: id)] = run
    }

    public func unseenUsers(app: String, run: Int64) throws(StoreError) -> [LocalUser] {
        try flushUsers()
        return try base.unseenUsers(app: app, run: run)
    }

    public func usersDueForDeletion(app: String, now: Timestamp) throws(StoreError) -> [LocalUser] {
        try flushUsers()
        return try base.usersDueForDeletion(app: app, now: now)
    }

    // MARK: History

    public func appendEvent(_ event: ProvisioningEvent, email: String?) throws(StoreError) {
        events.append((event, email))
        if events.count >= eventLimit { try flushEvents() }
    }

    public func appendEvents(_ batch: [(event: ProvisioningEvent, email: String?)]) throws(StoreError) {
        events.append(contentsOf: batch)
        if events.count >= eventLimit { try flushEvents() }
    }

    public func wasDeleted(app: String, id: String) throws(StoreError) -> Bool {
        let folded = id.lowercased()
        if events.contains(where: { item in
            item.event.app == app && item.event.action == .delete && item.event.status == .success
                && item.event.userID?.lowercased() == folded
        }) {
            return true
        }
        return try base.wasDeleted(app: app, id: id)
    }

    // MARK: Secondary look-ups of dirty users

    static func folded(_ match: MatchKey, _ value: String) -> String { match.folded(value) }

    static func matches(_ user: LocalUser, _ match: MatchKey, _ value: String) -> Bool {
        match.key(of: user).map(match.folded) == match.folded(value)
    }

    private func index(_ user: LocalUser) {
        byUserName[Key(app: user.app, value: user.userName.lowercased()), default: []].insert(user.id)
        if let externalID = user.externalID {
            byExternalID[Key(app: user.app, value: externalID), default: []].insert(user.id)
        }
        if let email = user.email {
            byEmail[Key(app: user.app, value: email.lowercased()), default: []].insert(user.id)
        }
    }

    private func unindex(_ key: Key) {
        guard dirty.contains(key), case .present(let user, _)? = entries[key] else { return }
        byUserName[Key(app: user.app, value: user.userName.lowercased())]?.remove(user.id)
        if let externalID = user.externalID { byExternalID[Key(app: user.app, value: externalID)]?.remove(user.id) }
        if let email = user.email { byEmail[Key(app: user.app, value: email.lowercased())]?.remove(user.id) }
    }
}

/// The read side through the run's cache: everything held is written to the store first, then
/// the store answers (so the contract suite can check a `RunState` like any store).
extension RunState: StoreQueries {
    private func queries() throws(StoreError) -> any StoreQueries {
        guard let queries = base as? any StoreQueries else {
            throw StoreError("\(base.location): this store cannot be queried")
        }
        try flush()
        return queries
    }

    public func reading<T>(_ body: () throws -> T) throws -> T { try queries().reading(body) }
    public func applications() throws(StoreError) -> [String] { try queries().applications() }
    public func countEvents(_ filter: ReportFilter) throws(StoreError) -> Int { try queries().countEvents(filter) }
    public func forEachEvent(_ filter: ReportFilter, _ body: (ProvisioningEvent) throws -> Void) throws {
        try queries().forEachEvent(filter, body)
    }
    public func forEachUser(app: String?, user: String?, _ body: (LocalUser, [String]) throws -> Void) throws {
        try queries().forEachUser(app: app, user: user, body)
    }
    public func forEachGroup(app: String?, _ body: (LocalGroup, [String]) throws -> Void) throws {
        try queries().forEachGroup(app: app, body)
    }
    public func forEachRun(_ body: (RunRecord) throws -> Void) throws { try queries().forEachRun(body) }
    public func pruneEvents(before cutoff: Timestamp) throws(StoreError) -> Int {
        try queries().pruneEvents(before: cutoff)
    }
}
