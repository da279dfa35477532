import Foundation
import SCIMKit
import SCIMReconCore
import SCIMReconSQLite
import SCIMReconTestSupport
import Testing

/// The SQLite store against its contract: look-ups, transactions, the lock.
@Suite struct SQLiteStoreTests {
    let path: String

    init() throws {
        path = try Fixtures.temporaryDirectory("sqlite") + "/store.sqlite"
    }

    func user(_ id: String, _ name: String, app: String = "App", active: Bool = true) -> LocalUser {
        LocalUser(
            app: app, id: id, attributes: ["userName": name, "email": name.lowercased(), "externalId": "x-\(id)"],
            active: active, scim: JSONObject(["id": .string(id), "userName": .string(name)]))
    }

    @Test func findsUsersByEveryKeyCaseInsensitivelyWhereSCIMSaysSo() throws {
        let store = try SQLiteStore(path: path, writable: true)
        try store.begin()
        try store.saveUser(user("1", "Alice@Contoso.com"))
        try store.saveUser(user("2", "bob@contoso.com"))
        try store.saveUser(user("1", "alice@other.example", app: "Other"))
        try store.commit()
        #expect(try store.findUser(app: "App", by: .userName, value: "ALICE@contoso.COM").map(\.id) == ["1"])
        #expect(try store.findUser(app: "App", by: .email, value: "alice@CONTOSO.com").map(\.id) == ["1"])
        #expect(try store.findUser(app: "App", by: .externalId, value: "x-2").map(\.id) == ["2"])
        #expect(try store.findUser(app: "App", by: .externalId, value: "X-2").isEmpty, "externalId is case-exact")
        #expect(try store.findUser(app: "Other", by: .id, value: "1").first?.userName == "alice@other.example")
        #expect(try store.userCount(app: "App", activeOnly: true) == 2)
    }

    @Test func aRolledBackTransactionLeavesNothing() throws {
        let store = try SQLiteStore(path: path, writable: true)
        try store.begin()
        try store.saveUser(user("1", "a@x"))
        store.rollback()
        #expect(try store.findUser(app: "App", by: .id, value: "1").isEmpty)
    }

    @Test func aSecondWriterIsRefusedAsLocked() throws {
        let first = try SQLiteStore(path: path, writable: true)
        #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path, writable: true) }
        do {
            _ = try SQLiteStore(path: path, writable: true)
        } catch {
            #expect(error.kind == .locked)
        }
        _ = first
    }

    @Test func theLockIsReleasedWhenTheWriterCloses() throws {
        do { _ = try SQLiteStore(path: path, writable: true) }
        let again = try SQLiteStore(path: path, writable: true)
        #expect(again.location == path)
    }

    @Test func readersNeedAnExistingStore() throws {
        #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path + "-missing", writable: false) }
    }

    @Test func membershipsFollowUsersAndGroupsOut() throws {
        let store = try SQLiteStore(path: path, writable: true)
        try store.begin()
        try store.saveUser(user("u1", "a@x"))
        try store.saveGroup(LocalGroup(app: "App", id: "g1", displayName: "Sales", externalID: nil, scim: JSONObject()))
        try store.addMember(app: "App", groupID: "g1", userID: "u1")
        try store.addMember(app: "App", groupID: "g1", userID: "u1")
        #expect(try store.members(app: "App", groupID: "g1") == ["u1"])
        #expect(try store.groupNames(app: "App", userID: "u1") == ["Sales"])
        try store.deleteUser(app: "App", id: "u1")
        #expect(try store.members(app: "App", groupID: "g1").isEmpty)
        try store.commit()
    }

    @Test func reportFiltersAreBoundAndComposed() throws {
        let store = try SQLiteStore(path: path, writable: true)
        try store.begin()
        let base = ProvisioningEvent(
            time: Timestamp(rfc3339: "2026-11-01T00:00:00Z")!, run: 1, app: "A", user: "alice@x", userID: "1",
            externalID: "E1", action: .create, status: .success, source: "f:1")
        var second = base
        second.time = Timestamp(rfc3339: "2026-11-02T00:00:00Z")!
        second.user = "bob%@x"
        second.userID = "2"
        second.externalID = "E2"
        second.app = "B"
        second.action = .disable
        try store.appendEvent(base, email: "alice.mail@x")
        try store.appendEvent(second, email: nil)
        try store.commit()
        func count(_ filter: ReportFilter) throws -> Int { try store.countEvents(filter) }
        #expect(try count(ReportFilter(since: base.time, until: second.time)) == 1, "since inclusive, until exclusive")
        #expect(try count(ReportFilter(users: ["ALICE.MAIL@X"])) == 1, "email matches")
        #expect(try count(ReportFilter(users: ["e1"])) == 1, "externalId matches case-insensitively")
        #expect(try count(ReportFilter(users: ["bob_@x"])) == 0, "no LIKE leakage")
        #expect(try count(ReportFilter(users: ["bob%*"])) == 1)
        #expect(try count(ReportFilter(users: ["*@x"], apps: ["B"])) == 1)
        #expect(try count(ReportFilter(actions: [.create, .disable])) == 2)
        #expect(try count(ReportFilter(users: ["alice@x", "bob%@x"], statuses: [.failure])) == 0)
    }
}
