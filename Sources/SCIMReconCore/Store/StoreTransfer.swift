/// A store read and written whole, for `scimrecon migrate` (SQLite → PostgreSQL and back).
///
/// The read side walks every table in its stored order; the write side is the ordinary
/// `ProvisioningStore` and `ClaimStore` calls plus `restoreRun`, which keeps a run's id (events,
/// fingerprints and claims name their run by it).
public protocol StoreTransfer: ProvisioningStore, StoreQueries, ClaimStore {
    /// Whether the store holds nothing: no application, run, user, group, event or claim.
    func holdsNothing() throws(StoreError) -> Bool
    /// Application names as first spelt, in the order they were registered.
    func forEachStoredApp(_ body: (String) throws -> Void) throws
    /// Every user, by app then id, with the snapshot run that last saw it.
    func forEachStoredUser(_ body: (LocalUser, _ seenRun: Int64?) throws -> Void) throws
    /// Every group, by app then id.
    func forEachStoredGroup(_ body: (LocalGroup) throws -> Void) throws
    /// Every membership by SCIM ids, by app, group, user.
    func forEachMembership(_ body: (_ app: String, _ groupID: String, _ userID: String) throws -> Void) throws
    /// Every event in the order it was recorded, with the email it was recorded under.
    func forEachStoredEvent(_ body: (ProvisioningEvent, _ email: String?) throws -> Void) throws
    /// Every applied-record mark.
    func forEachApplied(_ body: (_ app: String, Fingerprint, _ run: Int64) throws -> Void) throws
    /// Every checkpoint, by job and path.
    func forEachCheckpoint(_ body: (_ job: String, Checkpoint) throws -> Void) throws
    /// Inserts `run` as it is, its id included (inside the current transaction).
    func restoreRun(_ run: RunRecord) throws(StoreError)
}

/// How much `StoreMigration.copy` moved, for its summary line.
public struct MigrationCounts: Sendable, Equatable {
    public var apps = 0
    public var runs = 0
    public var users = 0
    public var groups = 0
    public var memberships = 0
    public var events = 0
    public var fingerprints = 0
    public var checkpoints = 0
    public var claims = 0

    public init() {}

    public var summary: String {
        [
            "\(apps) applications", "\(runs) runs", "\(users) users", "\(groups) groups",
            "\(memberships) memberships", "\(events) events", "\(fingerprints) fingerprints",
            "\(checkpoints) checkpoints", "\(claims) claims",
        ].joined(separator: ", ")
    }
}

/// Copies one store into another that holds nothing, in one transaction of the target: a
/// failure part way leaves the target as empty as it was.
public enum StoreMigration {
    /// Rows handed to the target per batched call.
    static let batch = 1_024

    public static func copy(from source: any StoreTransfer, to target: any StoreTransfer) throws -> MigrationCounts {
        guard try target.holdsNothing() else {
            throw StoreError(
                kind: .input,
                "\(target.location): the target store is not empty; migrate copies into an empty store only")
        }
        var counts = MigrationCounts()
        try target.begin()
        do {
            try source.reading {
                try copyContents(from: source, to: target, counts: &counts)
            }
            try target.commit()
        } catch {
            target.rollback()
            throw error
        }
        return counts
    }

    private static func copyContents(
        from source: any StoreTransfer, to target: any StoreTransfer, counts: inout MigrationCounts
    ) throws {
        try source.forEachStoredApp { name in
            _ = try target.canonicalApp(name)
            counts.apps += 1
        }
        try source.forEachRun { run in
            try target.restoreRun(run)
            counts.runs += 1
        }
        var users: [LocalUser] = []
        var seen: [(app: String, id: String, run: Int64)] = []
        func saveUsers() throws {
            try target.saveUsers(users)
            for mark in seen { try target.markSeen(app: mark.app, id: mark.id, run: mark.run) }
            users.removeAll(keepingCapacity: true)
            seen.removeAll(keepingCapacity: true)
        }
        try source.forEachStoredUser { user, seenRun in
            users.append(user)
            if let seenRun { seen.append((user.app, user.id, seenRun)) }
            counts.users += 1
            if users.count >= batch { try saveUsers() }
        }
        try saveUsers()
        try source.forEachStoredGroup { group in
            try target.saveGroup(group)
            counts.groups += 1
        }
        try source.forEachMembership { app, groupID, userID in
            try target.addMember(app: app, groupID: groupID, userID: userID)
            counts.memberships += 1
        }
        var events: [(event: ProvisioningEvent, email: String?)] = []
        try source.forEachStoredEvent { event, email in
            events.append((event, email))
            counts.events += 1
            if events.count >= batch {
                try target.appendEvents(events)
                events.removeAll(keepingCapacity: true)
            }
        }
        try target.appendEvents(events)
        var marks: [String: [Int64: [Fingerprint]]] = [:]
        var held = 0
        func markApplied() throws {
            for (app, runs) in marks.sorted(by: { $0.key < $1.key }) {
                for (run, fingerprints) in runs.sorted(by: { $0.key < $1.key }) {
                    try target.markApplied(app: app, fingerprints, run: run)
                }
            }
            marks = [:]
            held = 0
        }
        try source.forEachApplied { app, fingerprint, run in
            marks[app, default: [:]][run, default: []].append(fingerprint)
            held += 1
            counts.fingerprints += 1
            if held >= batch * 8 { try markApplied() }
        }
        try markApplied()
        try source.forEachCheckpoint { job, checkpoint in
            try target.saveCheckpoint(job: job, checkpoint)
            counts.checkpoints += 1
        }
        try source.forEachClaim(apps: [], since: nil, until: nil) { claim in
            _ = try target.insertClaim(claim)
            counts.claims += 1
        }
    }
}
