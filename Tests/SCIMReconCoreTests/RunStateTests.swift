import SCIMKit
import SCIMReconCore
import Testing

/// The run's cache answers "was this record applied?" from what it prefetched and what it
/// marked, and never forgets a mark when it writes the marks out part way through a chunk. A
/// changed user that falls out of the decoded tier is held compactly and reaches the store once,
/// at the commit, and is found meanwhile by its new keys and not by its old ones.
@Suite struct RunStateTests {
    let record = Fingerprint(high: 42, low: -42)

    func user(_ id: String, _ userName: String, externalID: String, email: String) -> LocalUser {
        LocalUser(
            app: "Okta", id: id, attributes: ["userName": userName, "externalId": externalID, "email": email],
            active: true,
            scim: JSONObject([
                "id": .string(id), "userName": .string(userName),
                "emails": .array([.object(JSONObject(["value": .string(email)]))]),
                "zLast": .number("1.50"), "aFirst": .bool(false),
            ]))
    }

    @Test func aChangedUserOutOfTheDecodedTierReachesTheStoreOnlyAtTheCommit() throws {
        let store = InMemoryStore()
        let state = RunState(base: store, entryLimit: 1)
        try state.begin()
        let ada = user("u1", "ada@example.org", externalID: "e1", email: "Ada@Example.org")
        try state.saveUser(ada)
        // The second user pushes the first out of the decoded tier.
        try state.saveUser(user("u2", "bob@example.org", externalID: "e2", email: "bob@example.org"))
        #expect(try store.findUser(app: "Okta", by: .id, value: "u1").isEmpty, "written before the commit")
        #expect(try state.findUser(app: "Okta", by: .userName, value: "ADA@example.org") == [ada])
        #expect(try state.findUser(app: "Okta", by: .email, value: "ada@example.org") == [ada])
        #expect(try state.users(app: "Okta", ids: ["u1"]) == [ada], "the resource changed on its way back")

        // Changed again while out of the decoded tier, then pushed out again.
        var renamed = ada
        renamed.attributes["userName"] = "ada.lovelace@example.org"
        renamed.attributes["externalId"] = "e9"
        try state.saveUser(user("u3", "cy@example.org", externalID: "e3", email: "cy@example.org"))
        try state.saveUser(renamed)
        try state.saveUser(user("u4", "di@example.org", externalID: "e4", email: "di@example.org"))
        #expect(
            try state.findUser(app: "Okta", by: .userName, value: "ada@example.org").isEmpty, "found by its old name")
        #expect(try state.findUser(app: "Okta", by: .externalId, value: "e1").isEmpty, "found by its old externalId")
        #expect(try state.findUser(app: "Okta", by: .externalId, value: "e9") == [renamed])
        #expect(try state.findUser(app: "Okta", by: .id, value: "u1") == [renamed])
        #expect(try store.findUser(app: "Okta", by: .id, value: "u1").isEmpty, "written before the commit")

