import SCIMKit
import SCIMReconCore

extension PostgresStore {
    static let userColumns = "app, id, attributes, active, scim, disabled_ms, delete_after_ms"

    /// One row of a query selecting `userColumns`; a value the store never writes is damage.
    func readUser(_ rows: PostgresRows, _ index: Int32) throws(StoreError) -> LocalUser {
        let app = rows.text(index, 0) ?? ""
        let id = rows.text(index, 1) ?? ""
        let row = "table users, row (app '\(app)', id '\(id)')"
        guard let object = try json(rows, index, 2, name: "attributes", at: row)?.objectValue else {
            throw db.corrupt("\(row): column attributes is not a JSON object")
        }
        var attributes: [String: String] = [:]
        for member in object {
            guard let value = member.value.stringValue else {
                throw db.corrupt("\(row): attribute '\(member.key)' is not a string")
            }
            attributes[member.key] = value
        }
        guard let scim = try json(rows, index, 4, name: "scim", at: row)?.objectValue else {
            throw db.corrupt("\(row): column scim is not a JSON object")
        }
        return LocalUser(
            app: app, id: id, attributes: attributes, active: rows.bool(index, 3) == true, scim: scim,
            disabledAt: rows.int64(index, 5).map(Timestamp.init(millisecondsSince1970:)),
            deleteAfter: rows.int64(index, 6).map(Timestamp.init(millisecondsSince1970:)))
    }

    func users(_ sql: String, _ values: [String?]) throws(StoreError) -> [LocalUser] {
        let rows = try db.query(sql, values)
        var result: [LocalUser] = []
        result.reserveCapacity(Int(rows.count))
        for index in 0..<rows.count { result.append(try readUser(rows, index)) }
        return result
    }

    public func findUser(app: String, by key: MatchKey, value: String) throws(StoreError) -> [LocalUser] {
        let (column, bound) = (key.storeColumn, key.folded(value))
        return try users(
            "SELECT \(Self.userColumns) FROM users WHERE app = $1 AND \(column) = $2 ORDER BY id", [app, bound])
    }

    /// One statement for a chunk's look-ups by one key, instead of a round trip each.
    public func findUsers(app: String, by key: MatchKey, values: [String]) throws(StoreError) -> [LocalUser] {
        guard !values.isEmpty else { return [] }
        let (column, bound) = (key.storeColumn, values.map(key.folded))
        return try users(Self.lookUpEach(column), [app, textArray(Array(Set(bound)).sorted())])
    }

    /// Users whose `column` is one of the distinct values in `$2`, as one index look-up each.
    /// Inside a run the statistics describe the table as it was before it (often empty, so that
    /// `app = $1` looks rare), and `column = ANY($2)` or a plain join was then planned as a hash
    /// over every user of the app once a chunk held a hundred values: 12 ms a statement at 20k
    /// users. `OFFSET 0` keeps the subquery a look-up per value, which the planner cannot fold
    /// into a join.
    static func lookUpEach(_ column: String) -> String {
        """
        SELECT u.* FROM unnest($2::text[]) AS k(value)
        CROSS JOIN LATERAL (
            SELECT \(userColumns) FROM users WHERE app = $1 AND \(column) = k.value OFFSET 0
        ) AS u
        ORDER BY u.id
        """
    }

    /// A user's columns in the order of `userWriteColumns`.
    static func userValues(_ user: EncodedUser) -> [String?] {
        [
            user.app, user.id, user.userName, user.userName.lowercasedIfNeeded(), user.externalID,
            user.externalID.map(asciiFolded), asciiFolded(user.id), user.email?.lowercasedIfNeeded(),
            user.active ? "t" : "f",
            user.attributesText, user.scimText,
            user.disabledAt.map { String($0.millisecondsSince1970) },
            user.deleteAfter.map { String($0.millisecondsSince1970) },
            // Every write sets the row digest: the row's, or none.
            user.rowDigest.map { String($0.high) }, user.rowDigest.map { String($0.low) },
        ]
    }

    static let userWriteColumns = """
        app, id, user_name, user_name_key, external_id, external_id_fold, id_fold, email_key, active, attributes,
        scim, disabled_ms, delete_after_ms, row_high, row_low
        """

