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
/// Two tiers hold the users: up to `entryLimit` decoded, and behind them the changed users that
/// fell out of that tier, each encoded as the store writes it (`EncodedUser`, `spillLimit` bytes
/// in all), so that writing one back costs no decode and re-encode. A user is therefore written
/// to the store once per run, at the commit, unless the run changes more users than the second
/// tier holds; a store that keeps every version of a row until the commit (PostgreSQL's
/// MVCC) would otherwise pile up a version per cache cycle.
///
/// Deletes, renames, groups and memberships write through at once (they are rare, and other
/// tables follow them); the groups and member lists read are remembered as written, so a group
/// PATCH after another asks the store nothing. Queries over many users (`unseenUsers`,
/// `userCount`, due deletions) flush first.
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
    /// The most bytes of changed users held compactly behind the decoded tier; past it they are
    /// all written to the store.
    let spillLimit: Int

    private var entries: [Key: Entry] = [:]
    /// Changed users out of `entries`, encoded as the store writes them (a key is in one or the
    /// other, never both).
    private var spilled: [Key: EncodedUser] = [:]
    private var spilledBytes = 0
    private var parser = JSONParser()
    /// Users the store does not have as the run left them: changed ones in `entries`, and all of
    /// `spilled`.
    private var dirty: Set<Key> = []
    /// Dirty users the run created (`createUser`) and has not written yet: the store is told so
    /// at the write-back, and can insert them without looking first.
    private var created: Set<Key> = []
    /// Secondary look-ups over dirty users, whose keys the store does not know yet.
    private var byUserName: [Key: Set<String>] = [:]
    private var byExternalID: [Key: Set<String>] = [:]
    private var byEmail: [Key: Set<String>] = [:]
    private var seen: [Key: Int64] = [:]
    /// Row digests (`RowDigest`) of changed users in `entries` whose state a row gave; the ones in
    /// `spilled` carry theirs. Written with the user.
    private var rowDigests: [Key: Fingerprint] = [:]
    /// Row digests of users the store has as the run left them, not written yet
    /// (`rowDigestLimit` at most).
    private var pendingRowDigests: [Key: Fingerprint] = [:]
    static let rowDigestLimit = 4_096
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
    /// Ids a batched look-up (`users(app:ids:)`) found absent from the store, so that the POSTs
    /// creating them do not each ask again. Dropped, like `storedMatches`, whenever the run writes
    /// users to the store, and bounded by `absentLimit`.
    private var absentIDs: Set<Key> = []
    static let absentLimit = 16_384
    /// What the store answered, in the last `prefetchRowDigests`, for a chunk's row digests (nil:
    /// no such user). Dropped, like `storedMatches`, whenever the run writes users to the store.
    private var storedRows: [RowKey: RowWrittenUser?] = [:]

    struct RowKey: Hashable {
        var app: String
        var digest: Fingerprint
    }
    /// Groups read or written this run (`nil`: the store has none by that id), and their member
    /// ids; both kept as written through, and forgotten past `groupLimit` groups.
    private var groups: [Key: LocalGroup?] = [:]
    private var memberLists: [Key: Set<String>] = [:]
    static let groupLimit = 512
    /// Memberships added and not yet written, in order (`memberLimit` at most): written before
    /// anything else touches the memberships table, and at every flush.
    private var pendingMembers: [(app: String, groupID: String, userID: String)] = []
    static let memberLimit = 1_024

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
    public var runCacheBytes: Int { base.runCacheBytes }
    public var prefetchRecords: Int { base.prefetchRecords }
    /// Called before each write-back that writes something (the `flush` fail point).
    public var willWriteBack: (() throws(StoreError) -> Void)?

    public init(
        base: any ProvisioningStore, entryLimit: Int = 2_048, eventLimit: Int = 2_048, markLimit: Int = 4_096,
        spillLimit: Int = 14 << 20
    ) {
        self.base = base
        self.entryLimit = entryLimit
        self.eventLimit = eventLimit
        self.markLimit = markLimit
        self.spillLimit = spillLimit
    }

    // MARK: Transactions

    public func begin() throws(StoreError) {
        forget()
        try base.begin()
    }

    public func commit() throws(StoreError) {
        try flush()
        // Everything held is written: let it go before the store's commit, whose index rebuild
        // is the run's last peak of memory.
        forget()
        try base.commit()
    }

    public func rollback() {
        forget()
        base.rollback()
    }

    private func forget() {
        entries = [:]
        spilled = [:]
        spilledBytes = 0
        dirty = []
        created = []
        byUserName = [:]
        byExternalID = [:]
        byEmail = [:]
        seen = [:]
        rowDigests = [:]
        pendingRowDigests = [:]
        events = []
        marks = [:]
        marked = []
        checked = []
        knownApplied = []
        storeChanged()
        groups = [:]
        memberLists = [:]
        pendingMembers = []
    }

    /// Writes the memberships added since the last time, an app's in one batch.
    private func flushMembers() throws(StoreError) {
        guard !pendingMembers.isEmpty else { return }
        try willWriteBack?()
        var byApp: [String: [(groupID: String, userID: String)]] = [:]
        var order: [String] = []
        for pending in pendingMembers {
            if byApp[pending.app] == nil { order.append(pending.app) }
            byApp[pending.app, default: []].append((pending.groupID, pending.userID))
        }
        for app in order { try base.addMembers(app: app, byApp[app] ?? []) }
        pendingMembers = []
    }

    /// What the run learnt of the store's users no longer holds: it wrote some.
    private func storeChanged() {
        storedMatches = [:]
        absentIDs = []
        storedRows = [:]
    }

    /// Writes every dirty user, pending mark and event to the store (inside its transaction).
    public func flush() throws(StoreError) {
        try flushMembers()
        try flushUsers()
        try flushRowDigests()
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
        // The store holds these marks now: they stay known as applied for the rest of the chunk
        // (a record repeated after a flush is still recognised), and what the last prefetch
        // checked still holds, so the chunk's other records are answered from memory as before.
        knownApplied.formUnion(marked)
        marked = []
    }

    private func flushUsers() throws(StoreError) {
        if !dirty.isEmpty || !seen.isEmpty { try willWriteBack?() }
        storeChanged()
        var batch = WriteBatch(base)
        for key in dirty.sorted(by: { ($0.app, $0.value) < ($1.app, $1.value) }) {
            if case .present(let user, _)? = entries[key] {
                try batch.append(
                    EncodedUser(user, stored: !created.contains(key), rowDigest: rowDigests.removeValue(forKey: key)))
                entries[key] = .present(user, dirty: false)
            } else if var held = spilled[key] {
                held.stored = !created.contains(key)
                try batch.append(held)
            }
        }
        try batch.finish()
        spilled = [:]
        spilledBytes = 0
        dirty = []
        created = []
        rowDigests = [:]
        byUserName = [:]
        byExternalID = [:]
        byEmail = [:]
        try flushSeen(seen)
        seen = [:]
    }

    /// Users on their way to the store, a few hundred at a time (a batch of the compact tier's
    /// texts, not a second copy of the tier).
    private struct WriteBatch {
        let base: any ProvisioningStore
        var users: [EncodedUser] = []
        static let size = 256

        init(_ base: any ProvisioningStore) {
            self.base = base
            users.reserveCapacity(Self.size)
        }

        mutating func append(_ user: EncodedUser) throws(StoreError) {
            users.append(user)
            if users.count >= Self.size { try finish() }
        }

        mutating func finish() throws(StoreError) {
            guard !users.isEmpty else { return }
            try base.saveEncodedUsers(users)
            users.removeAll(keepingCapacity: true)
        }
    }

    /// Writes the row digests of users the store has as the run left them.
    private func flushRowDigests() throws(StoreError) {
        guard !pendingRowDigests.isEmpty else { return }
        try willWriteBack?()
        var byApp: [String: [(id: String, digest: Fingerprint)]] = [:]
        for (key, digest) in pendingRowDigests { byApp[key.app, default: []].append((key.value, digest)) }
        for (app, digests) in byApp.sorted(by: { $0.key < $1.key }) {
            try base.setRowDigests(app: app, digests.sorted { $0.id < $1.id })
        }
        pendingRowDigests = [:]
    }

    /// Writes the seen marks of `marks` (users the store has as the run left them).
    private func flushSeen(_ marks: [Key: Int64]) throws(StoreError) {
        var seenIDs: [SeenKey: [String]] = [:]
        for (key, run) in marks { seenIDs[SeenKey(app: key.app, run: run), default: []].append(key.value) }
        for (key, ids) in seenIDs.sorted(by: { ($0.key.app, $0.key.run) < ($1.key.app, $1.key.run) }) {
            try base.markSeen(app: key.app, ids: ids.sorted(), run: key.run)
        }
    }

    /// Writes the compact tier to the store when it is full, keeping the decoded tier as it is.
    private func writeSpilledIfFull() throws(StoreError) {
        guard spilledBytes > spillLimit else { return }
        try willWriteBack?()
        storeChanged()
        var batch = WriteBatch(base)
        for (key, var held) in spilled.sorted(by: { ($0.key.app, $0.key.value) < ($1.key.app, $1.key.value) }) {
            held.stored = created.remove(key) == nil
            try batch.append(held)
            dirty.remove(key)
        }
        try batch.finish()
        spilled = [:]
        spilledBytes = 0
        // The look-ups by key now need only the changed users still decoded.
        byUserName = [:]
        byExternalID = [:]
        byEmail = [:]
        for key in dirty {
            if case .present(let user, _)? = entries[key] { index(user) }
        }
        // Seen marks of users the store now has as the run left them can go too.
        let written = seen.filter { !dirty.contains($0.key) }
        try flushSeen(written)
        for key in written.keys { seen[key] = nil }
    }

    private struct SeenKey: Hashable {
        var app: String
        var run: Int64
    }

    /// Makes room before one more user is held: the changed users move to the compact tier,
    /// the rest are forgotten (the store has them as they are).
    private func makeRoom(force: Bool = false) throws(StoreError) {
        guard force || entries.count >= entryLimit else { return }
        for (key, entry) in entries {
            guard case .present(let user, dirty: true) = entry else { continue }
            // (`stored` is set at the write-back, from `created`.)
            let held = EncodedUser(user, stored: true, rowDigest: rowDigests.removeValue(forKey: key))
            spilled[key] = held
            spilledBytes += held.heldBytes
        }
        entries = [:]
        try writeSpilledIfFull()
    }

    /// A changed user back from the compact tier into the decoded one.
    private func unspill(_ key: Key) throws(StoreError) -> LocalUser? {
        guard let held = spilled.removeValue(forKey: key) else { return nil }
        spilledBytes -= held.heldBytes
        let user = try held.decoded(parser: &parser)
        try makeRoom()
        entries[key] = .present(user, dirty: true)
        if let digest = held.rowDigest { rowDigests[key] = digest }
        // Making room may have written the compact tier (and cleared the look-ups): hold it as changed again.
        dirty.insert(key)
        index(user)
        return user
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
        let isNew = created.remove(key) != nil
        if case .present(let user, _)? = entries[key] {
            if let digest = rowDigests.removeValue(forKey: key) {
                try base.saveEncodedUsers([EncodedUser(user, stored: !isNew, rowDigest: digest)])
            } else if isNew {
                try base.createUser(user)
            } else {
                try base.saveUser(user)
            }
            unindex(user)
            entries[key] = .present(user, dirty: false)
        } else if var held = spilled.removeValue(forKey: key) {
            spilledBytes -= held.heldBytes
            held.stored = !isNew
            try base.saveEncodedUsers([held])
            unindex(held)
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
    public func group(app: String, id: String) throws(StoreError) -> LocalGroup? {
        let key = Key(app: app, value: id)
        if let known = groups[key] { return known }
        let found = try base.group(app: app, id: id)
        if groups.count >= Self.groupLimit { groups = [:] }
        groups[key] = .some(found)
        return found
    }

    public func saveGroup(_ group: LocalGroup) throws(StoreError) {
        try base.saveGroup(group)
        let key = Key(app: group.app, value: group.id)
        if groups.count >= Self.groupLimit { groups = [:] }
        groups[key] = .some(group)
    }

    public func deleteGroup(app: String, id: String) throws(StoreError) {
        try flushMembers()
        try base.deleteGroup(app: app, id: id)
        let key = Key(app: app, value: id)
        groups[key] = .some(nil)
        memberLists[key] = []
    }

    /// In the stores' order: by the ids' UTF-8 bytes (SQLite's BINARY, PostgreSQL's "C").
    public func members(app: String, groupID: String) throws(StoreError) -> [String] {
        let key = Key(app: app, value: groupID)
        if let known = memberLists[key] { return known.sorted { $0.precedesByUTF8($1) } }
        try flushMembers()
        let found = try base.members(app: app, groupID: groupID)
        if memberLists.count >= Self.groupLimit { memberLists = [:] }
        memberLists[key] = Set(found)
        return found
    }

    public func addMember(app: String, groupID: String, userID: String) throws(StoreError) {
        pendingMembers.append((app, groupID, userID))
        memberLists[Key(app: app, value: groupID)]?.insert(userID)
        if pendingMembers.count >= Self.memberLimit { try flushMembers() }
    }

    public func removeMember(app: String, groupID: String, userID: String) throws(StoreError) {
        try flushMembers()
        try base.removeMember(app: app, groupID: groupID, userID: userID)
        memberLists[Key(app: app, value: groupID)]?.remove(userID)
    }

    public func groupNames(app: String, userID: String) throws(StoreError) -> [String] {
        try flushMembers()
        return try base.groupNames(app: app, userID: userID)
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
                if let user = try unspill(key) { return [user] }
                if absentIDs.contains(key) { return [] }
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
                if let held = try unspill(key) {
                    if Self.matches(held, match, value) { result[held.id] = held }
                } else {
                    result[stored.id] = stored
                }
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
            let key = Key(app: app, value: id)
            if case .present(let cached, _)? = entries[key] {
                if Self.matches(cached, match, value) { result[id] = cached }
            } else if let held = try unspill(key), Self.matches(held, match, value) {
                result[id] = held
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
            case nil:
                let key = Key(app: app, value: id)
                if let user = try unspill(key) {
                    found.append(user)
                } else if !absentIDs.contains(key) {
                    missing.append(id)
                }
            }
        }
        guard !missing.isEmpty else { return found }
        let loaded = try base.users(app: app, ids: missing.sorted())
        if absentIDs.count + missing.count > Self.absentLimit { absentIDs = [] }
        for id in missing { absentIDs.insert(Key(app: app, value: id)) }
        for user in loaded { absentIDs.remove(Key(app: app, value: user.id)) }
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
        if case .present(let old, dirty: true)? = entries[key] {
            unindex(old)
        } else if let held = spilled.removeValue(forKey: key) {
            spilledBytes -= held.heldBytes
            unindex(held)
        }
        if entries[key] == nil { try makeRoom() }
        entries[key] = .present(user, dirty: true)
        dirty.insert(key)
        rowDigests[key] = nil
        pendingRowDigests[key] = nil
        index(user)
    }

    /// Held decoded like any save, with their row digests.
    public func saveEncodedUsers(_ users: [EncodedUser]) throws(StoreError) {
        for encoded in users {
            let user = try encoded.decoded(parser: &parser)
            if encoded.stored { try saveUser(user) } else { try createUser(user) }
            if let digest = encoded.rowDigest { try setRowDigests(app: encoded.app, [(encoded.id, digest)]) }
        }
    }

    /// A user no look-up found: held like any save, and marked new unless the run has read
    /// a user by that id from the store.
    public func createUser(_ user: LocalUser) throws(StoreError) {
        let key = Key(app: user.app, value: user.id)
        let unknown = entries[key] == nil && spilled[key] == nil
        try saveUser(user)
        if unknown { created.insert(key) }
    }

    public func deleteUser(app: String, id: String) throws(StoreError) {
        let key = Key(app: app, value: id)
        try flush(key)
        try flushMembers()
        storeChanged()
        memberLists = [:]
        try base.deleteUser(app: app, id: id)
        entries[key] = .deleted
        pendingRowDigests[key] = nil
    }

    public func renameUser(app: String, from id: String, to newID: String) throws(StoreError) {
        let old = Key(app: app, value: id)
        try flush(old)
        try flush(Key(app: app, value: newID))
        try flushMembers()
        storeChanged()
        memberLists = [:]
        try base.renameUser(app: app, from: id, to: newID)
        pendingRowDigests[old] = nil
        pendingRowDigests[Key(app: app, value: newID)] = nil
        entries[old] = nil
        entries[Key(app: app, value: newID)] = nil
        // (`flush` took both out of the compact tier.)
    }

    public func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int {
        try flushUsers()
        return try base.userCount(app: app, activeOnly: activeOnly)
    }

    public func markSeen(app: String, id: String, run: Int64) throws(StoreError) {
        seen[Key(app: app, value: id)] = run
        // Bounded like the rest: the marks of users the store already has go out in a batch.
        guard seen.count >= Self.seenLimit else { return }
        let written = seen.filter { !dirty.contains($0.key) }
        guard written.count >= Self.seenLimit / 2 else { return }
        try willWriteBack?()
        try flushSeen(written)
        for key in written.keys { seen[key] = nil }
    }

    /// The most seen marks held (their users' ids) before those the store can take are written.
    static let seenLimit = 16_384

    /// Held with the user when the run changed it (written with it), else until the next flush.
    public func setRowDigests(app: String, _ digests: [(id: String, digest: Fingerprint)]) throws(StoreError) {
        for (id, digest) in digests {
            let key = Key(app: app, value: id)
            if spilled[key] != nil {
                spilled[key]?.rowDigest = digest
            } else if dirty.contains(key) {
                rowDigests[key] = digest
            } else if case .deleted? = entries[key] {
                continue
            } else {
                pendingRowDigests[key] = digest
            }
        }
        if pendingRowDigests.count >= Self.rowDigestLimit { try flushRowDigests() }
    }

    /// Asks the store, in one batch, about a chunk's row digests; `userWritten` then answers
    /// those from memory (until the run next writes users to the store). Always for the same keys.
    public func prefetchRowDigests(app: String, _ digests: [Fingerprint], unsharedKeys keys: [MatchKey])
        throws(StoreError)
    {
        storedRows = [:]
        let found = try base.usersWritten(app: app, byRows: digests, unsharedKeys: keys)
        for digest in digests { storedRows[RowKey(app: app, digest: digest)] = .some(found[digest]) }
    }

    /// The store's answer holds only while the run has not changed that user, and no user the
    /// run changed (whose keys the store does not know yet) shares one of its keys.
    public func userWritten(app: String, byRow digest: Fingerprint, unsharedKeys keys: [MatchKey])
        throws(StoreError) -> RowWrittenUser?
    {
        let asked = RowKey(app: app, digest: digest)
        let answer: RowWrittenUser?
        if let prefetched = storedRows[asked] {
            answer = prefetched
        } else {
            answer = try base.userWritten(app: app, byRow: digest, unsharedKeys: keys)
        }
        guard let found = answer else { return nil }
        let key = Key(app: app, value: found.id)
        if dirty.contains(key) { return nil }
        if case .deleted? = entries[key] { return nil }
        for (match, value) in found.keys {
            let index: [Key: Set<String>]
            switch match {
            case .userName: index = byUserName
            case .externalId: index = byExternalID
            case .email: index = byEmail
            case .id: continue
            }
            if index[Key(app: app, value: value)]?.contains(where: { $0 != found.id }) == true { return nil }
        }
        return found
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
        let folded = id.lowercasedIfNeeded()
        if events.contains(where: { item in
            item.event.app == app && item.event.action == .delete && item.event.status == .success
                && item.event.userID?.lowercasedIfNeeded() == folded
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
        byUserName[Key(app: user.app, value: user.userName.lowercasedIfNeeded()), default: []].insert(user.id)
        if let externalID = user.externalID {
            byExternalID[Key(app: user.app, value: externalID), default: []].insert(user.id)
        }
        if let email = user.email {
            byEmail[Key(app: user.app, value: email.lowercasedIfNeeded()), default: []].insert(user.id)
        }
    }

    private func unindex(_ user: LocalUser) {
        unindex(app: user.app, id: user.id, userName: user.userName, externalID: user.externalID, email: user.email)
    }

    private func unindex(_ user: EncodedUser) {
        unindex(app: user.app, id: user.id, userName: user.userName, externalID: user.externalID, email: user.email)
    }

    private func unindex(app: String, id: String, userName: String, externalID: String?, email: String?) {
        byUserName[Key(app: app, value: userName.lowercasedIfNeeded())]?.remove(id)
        if let externalID { byExternalID[Key(app: app, value: externalID)]?.remove(id) }
        if let email { byEmail[Key(app: app, value: email.lowercasedIfNeeded())]?.remove(id) }
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
    public func hasEvents(_ filter: ReportFilter) throws(StoreError) -> Bool { try queries().hasEvents(filter) }
    public func eventSpan(_ filter: ReportFilter) throws(StoreError) -> EventSpan? { try queries().eventSpan(filter) }
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
