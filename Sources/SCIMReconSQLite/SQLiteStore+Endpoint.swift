import SCIMKit
import SCIMReconCore

/// The look-ups the SCIM endpoint serves lists and filters with, beside the core's protocol.
extension SQLiteStore {
    /// Every group of `app` with this display name (a display name is not unique), by id.
    public func findGroups(app: String, displayName: String) throws(StoreError) -> [LocalGroup] {
        let statement = try db.statement(
            """
            SELECT app, id, display_name, external_id, scim FROM groups
            WHERE app = ? AND display_name_key = ? ORDER BY +id
            """)
        statement.bind([.text(app), .text(displayName.lowercased())])
        var result: [LocalGroup] = []
        while try statement.step() { result.append(try readGroup(statement)) }
        return result
    }

    /// The ids of the groups of `app` that `userID` is a member of (index `memberships_by_user`).
    public func groupIDs(app: String, memberID: String) throws(StoreError) -> [String] {
        let statement = try db.statement(
            "SELECT group_id FROM memberships WHERE app = ? AND user_id = ? ORDER BY group_id")
        statement.bind([.text(app), .text(memberID)])
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0) ?? "") }
        return result
    }

    /// The users of `app` in a stable order (userName, then id), one at a time; `body` returns
    /// false to stop early.
    public func forEachUser(app: String, _ body: (LocalUser) throws -> Bool) throws {
        let statement = try db.uncachedStatement(
            "SELECT \(Self.userColumns) FROM users WHERE app = ? ORDER BY user_name_key, id")
        statement.bind([.text(app)])
        while try statement.step() {
            guard try body(try readUser(statement)) else { return }
        }
    }

    /// The groups of `app` in a stable order (displayName, then id); `body` returns false to stop.
    public func forEachGroup(app: String, _ body: (LocalGroup) throws -> Bool) throws {
        let statement = try db.uncachedStatement(
            "SELECT app, id, display_name, external_id, scim FROM groups WHERE app = ? ORDER BY display_name_key, id")
        statement.bind([.text(app)])
        while try statement.step() {
            guard try body(try readGroup(statement)) else { return }
        }
    }
}
