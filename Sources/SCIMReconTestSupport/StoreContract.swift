import SCIMKit
import SCIMReconCore

/// The store contract: what every store (`InMemoryStore`, `SQLiteStore`, the PostgreSQL store
/// to come) must do the same way. Each check builds on a fresh empty store and throws
/// `StoreContract.Violation` naming what differed; the test targets run every check against
/// every store (`@Test(arguments: StoreContract.checks)`).
public enum StoreContract {
    public typealias Store = any ProvisioningStore & StoreQueries

    /// A check that failed: what was expected and what the store did.
    public struct Violation: Error, CustomStringConvertible {
        public var description: String
    }

    /// One named check.
    public struct Check: Sendable, CustomStringConvertible {
        public var name: String
        public var body: @Sendable (Store) throws -> Void
        public var description: String { name }
    }

    static func expect(_ condition: Bool, _ what: @autoclosure () -> String) throws {
        if !condition { throw Violation(description: what()) }
    }

    static let t0 = Timestamp(millisecondsSince1970: 1_764_288_000_000)

    static func user(_ app: String, _ id: String, _ userName: String, externalID: String? = nil, email: String? = nil)
        -> LocalUser
    {
        var attributes = ["userName": userName]
        attributes["externalId"] = externalID
        attributes["email"] = email
        return LocalUser(
            app: app, id: id, attributes: attributes, active: true,
            scim: JSONObject(["userName": .string(userName), "id": .string(id)]))
    }

    static func event(
        _ app: String, _ user: String, at offset: Int64, action: ProvisioningAction = .update, run: Int64 = 1
    ) -> ProvisioningEvent {
        ProvisioningEvent(
            time: t0.adding(milliseconds: offset), run: run, app: app, user: user, userID: "id-\(user)",
            externalID: nil, action: action, status: .success, changes: [.init(attribute: "email", old: nil, new: "x")],
            source: "log.jsonl:\(offset)")
    }

    /// Runs `body` in a transaction that commits.
    static func committed(_ store: Store, _ body: () throws -> Void) throws {
        try store.begin()
        try body()
        try store.commit()
    }

