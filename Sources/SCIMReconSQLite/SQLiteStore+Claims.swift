import SCIMKit
import SCIMReconCore

extension SQLiteStore: ClaimStore {
    static let claimColumns = """
        app, id, time_ms, run, action, status, identity_type, target_id, user, external_id, source_id,
        service_principal, error_code, error_reason, changes, source
        """

    public func insertClaim(_ claim: ProviderClaim) throws(StoreError) -> Bool {
        try db.statement(
            """
            INSERT OR IGNORE INTO claims(\(Self.claimColumns), target_id_key, user_key, external_id_key)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).run([
            .text(claim.app), .text(claim.id), .integer(claim.time.millisecondsSince1970), .integer(claim.run),
            .text(claim.action.rawValue), .text(claim.status.rawValue), SQLiteValue(claim.identityType),
            SQLiteValue(claim.targetID), SQLiteValue(claim.user), SQLiteValue(claim.externalID),
            SQLiteValue(claim.sourceID), SQLiteValue(claim.servicePrincipal), SQLiteValue(claim.errorCode),
            SQLiteValue(claim.errorReason), claim.changes.isEmpty ? .null : .text(Self.changesJSON(claim.changes)),
            .text(claim.source), SQLiteValue(claim.targetID?.lowercased()), SQLiteValue(claim.user?.lowercased()),
            SQLiteValue(claim.externalID?.lowercased()),
        ])
        return db.changes > 0
    }

    public func forEachClaim(
        apps: [String], since: Timestamp?, until: Timestamp?, _ body: (ProviderClaim) throws -> Void
    ) throws {
        var clauses: [String] = []
        var values: [SQLiteValue] = []
        if !apps.isEmpty {
            clauses.append("app IN (\(Array(repeating: "?", count: apps.count).joined(separator: ", ")))")
            values += apps.map { .text($0) }
        }
        if let since {
            clauses.append("time_ms >= ?")
            values.append(.integer(since.millisecondsSince1970))
        }
        if let until {
            clauses.append("time_ms < ?")
            values.append(.integer(until.millisecondsSince1970))
        }
        let clause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let statement = try db.statement("SELECT \(Self.claimColumns) FROM claims \(clause) ORDER BY time_ms, id")
        statement.bind(values)
        while try statement.step() { try body(try readClaim(statement)) }
    }

    // The unary `+` keeps the planner off the primary key's `app` prefix and the time index
    // (without ANALYZE statistics it would walk every claim of the app, or a whole burst of the
    // log, per look-up): the identity's three indexes find the few rows, then app and time filter.
    public func claims(app: String, about identity: ClaimIdentity, from: Timestamp, to: Timestamp) throws(StoreError)
        -> [ProviderClaim]
    {
        let statement = try db.statement(
            """
            SELECT \(Self.claimColumns) FROM claims
            WHERE +app = ? AND +time_ms BETWEEN ? AND ?
              AND (target_id_key = ? OR user_key = ? OR external_id_key = ?)
            ORDER BY time_ms, id
            """)
        statement.bind(
            [.text(app), .integer(from.millisecondsSince1970), .integer(to.millisecondsSince1970)]
                + Self.identityValues(identity))
        var result: [ProviderClaim] = []
        while try statement.step() { result.append(try readClaim(statement)) }
        return result
    }

    public func events(app: String, about identity: ClaimIdentity, from: Timestamp, to: Timestamp) throws(StoreError)
        -> [ProvisioningEvent]
    {
        let statement = try db.statement(
            """
            SELECT time_ms, run, app, user, user_id, external_id, action, status, reason, changes, source, seq
            FROM events
            WHERE +app = ? AND +time_ms BETWEEN ? AND ?
              AND (user_id_key = ? OR user_key = ? OR external_id_key = ?)
            ORDER BY time_ms, seq
            """)
        statement.bind(
            [.text(app), .integer(from.millisecondsSince1970), .integer(to.millisecondsSince1970)]
                + Self.identityValues(identity))
        var result: [ProvisioningEvent] = []
        // The same columns, in the same order, as `forEachEvent` reads, and read by the same code.
        while try statement.step() { result.append(try readEvent(statement)) }
        return result
    }

    public func claimApps() throws(StoreError) -> [String] {
        let statement = try db.statement("SELECT DISTINCT app FROM claims ORDER BY app")
        var apps: [String] = []
        while try statement.step() { apps.append(statement.text(0) ?? "") }
        return apps
    }

    public func pruneClaims(before cutoff: Timestamp) throws(StoreError) -> Int {
        try db.statement("DELETE FROM claims WHERE time_ms < ?").run([.integer(cutoff.millisecondsSince1970)])
        return db.changes
    }

    /// The bound values of an identity: lowercased keys, null where absent (null never matches).
    static func identityValues(_ identity: ClaimIdentity) -> [SQLiteValue] {
        [
            SQLiteValue(identity.id?.lowercased()), SQLiteValue(identity.userName?.lowercased()),
            SQLiteValue(identity.externalID?.lowercased()),
        ]
    }

    static func changesJSON(_ changes: [AttributeChange]) -> String {
        JSONWriter.string(
            .array(
                changes.map { change in
                    .object(
                        JSONObject([
                            .init(key: "attribute", value: .string(change.attribute)),
                            .init(key: "new", value: change.new.map(JSONValue.string) ?? .null),
                            .init(key: "old", value: change.old.map(JSONValue.string) ?? .null),
                        ]))
                }))
    }

    /// A row's stored `changes`; `row` names it in an error, built only then.
    func readChanges(
        _ statement: SQLiteStatement, column: Int32, row: @autoclosure () -> String
    ) throws(StoreError) -> [AttributeChange] {
        guard let stored = try statement.json(column, with: &parser, row: row()) else { return [] }
        guard let array = stored.arrayValue else { throw db.corrupt("\(row()): column changes is not a JSON array") }
        return try array.map { item throws(StoreError) in
            guard let object = item.objectValue, let attribute = object["attribute"]?.stringValue else {
                throw db.corrupt("\(row()): a change has no attribute")
            }
            return AttributeChange(
                attribute: attribute, old: object["old"]?.stringValue, new: object["new"]?.stringValue)
        }
    }

    /// One claim row; a value the store never writes is damage, named by table and key.
    func readClaim(_ statement: SQLiteStatement) throws(StoreError) -> ProviderClaim {
        let row = "table claims, row (app '\(statement.text(0) ?? "")', id '\(statement.text(1) ?? "")')"
        guard let action = statement.text(4).flatMap(ProviderClaim.Action.init(rawValue:)) else {
            throw db.corrupt("\(row): unknown action '\(statement.text(4) ?? "")'")
        }
        guard let status = statement.text(5).flatMap(ProviderClaim.Status.init(rawValue:)) else {
            throw db.corrupt("\(row): unknown status '\(statement.text(5) ?? "")'")
        }
        return ProviderClaim(
            id: statement.text(1) ?? "", time: Timestamp(millisecondsSince1970: statement.int64(2) ?? 0),
            app: statement.text(0) ?? "", run: statement.int64(3) ?? 0, action: action, status: status,
            identityType: statement.text(6), targetID: statement.text(7), user: statement.text(8),
            externalID: statement.text(9), sourceID: statement.text(10), servicePrincipal: statement.text(11),
            errorCode: statement.text(12), errorReason: statement.text(13),
            changes: try readChanges(statement, column: 14, row: row), source: statement.text(15) ?? "")
    }
}