    static let userUpsert = """
        ON CONFLICT(app, id) DO UPDATE SET user_name = excluded.user_name, user_name_key = excluded.user_name_key,
            external_id = excluded.external_id, external_id_fold = excluded.external_id_fold,
            email_key = excluded.email_key, active = excluded.active, attributes = excluded.attributes,
            scim = excluded.scim, disabled_ms = excluded.disabled_ms, delete_after_ms = excluded.delete_after_ms,
            row_high = excluded.row_high, row_low = excluded.row_low
        """

    /// One round trip whether the user is new or changed (an upsert on the primary key).
    public func saveUser(_ user: LocalUser) throws(StoreError) {
        try saveEncodedUsers([EncodedUser(user, stored: true)])
    }

    /// Users by id, one round trip for the chunk.
    public func users(app: String, ids: [String]) throws(StoreError) -> [LocalUser] {
        guard !ids.isEmpty else { return [] }
        return try users(Self.lookUpEach("id"), [app, textArray(Array(Set(ids)))])
    }

    public func saveUsers(_ users: [LocalUser]) throws(StoreError) {
        try saveEncodedUsers(users.map { EncodedUser($0, stored: true) })
    }

    /// New and changed users in one upsert: each column as an array, unnested into rows. A user
    /// saved twice in the chunk is written once, as last saved (an upsert touches a row once).
    /// Whether the run created a user changes nothing here: the upsert is one statement either way.
    public func saveEncodedUsers(_ users: [EncodedUser]) throws(StoreError) {
        guard users.count > 1 else {
            if let user = users.first {
                wrote(1, to: "users")
                try db.query(
                    """
                    INSERT INTO users(\(Self.userWriteColumns))
                    VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \(Self.userUpsert)
                    """, Self.userValues(user))
            }
            return
        }
        var last: [String: Int] = [:]
        for (index, user) in users.enumerated() { last[user.app + "\u{0}" + user.id] = index }
        let rows = users.indices.filter { last[users[$0].app + "\u{0}" + users[$0].id] == $0 }.map {
            Self.userValues(users[$0])
        }
        wrote(rows.count, to: "users")
        var columns: [String?] = []
        for column in 0..<15 {
            let values = rows.map { $0[column] }
            columns.append(arrayLiteral(values))
        }
        try db.send(
            """
            INSERT INTO users(\(Self.userWriteColumns))
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                 $8::text[], $9::boolean[], $10::text[], $11::text[], $12::bigint[], $13::bigint[],
                                 $14::bigint[], $15::bigint[])
            \(Self.userUpsert)
            """, columns)
    }

    public func markSeen(app: String, ids: [String], run: Int64) throws(StoreError) {
        guard !ids.isEmpty else { return }
        wrote(ids.count, to: "users")
        try db.send(
            "UPDATE users SET seen_run = $1 WHERE app = $2 AND id = ANY($3::text[])",
            [String(run), app, textArray(ids)])
    }

    public func deleteUser(app: String, id: String) throws(StoreError) {
        try db.query("DELETE FROM users WHERE app = $1 AND id = $2", [app, id])
        try db.query("DELETE FROM memberships WHERE app = $1 AND user_id = $2", [app, id])
    }

    public func renameUser(app: String, from id: String, to newID: String) throws(StoreError) {
        try db.query(
            "UPDATE users SET id = $1, id_fold = $2, row_high = NULL, row_low = NULL WHERE app = $3 AND id = $4",
            [newID, asciiFolded(newID), app, id])
        // A membership the new id already has stays once (SQLite's UPDATE OR IGNORE).
        try db.query(
            """
            UPDATE memberships m SET user_id = $1 WHERE app = $2 AND user_id = $3
              AND NOT EXISTS (SELECT 1 FROM memberships x WHERE x.app = m.app AND x.group_id = m.group_id
                              AND x.user_id = $1)
            """, [newID, app, id])
        try db.query("DELETE FROM memberships WHERE app = $1 AND user_id = $2", [app, id])
    }

    public func userCount(app: String, activeOnly: Bool) throws(StoreError) -> Int {
        let sql =
            activeOnly
            ? "SELECT count(*) FROM users WHERE app = $1 AND active" : "SELECT count(*) FROM users WHERE app = $1"
        return Int(try db.query(sql, [app]).int64(0, 0) ?? 0)
    }

    public func markSeen(app: String, id: String, run: Int64) throws(StoreError) {
        try db.query("UPDATE users SET seen_run = $1 WHERE app = $2 AND id = $3", [String(run), app, id])
    }