        try state.commit()
        #expect(try store.findUser(app: "Okta", by: .userName, value: "ada.lovelace@example.org") == [renamed])
        #expect(try store.userCount(app: "Okta", activeOnly: false) == 4)
    }

    @Test func aFullCompactTierIsWrittenAndItsUsersStillFound() throws {
        let store = InMemoryStore()
        let state = RunState(base: store, entryLimit: 1, spillLimit: 1)
        try state.begin()
        let ada = user("u1", "ada@example.org", externalID: "e1", email: "ada@example.org")
        try state.saveUser(ada)
        try state.saveUser(user("u2", "bob@example.org", externalID: "e2", email: "bob@example.org"))
        #expect(try store.findUser(app: "Okta", by: .id, value: "u1") == [ada], "the full tier was not written")
        #expect(try state.findUser(app: "Okta", by: .externalId, value: "e1") == [ada])
        state.rollback()
    }

    /// A store that records how each user reached it: created, saved, or encoded with its hint.
    final class WriteLog: ProvisioningStore {
        let base = InMemoryStore()
        var writes: [String] = []
        // Everything but the writes goes to the in-memory store.
        var location: String { base.location }
        func begin() throws(StoreError) { try base.begin() }
        func commit() throws(StoreError) { try base.commit() }
        func rollback() { base.rollback() }
        func canonicalApp(_ name: String) throws(StoreError) -> String { try base.canonicalApp(name) }
        func insertRun(_ run: RunRecord) throws(StoreError) -> Int64 { try base.insertRun(run) }
        func updateRun(_ run: RunRecord) throws(StoreError) { try base.updateRun(run) }
        func findUser(app: String, by key: MatchKey, value: String) throws(StoreError) -> [LocalUser] {
            try base.findUser(app: app, by: key, value: value)
        }
        func saveUser(_ user: LocalUser) throws(StoreError) {
            writes.append("save \(user.id)")
            try base.saveUser(user)
        }
        func createUser(_ user: LocalUser) throws(StoreError) {
            writes.append("create \(user.id)")
            try base.saveUser(user)
        }
        func saveEncodedUsers(_ users: [EncodedUser]) throws(StoreError) {
            var parser = JSONParser()
            for user in users {
                writes.append("\(user.stored ? "update" : "insert") \(user.id)")
                try base.saveUser(try user.decoded(parser: &parser))
            }
        }
        func deleteUser(app: String, id: String) throws(StoreError) { try base.deleteUser(app: app, id: id) }
        func renameUser(app: String, from id: String, to newID: String) throws(StoreError) {
            try base.renameUser(app: app, from: id, to: newID)
        }
        func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int {
            try base.userCount(app: app, activeOnly: activeOnly)
        }
        func markSeen(app: String, id: String, run: Int64) throws(StoreError) {
            try base.markSeen(app: app, id: id, run: run)
        }
        func unseenUsers(app: String, run: Int64) throws(StoreError) -> [LocalUser] {
            try base.unseenUsers(app: app, run: run)
        }
        func usersDueForDeletion(app: String, now: Timestamp) throws(StoreError) -> [LocalUser] {
            try base.usersDueForDeletion(app: app, now: now)
        }
        func group(app: String, id: String) throws(StoreError) -> LocalGroup? { try base.group(app: app, id: id) }
        func saveGroup(_ group: LocalGroup) throws(StoreError) { try base.saveGroup(group) }
        func deleteGroup(app: String, id: String) throws(StoreError) { try base.deleteGroup(app: app, id: id) }
        func members(app: String, groupID: String) throws(StoreError) -> [String] {
            try base.members(app: app, groupID: groupID)
        }
        func addMember(app: String, groupID: String, userID: String) throws(StoreError) {
            try base.addMember(app: app, groupID: groupID, userID: userID)
        }
        func removeMember(app: String, groupID: String, userID: String) throws(StoreError) {
            try base.removeMember(app: app, groupID: groupID, userID: userID)
        }
        func groupNames(app: String, userID: String) throws(StoreError) -> [String] {
            try base.groupNames(app: app, userID: userID)
        }
        func appendEvent(_ event: ProvisioningEvent, email: String?) throws(StoreError) {
            try base.appendEvent(event, email: email)
        }
        func appliedFingerprints(app: String, among fingerprints: [Fingerprint]) throws(StoreError)
            -> Set<Fingerprint>
        {
            try base.appliedFingerprints(app: app, among: fingerprints)
        }
        func markApplied(app: String, _ fingerprints: [Fingerprint], run: Int64) throws(StoreError) {
            try base.markApplied(app: app, fingerprints, run: run)
        }
        func wasDeleted(app: String, id: String) throws(StoreError) -> Bool { try base.wasDeleted(app: app, id: id) }
        func checkpoint(job: String, path: String) throws(StoreError) -> Checkpoint? {
            try base.checkpoint(job: job, path: path)
        }
        func saveCheckpoint(job: String, _ checkpoint: Checkpoint) throws(StoreError) {
            try base.saveCheckpoint(job: job, checkpoint)
        }
    }

    /// The write-back tells the store which users the run created (so it can insert them without
    /// looking first) and hands the compact tier over as it holds it; a user the run read from the
    /// store is never said to be new, even when the engine calls it a create.
    @Test func theWriteBackSaysWhichUsersTheRunCreated() throws {
        let log = WriteLog()
        try log.base.begin()
        try log.base.saveUser(user("old", "old@example.org", externalID: "e0", email: "old@example.org"))
        try log.base.commit()
        let state = RunState(base: log, entryLimit: 2)
        try state.begin()
        _ = try state.findUser(app: "Okta", by: .id, value: "old")
        try state.createUser(user("old", "old@example.org", externalID: "e0", email: "renamed@example.org"))
        try state.createUser(user("n1", "n1@example.org", externalID: "e1", email: "n1@example.org"))
        // Out of the decoded tier (the compact one), then changed again there: still new.
        try state.createUser(user("n2", "n2@example.org", externalID: "e2", email: "n2@example.org"))
        var changed = user("n1", "n1@example.org", externalID: "e1", email: "n1@example.org")
        changed.attributes["title"] = "Engineer"
        try state.saveUser(changed)
        // Written through before its delete, as created.
        try state.createUser(user("n3", "n3@example.org", externalID: "e3", email: "n3@example.org"))
        try state.deleteUser(app: "Okta", id: "n3")
        try state.commit()
        // n3 before its delete, then the compact tier in key order; `old` was read, so it is no create.
        #expect(log.writes == ["create n3", "insert n1", "insert n2", "update old"])
        #expect(try log.base.findUser(app: "Okta", by: .id, value: "n1") == [changed])
        #expect(try log.base.findUser(app: "Okta", by: .email, value: "RENAMED@example.org").map(\.id) == ["old"])
        #expect(try log.base.findUser(app: "Okta", by: .id, value: "n3").isEmpty)
        // A second run's save of a user the first created is an update.
        log.writes = []
        try state.begin()
        try state.saveUser(changed)
        try state.commit()
        #expect(log.writes == ["update n1"])
    }

    @Test func usersSeenWhileHeldCompactlyAreSeenAfterTheCommit() throws {
        let store = InMemoryStore()
        let state = RunState(base: store, entryLimit: 1)
        try state.begin()
        for number in 1...5 {
            try state.saveUser(user("u\(number)", "user\(number)@example.org", externalID: "e\(number)", email: "x"))
            try state.markSeen(app: "Okta", id: "u\(number)", run: 7)
        }
        try state.commit()
        #expect(try store.userCount(app: "Okta", activeOnly: false) == 5)
        #expect(try store.unseenUsers(app: "Okta", run: 7).isEmpty, "a user held compactly lost its seen mark")
    }

    @Test func aRecordMarkedAndWrittenOutMidChunkIsStillRecognised() throws {
        let state = RunState(base: InMemoryStore(), markLimit: 1)
        try state.begin()
        try state.prefetchApplied([RunState.AppliedKey(app: "Okta", fingerprint: record)])
        #expect(!(try state.isApplied(app: "Okta", fingerprint: record)), "applied before anything was")
        // The one mark reaches the limit and is written out at once.
        try state.markApplied(app: "Okta", fingerprint: record, run: 1)
        #expect(try state.isApplied(app: "Okta", fingerprint: record), "the same record again would be applied twice")
        state.rollback()
    }

    @Test func writingTheMarksOutMidChunkKeepsWhatThePrefetchChecked() throws {
        let store = InMemoryStore()
        let state = RunState(base: store, markLimit: 1)
        try state.begin()
        let other = Fingerprint(high: 7, low: 7)
        try state.prefetchApplied([
            RunState.AppliedKey(app: "Okta", fingerprint: record), RunState.AppliedKey(app: "Okta", fingerprint: other),
        ])
        // Written behind the cache's back: only a look-up in the store would see it.
        try store.markApplied(app: "Okta", fingerprint: other, run: 9)
        // The one mark reaches the limit and is written out at once.
        try state.markApplied(app: "Okta", fingerprint: record, run: 1)
        #expect(try state.isApplied(app: "Okta", fingerprint: record))
        #expect(
            !(try state.isApplied(app: "Okta", fingerprint: other)),
            "the rest of the chunk went back to the store one record at a time")
        // The next chunk asks the store again.
        try state.prefetchApplied([RunState.AppliedKey(app: "Okta", fingerprint: other)])
        #expect(try state.isApplied(app: "Okta", fingerprint: other))
        state.rollback()
    }

    @Test func whatThePrefetchFoundAppliedIsAnsweredWithoutTheStore() throws {
        let store = InMemoryStore()
        try store.begin()
        try store.markApplied(app: "Okta", fingerprint: record, run: 1)
        try store.commit()
        let state = RunState(base: store)
        try state.begin()
        let other = Fingerprint(high: 1, low: 2)
        try state.prefetchApplied([
            RunState.AppliedKey(app: "Okta", fingerprint: record), RunState.AppliedKey(app: "Okta", fingerprint: other),
        ])
        #expect(try state.appliedFingerprints(app: "Okta", among: [record, other]) == [record])
        #expect(!(try state.isApplied(app: "Entra", fingerprint: record)), "a mark leaked to another app")
        state.rollback()
    }
}
