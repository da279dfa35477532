import SCIMReconCore

extension SQLiteStore: DuplicateQueries {
    /// The case-folded column of each key: the stored `*_key` columns (Unicode-lowercased), and
    /// `lower(external_id)` (ASCII folding: externalIds are ids, not names).
    static let duplicateColumns: [(key: String, column: String)] = [
        ("userName", "user_name_key"), ("email", "email_key"), ("externalId", "lower(external_id)"),
    ]

    public func forEachDuplicate(app: String?, _ body: (DuplicateGroup) throws -> Void) throws {
        let appValue = SQLiteValue(app)
        for (key, column) in Self.duplicateColumns {
            let groups = try db.statement(
                """
                SELECT app, \(column) AS k FROM users WHERE k IS NOT NULL AND k != '' AND (?1 IS NULL OR app = ?1)
                GROUP BY app, k HAVING count(*) > 1 ORDER BY app, k
                """)
            groups.bind([appValue])
            while try groups.step() {
                let groupApp = groups.text(0) ?? ""
                let value = groups.text(1) ?? ""
                let members = try users(
                    "SELECT \(Self.userColumns) FROM users WHERE app = ? AND \(column) = ? ORDER BY id",
                    [.text(groupApp), .text(value)])
                try body(DuplicateGroup(scope: .app, key: key, value: value, app: groupApp, users: members))
            }
        }
        for (key, column) in Self.duplicateColumns where key != "userName" {
            let groups = try db.statement(
                """
                SELECT \(column) AS k FROM users WHERE k IS NOT NULL AND k != '' GROUP BY k
                HAVING count(DISTINCT app) > 1 AND (?1 IS NULL OR sum(app = ?1) > 0) ORDER BY k
                """)
            groups.bind([appValue])
            while try groups.step() {
                let value = groups.text(0) ?? ""
                let members = try users(
                    "SELECT \(Self.userColumns) FROM users WHERE \(column) = ? ORDER BY app, id", [.text(value)])
                try body(DuplicateGroup(scope: .acrossApps, key: key, value: value, app: nil, users: members))
            }
        }
    }
}
