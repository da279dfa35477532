import SCIMKit
import SCIMReconTestSupport
import Testing

@testable import SCIMReconCore

/// The reconciliation rules with values: requests in, events and store state out, on the
/// in-memory store — no binary, no file.
@Suite struct ReconcilerTests {
    static let now = Timestamp(rfc3339: "2026-11-28T02:00:00Z")!
    let store = InMemoryStore()
    var events: [ProvisioningEvent] = []

    func reconciler(_ configure: (inout Policy) -> Void = { _ in }) -> Reconciler {
        var policy = Policy.default
        configure(&policy)
        let settings = ReconcileSettings(
            job: "test", app: "Azure AD", mapping: .default, policy: policy, match: MatchKey.defaultOrder)
        return Reconciler(store: store, settings: settings, run: 1, now: Self.now)
    }

    func request(
        _ method: String, _ path: String, _ body: JSONValue? = nil, responseID: String? = nil, app: String? = nil,
        line: Int = 1
    ) throws -> SCIMRequest {
        SCIMRequest(
            time: Self.now, app: app, method: method, path: try RequestPath(path), status: nil, body: body,
            responseID: responseID, source: "log.jsonl:\(line)", fingerprint: "f\(line)")
    }

    func user(_ userName: String, externalID: String? = nil, active: Bool = true) -> JSONValue {
        var object = JSONObject([
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": .string(userName),
            "active": .bool(active),
        ])
        if let externalID { object["externalId"] = .string(externalID) }
        return .object(object)
    }

    func recorded(_ reconciler: Reconciler, _ body: () throws -> Void) rethrows -> [ProvisioningEvent] {
        var seen: [ProvisioningEvent] = []
        reconciler.observer = { seen.append($0) }
        try body()
        return seen
    }

    @Test func aPostCreatesAndAPatchChangesOnlyWhatItTouched() throws {
        let engine = reconciler()
        let created = try recorded(engine) {
            try engine.apply(
                try request("POST", "/Users", user("alice@contoso.com", externalID: "e1"), responseID: "u1"))
        }
        #expect(created.map(\.action) == [.create])
        #expect(created[0].changes.contains(.init(attribute: "userName", old: nil, new: "alice@contoso.com")))
        let patch: JSONValue = [
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [["op": "Replace", "path": "displayName", "value": "Alice Wong"]],
        ]
        let updated = try recorded(engine) { try engine.apply(try request("PATCH", "/Users/u1", patch, line: 2)) }
        #expect(updated.map(\.action) == [.update])
        #expect(updated[0].changes == [.init(attribute: "displayName", old: nil, new: "Alice Wong")])
    }

    @Test func aPostForAUserThatAlreadyMatchesIsAnUpdateNeverADuplicate() throws {
        let engine = reconciler()
        try engine.apply(try request("POST", "/Users", user("Bob@Contoso.com"), responseID: "u1"))
        let again = try recorded(engine) {
            try engine.apply(
                try request("POST", "/Users", user("bob@contoso.com", externalID: "e2"), responseID: "u1", line: 2))
        }
        #expect(again.map(\.action) == [.update])
        #expect(try store.userCount(app: "Azure AD", activeOnly: false) == 1)
    }

    @Test func twoUsersMatchedByDifferentKeysAreAFailureNamingBoth() throws {
        let engine = reconciler()
        try engine.apply(try request("POST", "/Users", user("a@x", externalID: "e1"), responseID: "u1"))
        try engine.apply(try request("POST", "/Users", user("b@x", externalID: "e2"), responseID: "u2", line: 2))
        let clash = try recorded(engine) {
            try engine.apply(try request("POST", "/Users", user("b@x", externalID: "e1"), line: 3))
        }
        #expect(clash.map(\.status) == [.failure])
        #expect(clash[0].reason?.hasPrefix("match.ambiguous") == true)
        #expect(clash[0].reason?.contains("u1") == true && clash[0].reason?.contains("u2") == true)
    }

    @Test func turnedOffOperationsAreSkippedWithTheirReason() throws {
        let engine = reconciler {
            $0.create = false
        }
        let skipped = try recorded(engine) { try engine.apply(try request("POST", "/Users", user("a@x"))) }
        #expect(skipped.map(\.status) == [.skipped])
        #expect(skipped[0].reason == "policy.create-disabled: create is turned off for this job")
        #expect(try store.userCount(app: "Azure AD", activeOnly: false) == 0)
    }