    /// The chunk's digests in one statement.
    public func setRowDigests(app: String, _ digests: [(id: String, digest: Fingerprint)]) throws(StoreError) {
        guard !digests.isEmpty else { return }
        wrote(digests.count, to: "users")
        try db.send(
            """
            UPDATE users u SET row_high = d.high, row_low = d.low
            FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS d(id, high, low)
            WHERE u.app = $1 AND u.id = d.id
            """,
            [
                app, textArray(digests.map(\.id)), arrayLiteral(digests.map { String($0.digest.high) }),
                arrayLiteral(digests.map { String($0.digest.low) }),
            ])
    }

    /// As SQLite's: the user by `users_by_row`, and for each key whether another user has its value.
    public func userWritten(app: String, byRow digest: Fingerprint, unsharedKeys keys: [MatchKey])
        throws(StoreError) -> RowWrittenUser?
    {
        let asked = keys.filter { $0 != .id }
        let columns = RowWrittenUser.selectList(asked)
        let rows = try db.query(
            "SELECT \(columns) FROM users u WHERE u.app = $1 AND u.row_high = $2 AND u.row_low = $3 LIMIT 2",
            [app, String(digest.high), String(digest.low)])
        // Two users with one digest: each must be matched again to tell which the row is.
        guard rows.count == 1, let id = rows.text(0, 0) else { return nil }
        var values: [MatchKey: String] = [:]
        for (index, key) in asked.enumerated() {
            guard let value = rows.text(0, Int32(1 + index)) else { continue }
            if rows.bool(0, Int32(1 + asked.count + index)) != false { return nil }
            values[key] = value
        }
        return RowWrittenUser(id: id, keys: values)
    }

    /// A chunk's digests in one statement, one index probe each (`OFFSET 0`, as `lookUpEach`).
    public func usersWritten(app: String, byRows digests: [Fingerprint], unsharedKeys keys: [MatchKey])
        throws(StoreError) -> [Fingerprint: RowWrittenUser]
    {
        guard !digests.isEmpty else { return [:] }
        let asked = keys.filter { $0 != .id }
        let rows = try db.query(
            """
            SELECT d.high, d.low, w.* FROM unnest($2::bigint[], $3::bigint[]) AS d(high, low)
            CROSS JOIN LATERAL (
                SELECT \(RowWrittenUser.selectList(asked)) FROM users u
                WHERE u.app = $1 AND u.row_high = d.high AND u.row_low = d.low OFFSET 0
            ) AS w
            """,
            [
                app, arrayLiteral(digests.map { String($0.high) }), arrayLiteral(digests.map { String($0.low) }),
            ])
        var found: [Fingerprint: RowWrittenUser] = [:]
        var twice: Set<Fingerprint> = []
        for index in 0..<rows.count {
            guard let high = rows.int64(index, 0), let low = rows.int64(index, 1), let id = rows.text(index, 2)
            else { continue }
            let digest = Fingerprint(high: high, low: low)
            // Two users with one digest: each must be matched again to tell which the row is.
            if found[digest] != nil { twice.insert(digest) }
            var values: [MatchKey: String] = [:]
            var shared = false
            for (position, key) in asked.enumerated() {
                guard let value = rows.text(index, Int32(3 + position)) else { continue }
                if rows.bool(index, Int32(3 + asked.count + position)) != false { shared = true }
                values[key] = value
            }
            found[digest] = shared ? nil : RowWrittenUser(id: id, keys: values)
            if shared { twice.insert(digest) }
        }
        for digest in twice { found[digest] = nil }
        return found
    }

    public func unseenUsers(app: String, run: Int64) throws(StoreError) -> [LocalUser] {
        try users(
            """
            SELECT \(Self.userColumns) FROM users
            WHERE app = $1 AND active AND (seen_run IS NULL OR seen_run <> $2) ORDER BY user_name_key, id
            """, [app, String(run)])
    }

    public func usersDueForDeletion(app: String, now: Timestamp) throws(StoreError) -> [LocalUser] {
        try users(
            """
            SELECT \(Self.userColumns) FROM users
            WHERE app = $1 AND delete_after_ms IS NOT NULL AND delete_after_ms <= $2 AND NOT active
            ORDER BY delete_after_ms, id
            """, [app, String(now.millisecondsSince1970)])
    }
}
