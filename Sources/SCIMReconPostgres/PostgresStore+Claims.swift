import SCIMKit
import SCIMReconCore

extension PostgresStore: ClaimStore {
    static let claimColumns = """
        app, id, time_ms, run, action, status, identity_type, target_id, user_name, external_id, source_id,
        service_principal, error_code, error_reason, changes, source
        """

    static func claimValues(_ claim: ProviderClaim) -> [String?] {
        [
            claim.app, claim.id, String(claim.time.millisecondsSince1970), String(claim.run), claim.action.rawValue,
            claim.status.rawValue, claim.identityType, claim.targetID, claim.user, claim.externalID, claim.sourceID,
            claim.servicePrincipal, claim.errorCode, claim.errorReason,
            claim.changes.isEmpty ? nil : changesJSON(claim.changes), claim.source, claim.targetID?.lowercased(),
            claim.user?.lowercased(), claim.externalID?.lowercased(),
        ]
    }

    public func insertClaim(_ claim: ProviderClaim) throws(StoreError) -> Bool {
        try db.query(
            """
            INSERT INTO claims(\(Self.claimColumns), target_id_key, user_key, external_id_key)
            VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
            ON CONFLICT DO NOTHING
            """, Self.claimValues(claim)
        ).changed > 0
    }

    public func forEachClaim(
        apps: [String], since: Timestamp?, until: Timestamp?, _ body: (ProviderClaim) throws -> Void
    ) throws {
        var clauses: [String] = []
        var parameters = Parameters()
        if !apps.isEmpty {
            var placeholders: [String] = []
            for app in apps { placeholders.append(parameters.add(app)) }
            clauses.append("app IN (\(placeholders.joined(separator: ", ")))")
        }
        if let since { clauses.append("time_ms >= \(parameters.add(String(since.millisecondsSince1970)))") }
        if let until { clauses.append("time_ms < \(parameters.add(String(until.millisecondsSince1970)))") }
        let clause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        try db.forEachRow("SELECT \(Self.claimColumns) FROM claims \(clause) ORDER BY time_ms, id", parameters.values) {
            rows, index in
            try body(try readClaim(rows, index))
        }
    }

    public func claims(app: String, about identity: ClaimIdentity, from: Timestamp, to: Timestamp) throws(StoreError)
        -> [ProviderClaim]
    {
        let rows = try db.query(
            """
            SELECT \(Self.claimColumns) FROM claims
            WHERE app = $1 AND time_ms BETWEEN $2 AND $3
              AND (target_id_key = $4 OR user_key = $5 OR external_id_key = $6)
            ORDER BY time_ms, id
            """,
            [app, String(from.millisecondsSince1970), String(to.millisecondsSince1970)]
                + Self.identityValues(identity))
        var result: [ProviderClaim] = []
        for index in 0..<rows.count { result.append(try readClaim(rows, index)) }
        return result
    }

    public func events(app: String, about identity: ClaimIdentity, from: Timestamp, to: Timestamp) throws(StoreError)
        -> [ProvisioningEvent]
    {
        let rows = try db.query(
            """
            SELECT \(Self.eventReadColumns) FROM events
            WHERE app = $1 AND time_ms BETWEEN $2 AND $3
              AND (user_id_key = $4 OR user_key = $5 OR external_id_key = $6)
            ORDER BY time_ms, seq
            """,
            [app, String(from.millisecondsSince1970), String(to.millisecondsSince1970)]
                + Self.identityValues(identity))
        var result: [ProvisioningEvent] = []
        for index in 0..<rows.count { result.append(try readEvent(rows, index)) }
        return result
    }

    public func claimApps() throws(StoreError) -> [String] {
        let rows = try db.query("SELECT DISTINCT app FROM claims ORDER BY app")
        return (0..<rows.count).map { rows.text($0, 0) ?? "" }
    }

    public func pruneClaims(before cutoff: Timestamp) throws(StoreError) -> Int {
        try db.query("DELETE FROM claims WHERE time_ms < $1", [String(cutoff.millisecondsSince1970)]).changed
    }

    /// The bound values of an identity: lowercased keys, null where absent (null never matches).
    static func identityValues(_ identity: ClaimIdentity) -> [String?] {
        [identity.id?.lowercased(), identity.userName?.lowercased(), identity.externalID?.lowercased()]
    }

    /// One claim row; a value the store never writes is damage, named by table and key.
    func readClaim(_ rows: PostgresRows, _ index: Int32) throws(StoreError) -> ProviderClaim {
        let row = "table claims, row (app '\(rows.text(index, 0) ?? "")', id '\(rows.text(index, 1) ?? "")')"
        guard let action = rows.text(index, 4).flatMap(ProviderClaim.Action.init(rawValue:)) else {
            throw db.corrupt("\(row): unknown action '\(rows.text(index, 4) ?? "")'")
        }
        guard let status = rows.text(index, 5).flatMap(ProviderClaim.Status.init(rawValue:)) else {
            throw db.corrupt("\(row): unknown status '\(rows.text(index, 5) ?? "")'")
        }
        return ProviderClaim(
            id: rows.text(index, 1) ?? "", time: Timestamp(millisecondsSince1970: rows.int64(index, 2) ?? 0),
            app: rows.text(index, 0) ?? "", run: rows.int64(index, 3) ?? 0, action: action, status: status,
            identityType: rows.text(index, 6), targetID: rows.text(index, 7), user: rows.text(index, 8),
            externalID: rows.text(index, 9), sourceID: rows.text(index, 10), servicePrincipal: rows.text(index, 11),
            errorCode: rows.text(index, 12), errorReason: rows.text(index, 13),
            changes: try readChanges(rows, index, 14, row: row), source: rows.text(index, 15) ?? "")
    }
}

extension PostgresStore: DuplicateQueries {
    /// The case-folded column of each key, as the SQLite store folds them.
    static let duplicateColumns: [(key: String, column: String)] = [
        ("userName", "user_name_key"), ("email", "email_key"), ("externalId", "external_id_fold"),
    ]

    public func forEachDuplicate(app: String?, _ body: (DuplicateGroup) throws -> Void) throws {
        for (key, column) in Self.duplicateColumns {
            let groups = try db.query(
                """
                SELECT app, \(column) FROM users
                WHERE \(column) IS NOT NULL AND \(column) <> '' AND ($1::text IS NULL OR app = $1)
                GROUP BY app, \(column) HAVING count(*) > 1 ORDER BY app, \(column)
                """, [app])
            for index in 0..<groups.count {
                let groupApp = groups.text(index, 0) ?? ""
                let value = groups.text(index, 1) ?? ""
                let members = try users(
                    "SELECT \(Self.userColumns) FROM users WHERE app = $1 AND \(column) = $2 ORDER BY id",
                    [groupApp, value])
                try body(DuplicateGroup(scope: .app, key: key, value: value, app: groupApp, users: members))
            }
        }
        for (key, column) in Self.duplicateColumns where key != "userName" {
            let groups = try db.query(
                """
                SELECT \(column) FROM users WHERE \(column) IS NOT NULL AND \(column) <> '' GROUP BY \(column)
                HAVING count(DISTINCT app) > 1 AND ($1::text IS NULL OR bool_or(app = $1)) ORDER BY \(column)
                """, [app])
            for index in 0..<groups.count {
                let value = groups.text(index, 0) ?? ""
                let members = try users(
                    "SELECT \(Self.userColumns) FROM users WHERE \(column) = $1 ORDER BY app, id", [value])
                try body(DuplicateGroup(scope: .acrossApps, key: key, value: value, app: nil, users: members))
            }
        }
    }
}