    @Test func aDeactivationDisablesByDefaultAndDeletesWhenTheJobSaysSo() throws {
        let disabling = reconciler()
        try disabling.apply(try request("POST", "/Users", user("a@x"), responseID: "u1"))
        let off: JSONValue = ["Operations": [["op": "replace", "path": "active", "value": "False"]]]
        let disabled = try recorded(disabling) { try disabling.apply(try request("PATCH", "/Users/u1", off, line: 2)) }
        #expect(disabled.map(\.action) == [.disable])
        #expect(try store.findUser(app: "Azure AD", by: .id, value: "u1").first?.active == false)

        let deleting = reconciler { $0.deleteDeactivated = true }
        try deleting.apply(try request("POST", "/Users", user("b@x"), responseID: "u2", line: 3))
        let deleted = try recorded(deleting) { try deleting.apply(try request("PATCH", "/Users/u2", off, line: 4)) }
        #expect(deleted.map(\.action) == [.delete])
        #expect(try store.findUser(app: "Azure AD", by: .id, value: "u2").isEmpty)
        let twice = try recorded(deleting) { try deleting.apply(try request("DELETE", "/Users/u2", line: 5)) }
        #expect(twice.map(\.status) == [.skipped])
        #expect(twice[0].reason?.hasPrefix("resource.already-deleted") == true)
    }

    @Test func aGracePeriodDisablesNowAndDeletesOnceItEnds() throws {
        let thirtyDays: Int64 = 30 * 86_400_000
        let engine = reconciler {
            $0.deleteDeactivated = true
            $0.deleteAfterMilliseconds = thirtyDays
        }
        try engine.apply(try request("POST", "/Users", user("a@x"), responseID: "u1"))
        let now = try recorded(engine) { try engine.apply(try request("DELETE", "/Users/u1", line: 2)) }
        #expect(now.map(\.action) == [.disable])
        #expect(try store.findUser(app: "Azure AD", by: .id, value: "u1").first?.deleteAfter != nil)
        try engine.deleteExpired(app: "Azure AD")
        #expect(try store.findUser(app: "Azure AD", by: .id, value: "u1").count == 1, "deleted before the period ended")
        let settings = engine.settings
        let later = Reconciler(
            store: store, settings: settings, run: 2, now: Self.now.adding(milliseconds: thirtyDays + 1))
        let expired = try recorded(later) { try later.deleteExpired(app: "Azure AD") }
        #expect(expired.map(\.action) == [.delete])
        #expect(try store.findUser(app: "Azure AD", by: .id, value: "u1").isEmpty)
    }

    /// RFC 7643 §4.2: a group's displayName is not unique; RFC 7644 §3.3: a POST creates.
    @Test func aSecondGroupWithTheSameNameIsAnotherGroup() throws {
        let engine = reconciler()
        try engine.apply(try request("POST", "/Users", user("u1@x"), responseID: "u1"))
        let staff: JSONValue = ["displayName": "Staff", "members": [["value": "u1"]]]
        try engine.apply(try request("POST", "/Groups", staff, responseID: "g1", line: 2))
        try engine.apply(try request("POST", "/Groups", ["displayName": "Staff"], responseID: "g2", line: 3))
        let rename: JSONValue = ["Operations": [["op": "replace", "path": "displayName", "value": "Staff (old)"]]]
        let renamed = try recorded(engine) { try engine.apply(try request("PATCH", "/Groups/g2", rename, line: 4)) }
        #expect(renamed.map(\.status) == [.success])
        #expect(try store.members(app: "Azure AD", groupID: "g1") == ["u1"])
        #expect(try store.group(app: "Azure AD", id: "g2")?.displayName == "Staff (old)")
        #expect(try store.group(app: "Azure AD", id: "g1")?.displayName == "Staff")
    }

