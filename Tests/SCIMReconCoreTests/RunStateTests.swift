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