    /// Every check of the contract.
    public static let checks: [Check] = [
        Check(name: "a rolled-back transaction leaves nothing behind") { store in
            try committed(store) { try store.saveUser(user("A", "1", "kept")) }
            try store.begin()
            try store.saveUser(user("A", "2", "dropped"))
            _ = try store.canonicalApp("Dropped App")
            try store.appendEvent(event("A", "dropped", at: 1), email: nil)
            store.rollback()
            try expect(try store.findUser(app: "A", by: .id, value: "2").isEmpty, "user 2 survived the rollback")
            try expect(try store.findUser(app: "A", by: .id, value: "1").count == 1, "user 1 was lost")
            try expect(try store.countEvents(ReportFilter()) == 0, "an event survived the rollback")
            try expect(try !store.hasEvents(ReportFilter()), "an event survived the rollback (existence check)")
            try expect(!(try store.applications()).contains("Dropped App"), "an application survived the rollback")
        },
        Check(name: "an application keeps its first spelling whatever the case") { store in
            try committed(store) {
                try expect(try store.canonicalApp("Azure AD") == "Azure AD", "first spelling not kept")
                try expect(try store.canonicalApp("azure ad") == "Azure AD", "'azure ad' is not 'Azure AD'")
                try expect(try store.canonicalApp("ÉQUIPE") == "ÉQUIPE", "first non-ASCII spelling not kept")
                try expect(try store.canonicalApp("équipe") == "ÉQUIPE", "'équipe' is not 'ÉQUIPE' (Unicode folding)")
            }
            let applications = try store.applications()
            try expect(applications == ["Azure AD", "ÉQUIPE"], "applications: \(applications)")
        },
        Check(name: "users are found case-insensitively by userName and email, exactly by id and externalId") {
            store in
            try committed(store) {
                try store.saveUser(user("A", "id-1", "Élodie@Example.com", externalID: "Ext-1", email: "E@X.com"))
                try store.saveUser(user("B", "id-1", "other@example.com"))
            }
            try expect(try store.findUser(app: "A", by: .userName, value: "élodie@example.com").count == 1, "userName")
            try expect(try store.findUser(app: "A", by: .email, value: "e@x.COM").count == 1, "email")
            try expect(try store.findUser(app: "A", by: .externalId, value: "Ext-1").count == 1, "externalId")
            try expect(try store.findUser(app: "A", by: .externalId, value: "ext-1").isEmpty, "externalId is exact")
            try expect(try store.findUser(app: "A", by: .id, value: "ID-1").isEmpty, "id is exact")
            try expect(try store.userCount(app: "A", activeOnly: true) == 1, "users are kept per app")
        },
        Check(name: "a saved user reads back as it was saved") { store in
            var saved = user("A", "id-1", "alice", externalID: "e1", email: "a@x")
            saved.attributes["department"] = "Sales → Ops ∅"
            saved.active = false
            saved.disabledAt = t0
            saved.deleteAfter = t0.adding(milliseconds: 1000)
            saved.scim = JSONObject(["userName": "alice", "emails": [["value": "a@x", "primary": true]]])
            try committed(store) { try store.saveUser(saved) }
            let read = try store.findUser(app: "A", by: .id, value: "id-1")
            try expect(read == [saved], "read back \(read), saved \(saved)")
        },
        Check(name: "batched calls: users saved, found by id and marked seen together") { store in
            try committed(store) {
                try store.saveUsers([user("A", "u1", "one"), user("A", "u2", "two"), user("B", "u3", "three")])
                var renamed = user("A", "u1", "uno")
                renamed.active = false
                try store.saveUsers([renamed])
            }
            let found = try store.users(app: "A", ids: ["u2", "u1", "u3", "nobody"]).sorted { $0.id < $1.id }
            try expect(found.map(\.id) == ["u1", "u2"], "found \(found.map(\.id)); u3 is another app's")
            try expect(found.first?.userName == "uno" && found.first?.active == false, "the second save did not win")
            try expect(try store.users(app: "A", ids: []).isEmpty, "an empty batch found users")
            let byName = try store.findUsers(app: "A", by: .userName, values: ["UNO", "two", "three", "nobody"])
            try expect(
                byName.map(\.id).sorted() == ["u1", "u2"], "by userName, folded, one app: \(byName.map(\.id))")
            try expect(try store.findUsers(app: "A", by: .email, values: []).isEmpty, "an empty batch found users")
            try committed(store) {
                try store.saveUser(user("A", "u4", "four"))
                try store.markSeen(app: "A", ids: ["u2", "u4"], run: 9)
            }
            let unseen = try store.unseenUsers(app: "A", run: 9).map(\.id)
            try expect(unseen.isEmpty, "unseen after a batched mark: \(unseen) (u1 is inactive)")
        },
        Check(name: "a create inserts a new user, and updates one the store has by that id") { store in
            try committed(store) { try store.saveUser(user("A", "u1", "kept", externalID: "e1", email: "k@x")) }
            try committed(store) {
                try store.createUser(user("A", "u2", "new", externalID: "e2"))
                // Wrong as a hint (the store has u1): it must update it, not fail or add a row.
                try store.createUser(user("A", "u1", "Replaced", externalID: "e9", email: "r@x"))
            }
            try expect(try store.userCount(app: "A", activeOnly: false) == 2, "a create added a second u1")
            let replaced = try store.findUser(app: "A", by: .externalId, value: "e9").map(\.id)
            try expect(replaced == ["u1"], "by the new externalId: \(replaced)")
            try expect(
                try store.findUser(app: "A", by: .externalId, value: "e1").isEmpty, "found by the old externalId")
            try expect(try store.findUser(app: "A", by: .email, value: "k@x").isEmpty, "found by the old email")
            let created = try store.findUser(app: "A", by: .userName, value: "NEW").map(\.id)
            try expect(created == ["u2"], "the created user by userName: \(created)")
        },
        Check(name: "encoded users are saved as the users they encode, whatever their hint") { store in
            var nested = user("A", "u1", "Zoë@Example.com", externalID: "e1", email: "Z@X.com")
            nested.attributes["department"] = "R&D \"quoted\" \\ ∅"
            nested.scim = JSONObject([
                "userName": "Zoë@Example.com", "zLast": .number("1.50"), "aFirst": false,
                "emails": [["value": "Z@X.com", "primary": true]], "name": ["givenName": "Zoë"],
            ])
            nested.disabledAt = t0
            let bare = LocalUser(app: "A", id: "u2", attributes: [:], active: false, scim: JSONObject([:]))
            try committed(store) {
                try store.saveEncodedUsers([EncodedUser(nested, stored: false), EncodedUser(bare, stored: true)])
            }
            let read = try store.users(app: "A", ids: ["u1", "u2"]).sorted { $0.id < $1.id }
            try expect(read == [nested, bare], "read back \(read)")
            var changed = nested
            changed.attributes["userName"] = "zoe@example.com"
            changed.attributes["externalId"] = nil
            changed.active = false
            changed.deleteAfter = t0.adding(milliseconds: 5)
            var third = bare
            third.id = "u3"
            try committed(store) {
                // Both hints wrong: u1 exists (said new), u3 does not (said stored).
                try store.saveEncodedUsers([EncodedUser(changed, stored: false), EncodedUser(third, stored: true)])
            }
            try expect(try store.users(app: "A", ids: ["u1"]) == [changed], "the changed user did not read back")
            try expect(try store.users(app: "A", ids: ["u3"]) == [third], "the new user was not inserted")
            try expect(try store.findUser(app: "A", by: .externalId, value: "e1").isEmpty, "found by a dropped key")
            try expect(
                try store.findUser(app: "A", by: .userName, value: "Zoë@Example.com").isEmpty, "found by its old name")
            try expect(
                try store.usersDueForDeletion(app: "A", now: t0.adding(milliseconds: 5)).map(\.id) == ["u1"],
                "the grace period written through an encoded save is not due")
        },
        Check(name: "renaming a user moves its memberships; deleting one removes them") { store in
            try committed(store) {
                try store.saveUser(user("A", "old", "alice"))
                try store.saveGroup(
                    LocalGroup(app: "A", id: "g", displayName: "Staff", externalID: nil, scim: JSONObject()))
                try store.addMember(app: "A", groupID: "g", userID: "old")
                try store.renameUser(app: "A", from: "old", to: "new")
            }
            try expect(try store.members(app: "A", groupID: "g") == ["new"], "membership did not follow the rename")
            try expect(try store.groupNames(app: "A", userID: "new") == ["Staff"], "groupNames after rename")
            try committed(store) { try store.deleteUser(app: "A", id: "new") }
            try expect(try store.members(app: "A", groupID: "g").isEmpty, "membership outlived the user")
        },
        Check(name: "member lists and groups read inside a run answer as the run changed them") { store in
            try committed(store) {
                try store.saveGroup(
                    LocalGroup(app: "A", id: "g", displayName: "Staff", externalID: nil, scim: JSONObject()))
                try store.addMember(app: "A", groupID: "g", userID: "zoë")
                try store.addMember(app: "A", groupID: "g", userID: "Zed")
                // Read once, so that what follows changes a list the run has seen.
                try expect(try store.members(app: "A", groupID: "g") == ["Zed", "zoë"], "members in byte order")
                try store.addMember(app: "A", groupID: "g", userID: "zoe")
                try store.addMember(app: "A", groupID: "g", userID: "Zed")
                try store.removeMember(app: "A", groupID: "g", userID: "zoë")
                try expect(try store.members(app: "A", groupID: "g") == ["Zed", "zoe"], "members after changes")
                var renamed = try store.group(app: "A", id: "g")
                try expect(renamed?.displayName == "Staff", "group read back")
                renamed?.displayName = "Team"
                if let renamed { try store.saveGroup(renamed) }
                try expect(try store.group(app: "A", id: "g")?.displayName == "Team", "group after a save")
                try store.deleteGroup(app: "A", id: "g")
                try expect(try store.group(app: "A", id: "g") == nil, "group after its delete")
                try expect(try store.members(app: "A", groupID: "g").isEmpty, "members after the group's delete")
                try store.saveGroup(
                    LocalGroup(app: "A", id: "g", displayName: "Again", externalID: nil, scim: JSONObject()))
                try store.addMember(app: "A", groupID: "g", userID: "u1")
            }
            try expect(try store.group(app: "A", id: "g")?.displayName == "Again", "group after the commit")
            try expect(try store.members(app: "A", groupID: "g") == ["u1"], "members after the commit")
        },
        Check(name: "groups: display names are not unique; each group is kept by its id") { store in
            try committed(store) {
                try store.saveGroup(
                    LocalGroup(app: "A", id: "g2", displayName: "Staff", externalID: nil, scim: JSONObject()))
                try store.saveGroup(
                    LocalGroup(app: "A", id: "g1", displayName: "staff", externalID: "x", scim: JSONObject()))
            }
            try expect(try store.group(app: "A", id: "g1")?.displayName == "staff", "both groups kept")
            try expect(try store.group(app: "A", id: "g2")?.displayName == "Staff", "both groups kept")
            try committed(store) { try store.deleteGroup(app: "A", id: "g1") }
            try expect(try store.group(app: "A", id: "g1") == nil, "deleted group still there")
        },
        Check(name: "snapshots: unseen active users of the app, users due for deletion") { store in
            try committed(store) {
                try store.saveUser(user("A", "1", "seen"))
                try store.saveUser(user("A", "2", "unseen"))
                var disabled = user("A", "3", "due")
                disabled.active = false
                disabled.deleteAfter = t0
                try store.saveUser(disabled)
                try store.saveUser(user("B", "4", "other app"))
                try store.markSeen(app: "A", id: "1", run: 7)
            }
            try expect(try store.unseenUsers(app: "A", run: 7).map(\.id) == ["2"], "unseen users")
            try expect(
                try store.usersDueForDeletion(app: "A", now: t0).map(\.id) == ["3"], "due at the instant counts")
            try expect(
                try store.usersDueForDeletion(app: "A", now: t0.adding(milliseconds: -1)).isEmpty, "not yet due")
        },
        Check(name: "history: time order, then the order recorded; filters by app in any case and user") { store in
            try committed(store) {
                _ = try store.canonicalApp("Azure AD")
                try store.appendEvent(event("Azure AD", "b", at: 20), email: "b@x.com")
                try store.appendEvent(event("Azure AD", "a", at: 10), email: nil)
                try store.appendEvent(event("Azure AD", "c", at: 10), email: nil)
                try store.appendEvent(event("Okta", "a", at: 5, action: .create), email: nil)
            }
            var order: [String] = []
            try store.forEachEvent(ReportFilter(apps: ["azure ad"])) { order.append($0.user ?? "") }
            try expect(order == ["a", "c", "b"], "order \(order)")
            try expect(try store.countEvents(ReportFilter(apps: ["AZURE AD"])) == 3, "app filter folds case")
            try expect(try store.countEvents(ReportFilter(users: ["B@X.COM"])) == 1, "user pattern matches email")
            try expect(try store.countEvents(ReportFilter(users: ["id-a"])) == 2, "user pattern matches SCIM id")
            try expect(try store.countEvents(ReportFilter(actions: [.create])) == 1, "action filter")
            let window = ReportFilter(since: t0.adding(milliseconds: 10), until: t0.adding(milliseconds: 20))
            try expect(try store.countEvents(window) == 2, "since inclusive, until exclusive")
            try expect(try store.hasEvents(window), "an existence check sees what the count counts")
            try expect(
                try !store.hasEvents(ReportFilter(users: ["nobody"], actions: [.create])),
                "an existence check finds nothing where the count is zero")
            let span = try store.eventSpan(ReportFilter(apps: ["AZURE AD"]))
            try expect(
                span == EventSpan(count: 3, first: t0.adding(milliseconds: 10), last: t0.adding(milliseconds: 20)),
                "the span of an app's events: \(String(describing: span))")
            try expect(
                try store.eventSpan(ReportFilter(users: ["a"], until: t0.adding(milliseconds: 10)))
                    == EventSpan(count: 1, first: t0.adding(milliseconds: 5), last: t0.adding(milliseconds: 5)),
                "a span under a user and a bound")
            try expect(try store.eventSpan(ReportFilter(users: ["nobody"])) == nil, "no span where nothing matches")
            var changes: [AttributeChange] = []
            try store.forEachEvent(ReportFilter(users: ["b"])) { changes = $0.changes }
            try expect(changes == [.init(attribute: "email", old: nil, new: "x")], "changes read back: \(changes)")
            try committed(store) {
                try expect(try store.pruneEvents(before: t0.adding(milliseconds: 10)) == 1, "prune count")
            }
            let left = try store.countEvents(ReportFilter())
            try expect(left == 3, "prune left \(left)")
        },
        Check(name: "fingerprints are per application; checkpoints per job and path") { store in
            // Halves with the top bit set are stored by bit pattern, not refused or clipped.
            let f1 = Fingerprint(high: -1, low: .min)
            let f2 = Fingerprint(high: 7, low: -7)
            let f3 = Fingerprint(high: 7, low: 8)
            try committed(store) {
                try store.markApplied(app: "A", [f1, f2], run: 1)
                try store.markApplied(app: "A", [f2], run: 2)
                try store.saveCheckpoint(
                    job: "j", Checkpoint(path: "log", device: 1, inode: 2, offset: 30, line: 3, checksum: .max))
            }
            try expect(try store.isApplied(app: "A", fingerprint: f1), "applied fingerprint not found")
            try expect(!(try store.isApplied(app: "B", fingerprint: f1)), "fingerprint leaked to another app")
            let applied = try store.appliedFingerprints(app: "A", among: [f3, f2, f1, f2])
            try expect(applied == [f1, f2], "batched look-up found \(applied)")
            try expect(try store.appliedFingerprints(app: "A", among: []).isEmpty, "an empty batch found something")
            let checkpoint = try store.checkpoint(job: "j", path: "log")
            try expect(
                checkpoint?.checksum == .max && checkpoint?.offset == 30, "checkpoint \(String(describing: checkpoint))"
            )
            try expect(try store.checkpoint(job: "k", path: "log") == nil, "checkpoint leaked to another job")
        },
        Check(name: "a successful delete is remembered by id, case-insensitively") { store in
            try committed(store) {
                var deleted = event("A", "gone", at: 1, action: .delete)
                deleted.userID = "ABC"
                try store.appendEvent(deleted, email: nil)
            }
            try expect(try store.wasDeleted(app: "A", id: "abc"), "delete not remembered")
            try expect(!(try store.wasDeleted(app: "B", id: "abc")), "delete leaked to another app")
        },
        Check(name: "runs read back with their outcome and counts") { store in
            try committed(store) {
                let id = try store.insertRun(RunRecord(id: 0, job: "nightly", app: "A", started: t0))
                var run = RunRecord(
                    id: id, job: "nightly", app: "A", started: t0, finished: t0.adding(milliseconds: 5),
                    outcome: .partial, reason: nil, counts: ["create.success": 2, "read": 3], inputs: ["log [0-10]"])
                try store.updateRun(run)
                run.id = try store.insertRun(RunRecord(id: 0, job: "nightly", app: "A", started: t0))
                try expect(run.id == id + 1, "run ids are not increasing")
            }
            var runs: [RunRecord] = []
            try store.forEachRun { runs.append($0) }
            try expect(runs.count == 2, "\(runs.count) runs")
            try expect(
                runs.first?.counts == ["create.success": 2, "read": 3], "counts \(String(describing: runs.first))")
            try expect(runs.first?.outcome == .partial && runs.first?.inputs == ["log [0-10]"], "outcome and inputs")
        },
        Check(name: "a row digest finds its user until anything else writes it or shares its keys") { store in
            let row = Fingerprint(high: 7, low: -3)
            let keys: [MatchKey] = [.externalId, .userName]
            func found() throws -> RowWrittenUser? {
                try store.userWritten(app: "A", byRow: row, unsharedKeys: keys)
            }
            try committed(store) {
                try store.saveEncodedUsers([
                    EncodedUser(user("A", "1", "Ann@X", externalID: "e1"), stored: false, rowDigest: row)
                ])
                try store.saveUser(user("A", "2", "bob@x"))
            }
            let ann = try found()
            try expect(ann?.id == "1", "the digest written with user 1 finds \(String(describing: ann))")
            try expect(
                ann?.keys == [.externalId: "e1", .userName: "ann@x"], "keys as held: \(String(describing: ann?.keys))")
            try expect(
                try store.userWritten(app: "B", byRow: row, unsharedKeys: keys) == nil, "another app's digest")
            let batch = try store.usersWritten(
                app: "A", byRows: [row, Fingerprint(high: 1, low: 1)], unsharedKeys: keys)
            try expect(batch == [row: ann!], "the batched look-up: \(batch)")
            // Another user taking the same userName: matching the row again would be ambiguous.
            try committed(store) { try store.saveUser(user("A", "2", "ann@x")) }
            try expect(try found() == nil, "found although user 2 shares the userName")
            try expect(
                try store.usersWritten(app: "A", byRows: [row], unsharedKeys: keys).isEmpty,
                "the batched look-up found it although user 2 shares the userName")
            try committed(store) { try store.saveUser(user("A", "2", "bob@x")) }
            try expect(try found()?.id == "1", "not found once user 2 is bob again")
            // Any save without the digest forgets it; `setRowDigests` sets it again.
            try committed(store) { try store.saveUser(user("A", "1", "Ann@X", externalID: "e1")) }
            try expect(try found() == nil, "a save without the digest kept it")
            try committed(store) { try store.setRowDigests(app: "A", [("1", row)]) }
            try expect(try found()?.id == "1", "setRowDigests did not set it")
            try committed(store) { try store.renameUser(app: "A", from: "1", to: "1b") }
            try expect(try found() == nil, "a renamed user kept its row digest")
            try committed(store) { try store.setRowDigests(app: "A", [("1b", row)]) }
            try committed(store) { try store.deleteUser(app: "A", id: "1b") }
            try expect(try found() == nil, "a deleted user is still found")
        },
    ]
}