    /// A PATCH that only adds members is applied without rebuilding the stored list; the same
    /// additions sent with an operation that forces the general path give the same events.
    @Test func addingMembersGivesTheEventsOfTheGeneralPath() throws {
        func run(_ extra: [JSONValue]) throws -> (events: [ProvisioningEvent], members: [String]) {
            let store = InMemoryStore()
            let settings = ReconcileSettings(
                job: "test", app: "Azure AD", mapping: .default, policy: .default, match: MatchKey.defaultOrder)
            let engine = Reconciler(store: store, settings: settings, run: 1, now: Self.now)
            for name in ["u1", "u2", "u3"] {
                try engine.apply(try request("POST", "/Users", user("\(name)@x"), responseID: name))
            }
            let staff: JSONValue = ["displayName": "Staff", "members": [["value": "u1"]]]
            try engine.apply(try request("POST", "/Groups", staff, responseID: "g1", line: 2))
            let add: JSONValue = [
                "op": "Add", "path": "members", "value": [["value": "u1"], ["value": "u2"], ["value": "u2"]],
            ]
            let more: JSONValue = ["op": "add", "path": "MEMBERS", "value": [["value": "u3", "display": "Three"]]]
            let body: JSONValue = ["Operations": .array([add, more] + extra)]
            let events = try recorded(engine) { try engine.apply(try request("PATCH", "/Groups/g1", body, line: 3)) }
            return (events, try store.members(app: "Azure AD", groupID: "g1"))
        }
        let fast = try run([])
        // Replacing the name with itself changes nothing, but takes the general path.
        let general = try run([["op": "replace", "path": "displayName", "value": "Staff"]])
        #expect(fast.events.map(\.action) == [.memberAdd, .memberAdd])
        #expect(fast.events.map(\.userID) == ["u2", "u3"])
        #expect(fast.events.map(\.user) == ["u2@x", "u3@x"])
        #expect(fast.events == general.events)
        #expect(fast.members == ["u1", "u2", "u3"])
        #expect(general.members == fast.members)
        // A bad member value fails the same way on both paths, and changes nothing.
        let bad: JSONValue = ["op": "add", "path": "members", "value": [["display": "no value"]]]
        let failedFast = try run([bad])
        let failedGeneral = try run([bad, ["op": "replace", "path": "displayName", "value": "Staff"]])
        #expect(failedFast.events.map(\.status) == failedGeneral.events.map(\.status))
        #expect(failedFast.events.map(\.reason) == failedGeneral.events.map(\.reason))
        #expect(failedFast.members == failedGeneral.members)
    }

    @Test func aGroupPutClearsAnOmittedExternalIdAsAUserPutDoes() throws {
        let engine = reconciler()
        try engine.apply(
            try request("POST", "/Groups", ["displayName": "Staff", "externalId": "x1"], responseID: "g1"))
        #expect(try store.group(app: "Azure AD", id: "g1")?.externalID == "x1")
        try engine.apply(try request("PUT", "/Groups/g1", ["displayName": "Staff"], line: 2))
        #expect(try store.group(app: "Azure AD", id: "g1")?.externalID == nil)
    }

    @Test func aRecordsAppInAnyLetterCaseIsTheStoresApplication() throws {
        _ = try store.canonicalApp("Okta")
        let engine = reconciler()
        let events = try recorded(engine) {
            try engine.apply(try request("POST", "/Users", user("a@x"), responseID: "u1", app: "OKTA"))
        }
        #expect(events.map(\.app) == ["Okta"])
        #expect(try store.findUser(app: "Okta", by: .id, value: "u1").count == 1)
    }

    /// The guard's percentage counts the users the run creates, and never allows fewer than the
    /// floor: the first run over a new app of 3 users can disable 2 of them at 10%.
    @Test(arguments: [
        (DeprovisionLimit.percent(10), 0, 3, 2, 5, false), (.percent(10), 0, 3, 6, 5, true),
        (.percent(10), 200, 50, 25, 5, false), (.percent(10), 200, 50, 26, 5, true), (.count(2), 0, 3, 3, 5, true),
    ])
    func theDeprovisionGuardCountsCreatedUsersAndHasAFloor(
        limit: DeprovisionLimit, activeBefore: Int, created: Int, deprovisions: Int, floor: Int, stops: Bool
    ) throws {
        var policy = Policy.default
        policy.maxDeprovisions = limit
        policy.deprovisionFloor = floor
        let settings = ReconcileSettings(job: "t", app: "A", mapping: .default, policy: policy, match: [.userName])
        let engine = RunEngine(store: InMemoryStore(), settings: settings, options: RunOptions(now: Self.now))
        var tally = RunTally()
        tally.add("create.success", created)
        tally.add("disable.success", deprovisions)
        let stop = engine.guardStop(tally, activeBefore: activeBefore)
        #expect((stop != nil) == stops, "\(stop ?? "no stop")")
        if let stop {
            #expect(stop.hasPrefix("guard.max-deprovisions: the run would deprovision \(deprovisions) users"))
        }
    }
}
