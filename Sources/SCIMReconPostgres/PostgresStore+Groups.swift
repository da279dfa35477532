import SCIMKit
import SCIMReconCore

extension PostgresStore {
    func readGroup(_ rows: PostgresRows, _ index: Int32) throws(StoreError) -> LocalGroup {
        let app = rows.text(index, 0) ?? ""
        let id = rows.text(index, 1) ?? ""
        let row = "table groups, row (app '\(app)', id '\(id)')"
        guard let scim = try json(rows, index, 4, name: "scim", at: row)?.objectValue else {
            throw db.corrupt("\(row): column scim is not a JSON object")
        }
        return LocalGroup(
            app: app, id: id, displayName: rows.text(index, 2) ?? "", externalID: rows.text(index, 3), scim: scim)
    }

    public func group(app: String, id: String) throws(StoreError) -> LocalGroup? {
        let rows = try db.query(
            "SELECT app, id, display_name, external_id, scim FROM groups WHERE app = $1 AND id = $2", [app, id])
        return rows.count > 0 ? try readGroup(rows, 0) : nil
    }

    public func saveGroup(_ group: LocalGroup) throws(StoreError) {
        try db.query(
            """
            INSERT INTO groups(app, id, display_name, display_name_key, external_id, scim) VALUES($1, $2, $3, $4, $5, $6)
            ON CONFLICT(app, id) DO UPDATE SET display_name = excluded.display_name,
                display_name_key = excluded.display_name_key, external_id = excluded.external_id, scim = excluded.scim
            """,
            [
                group.app, group.id, group.displayName, group.displayName.lowercasedIfNeeded(), group.externalID,
                JSONWriter.string(.object(group.scim)),
            ])
    }

    public func deleteGroup(app: String, id: String) throws(StoreError) {
        try db.query("DELETE FROM groups WHERE app = $1 AND id = $2", [app, id])
        try db.query("DELETE FROM memberships WHERE app = $1 AND group_id = $2", [app, id])
    }

    public func members(app: String, groupID: String) throws(StoreError) -> [String] {
        let rows = try db.query(
            "SELECT user_id FROM memberships WHERE app = $1 AND group_id = $2 ORDER BY user_id", [app, groupID])
        return (0..<rows.count).map { rows.text($0, 0) ?? "" }
    }

    public func addMember(app: String, groupID: String, userID: String) throws(StoreError) {
        try db.query(
            "INSERT INTO memberships(app, group_id, user_id) VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
            [app, groupID, userID])
    }

    /// One statement for the batch: the pairs as two arrays.
    public func addMembers(app: String, _ pairs: [(groupID: String, userID: String)]) throws(StoreError) {
        guard pairs.count > 1 else {
            if let pair = pairs.first { try addMember(app: app, groupID: pair.groupID, userID: pair.userID) }
            return
        }
        wrote(pairs.count, to: "memberships")
        try db.send(
            """
            INSERT INTO memberships(app, group_id, user_id)
            SELECT $1, group_id, user_id FROM unnest($2::text[], $3::text[]) AS p(group_id, user_id)
            ON CONFLICT DO NOTHING
            """, [app, textArray(pairs.map(\.groupID)), textArray(pairs.map(\.userID))])
    }

    public func removeMember(app: String, groupID: String, userID: String) throws(StoreError) {
        try db.query(
            "DELETE FROM memberships WHERE app = $1 AND group_id = $2 AND user_id = $3", [app, groupID, userID])
    }

    public func groupNames(app: String, userID: String) throws(StoreError) -> [String] {
        let rows = try db.query(
            """
            SELECT g.display_name FROM memberships m JOIN groups g ON g.app = m.app AND g.id = m.group_id
            WHERE m.app = $1 AND m.user_id = $2 ORDER BY g.display_name_key, g.id
            """, [app, userID])
        return (0..<rows.count).map { rows.text($0, 0) ?? "" }
    }

    // MARK: History

    static let eventColumns = """
        time_ms, run, app, user_name, user_id, external_id, email, action, status, reason, changes, source,
        user_key, user_id_key, external_id_key, email_key
        """

    public func appendEvent(_ event: ProvisioningEvent, email: String?) throws(StoreError) {
        wrote(1, to: "events")
        try db.query(
            """
            INSERT INTO events(\(Self.eventColumns))
            VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            """, Self.eventValues(event, email: email))
    }

    /// Events by one COPY: a round trip for the whole batch, whatever its size.
    public func appendEvents(_ events: [(event: ProvisioningEvent, email: String?)]) throws(StoreError) {
        guard !events.isEmpty else { return }
        wrote(events.count, to: "events")
        var lines: [UInt8] = []
        lines.reserveCapacity(events.count * 200)
        for item in events { Self.appendCopyLine(Self.eventValues(item.event, email: item.email), to: &lines) }
        try db.copy("COPY events(\(Self.eventColumns)) FROM STDIN", lines)
    }

    /// A row in COPY's text format: tab-separated fields, a newline at the end.
    static func appendCopyLine(_ values: [String?], to lines: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { lines.append(UInt8(ascii: "\t")) }
            PostgresConnection.appendCopyField(value, to: &lines)
        }
        lines.append(UInt8(ascii: "\n"))
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

    static func eventValues(_ event: ProvisioningEvent, email: String?) -> [String?] {
        [
            String(event.time.millisecondsSince1970), String(event.run), event.app, event.user, event.userID,
            event.externalID, email, event.action.rawValue, event.status.rawValue, event.reason,
            event.changes.isEmpty ? nil : changesJSON(event.changes), event.source, event.user?.lowercasedIfNeeded(),
            event.userID?.lowercasedIfNeeded(), event.externalID?.lowercasedIfNeeded(), email?.lowercasedIfNeeded(),
        ]
    }

    /// One round trip for the whole chunk: the pairs as two arrays, each looked up on the primary
    /// key. The `LATERAL … LIMIT 1` keeps it a look-up per pair: a run fills the table inside its
    /// own transaction, where the statistics still call it empty, and a plain join was planned as
    /// a hash join over every mark of the app (half a million rows read per chunk at 200k records).
    public func appliedFingerprints(app: String, among fingerprints: [Fingerprint]) throws(StoreError)
        -> Set<Fingerprint>
    {
        guard !fingerprints.isEmpty else { return [] }
        let rows = try db.query(
            """
            SELECT f.high, f.low FROM unnest($2::bigint[], $3::bigint[]) AS f(high, low)
            CROSS JOIN LATERAL (
                SELECT 1 FROM applied_records a WHERE a.app = $1 AND a.high = f.high AND a.low = f.low LIMIT 1
            ) AS hit
            """, [app, integerArray(fingerprints.map(\.high)), integerArray(fingerprints.map(\.low))])
        var applied: Set<Fingerprint> = []
        for index in 0..<rows.count {
            applied.insert(Fingerprint(high: rows.int64(index, 0) ?? 0, low: rows.int64(index, 1) ?? 0))
        }
        return applied
    }

    /// One multi-row insert for the whole chunk, in key order.
    public func markApplied(app: String, _ fingerprints: [Fingerprint], run: Int64) throws(StoreError) {
        guard !fingerprints.isEmpty else { return }
        let sorted = Set(fingerprints).sorted()
        wrote(sorted.count, to: "applied_records")
        try db.send(
            """
            INSERT INTO applied_records(app, high, low, run)
            SELECT $1, high, low, $2 FROM unnest($3::bigint[], $4::bigint[]) AS f(high, low)
            ON CONFLICT DO NOTHING
            """, [app, String(run), integerArray(sorted.map(\.high)), integerArray(sorted.map(\.low))])
    }

    public func wasDeleted(app: String, id: String) throws(StoreError) -> Bool {
        try db.query(
            """
            SELECT 1 FROM events WHERE user_id_key = $1 AND app = $2 AND action = 'delete' AND status = 'success'
            LIMIT 1
            """, [id.lowercasedIfNeeded(), app]
        ).count > 0
    }

    // MARK: Checkpoints

    public func checkpoint(job: String, path: String) throws(StoreError) -> Checkpoint? {
        let rows = try db.query(
            "SELECT device, inode, byte_offset, line, checksum FROM checkpoints WHERE job = $1 AND path = $2",
            [job, path])
        guard rows.count > 0 else { return nil }
        return Checkpoint(
            path: path, device: UInt64(bitPattern: rows.int64(0, 0) ?? 0),
            inode: UInt64(bitPattern: rows.int64(0, 1) ?? 0), offset: rows.int64(0, 2) ?? 0,
            line: Int(rows.int64(0, 3) ?? 0), checksum: UInt64(bitPattern: rows.int64(0, 4) ?? 0))
    }

    public func saveCheckpoint(job: String, _ checkpoint: Checkpoint) throws(StoreError) {
        try db.query(
            """
            INSERT INTO checkpoints(job, path, device, inode, byte_offset, line, checksum)
            VALUES($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT(job, path) DO UPDATE SET device = excluded.device, inode = excluded.inode,
                byte_offset = excluded.byte_offset, line = excluded.line, checksum = excluded.checksum
            """,
            [
                job, checkpoint.path, String(Int64(bitPattern: checkpoint.device)),
                String(Int64(bitPattern: checkpoint.inode)), String(checkpoint.offset), String(checkpoint.line),
                String(Int64(bitPattern: checkpoint.checksum)),
            ])
    }

    // MARK: Applications

    public func canonicalApp(_ name: String) throws(StoreError) -> String {
        let key = AppName.key(name)
        if let known = appNames[key] { return known }
        let found = try db.query("SELECT name FROM apps WHERE key = $1", [key])
        if let known = found.text(0, 0) {
            appNames[key] = known
            return known
        }
        // Another runner may register the same application meanwhile: its spelling wins if it
        // commits first (the insert waits for it, then does nothing), and is read back.
        try db.query("INSERT INTO apps(key, name) VALUES($1, $2) ON CONFLICT DO NOTHING", [key, name])
        // Not cached: a rolled-back transaction would take the row with it.
        return try db.query("SELECT name FROM apps WHERE key = $1", [key]).text(0, 0) ?? name
    }

    public func applications() throws(StoreError) -> [String] {
        let rows = try db.query("SELECT name FROM apps ORDER BY key")
        return (0..<rows.count).map { rows.text($0, 0) ?? "" }
    }

    /// `name` as the store spells it, or as given when the store does not know it.
    func storedSpelling(_ name: String) throws(StoreError) -> String {
        try applications().first { AppName.same($0, name) } ?? name
    }

    /// `filter` with its `--app` names spelled as the store keeps them.
    func resolvingApps(_ filter: ReportFilter) throws(StoreError) -> ReportFilter {
        guard !filter.apps.isEmpty else { return filter }
        var copy = filter
        let (resolved, unknown) = AppName.resolve(filter.apps, known: try applications())
        copy.apps = resolved + unknown
        return copy
    }
}
