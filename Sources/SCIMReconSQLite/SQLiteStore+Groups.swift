import SCIMKit
import SCIMReconCore

extension SQLiteStore {
    func readGroup(_ statement: SQLiteStatement) throws(StoreError) -> LocalGroup {
        let app = statement.text(0) ?? ""
        let id = statement.text(1) ?? ""
        let row = "table groups, row (app '\(app)', id '\(id)')"
        guard let scim = try statement.json(4, with: &parser, row: row)?.objectValue else {
            throw db.corrupt("\(row): column scim is not a JSON object")
        }
        return LocalGroup(
            app: app, id: id, displayName: statement.text(2) ?? "", externalID: statement.text(3), scim: scim)
    }

    public func group(app: String, id: String) throws(StoreError) -> LocalGroup? {
        let statement = try db.statement(
            "SELECT app, id, display_name, external_id, scim FROM groups WHERE app = ? AND id = ?")
        statement.bind([.text(app), .text(id)])
        return try statement.step() ? try readGroup(statement) : nil
    }

    public func saveGroup(_ group: LocalGroup) throws(StoreError) {
        try db.statement(
            """
            INSERT INTO groups(app, id, display_name, display_name_key, external_id, scim) VALUES(?, ?, ?, ?, ?, ?)
            ON CONFLICT(app, id) DO UPDATE SET display_name = excluded.display_name,
                display_name_key = excluded.display_name_key, external_id = excluded.external_id, scim = excluded.scim
            """
        ).run([
            .text(group.app), .text(group.id), .text(group.displayName), .text(group.displayName.lowercasedIfNeeded()),
            SQLiteValue(group.externalID), .text(JSONWriter.string(.object(group.scim))),
        ])
    }

    public func deleteGroup(app: String, id: String) throws(StoreError) {
        try db.statement("DELETE FROM groups WHERE app = ? AND id = ?").run([.text(app), .text(id)])
        try db.statement("DELETE FROM memberships WHERE app = ? AND group_id = ?").run([.text(app), .text(id)])
    }

    public func members(app: String, groupID: String) throws(StoreError) -> [String] {
        let statement = try db.statement(
            "SELECT user_id FROM memberships WHERE app = ? AND group_id = ? ORDER BY user_id")
        statement.bind([.text(app), .text(groupID)])
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0) ?? "") }
        return result
    }

    public func addMember(app: String, groupID: String, userID: String) throws(StoreError) {
        try db.statement("INSERT OR IGNORE INTO memberships(app, group_id, user_id) VALUES(?, ?, ?)")
            .run([.text(app), .text(groupID), .text(userID)])
    }

    public func removeMember(app: String, groupID: String, userID: String) throws(StoreError) {
        try db.statement("DELETE FROM memberships WHERE app = ? AND group_id = ? AND user_id = ?")
            .run([.text(app), .text(groupID), .text(userID)])
    }

    public func groupNames(app: String, userID: String) throws(StoreError) -> [String] {
        let statement = try db.statement(
            """
            SELECT g.display_name FROM memberships m JOIN groups g ON g.app = m.app AND g.id = m.group_id
            WHERE m.app = ? AND m.user_id = ? ORDER BY g.display_name_key, g.id
            """)
        statement.bind([.text(app), .text(userID)])
        var result: [String] = []
        while try statement.step() { result.append(statement.text(0) ?? "") }
        return result
    }

    // MARK: History

    public func appendEvent(_ event: ProvisioningEvent, email: String?) throws(StoreError) {
        try db.statement(Self.insertEvent).run(Self.eventValues(event, email: email))
        try noteAppendedEvents(1)
    }

    /// Events in multi-row INSERTs of `eventBatchRows` rows (16 values each, well under SQLite's
    /// bound-parameter limit), the rest one by one: one statement step per batch instead of per event.
    public func appendEvents(_ events: [(event: ProvisioningEvent, email: String?)]) throws(StoreError) {
        var start = 0
        while events.count - start >= Self.eventBatchRows {
            var values: [SQLiteValue] = []
            values.reserveCapacity(Self.eventBatchRows * 16)
            for item in events[start..<(start + Self.eventBatchRows)] {
                values.append(contentsOf: Self.eventValues(item.event, email: item.email))
            }
            try db.statement(Self.insertEventBatch).run(values)
            try noteAppendedEvents(Self.eventBatchRows)
            start += Self.eventBatchRows
        }
        for item in events[start...] { try appendEvent(item.event, email: item.email) }
    }

    static let eventBatchRows = 128
    /// Built once: the batch's text is 6 KB, and its statement is found by that text.
    static let insertEvent = insertEvents(rows: 1)
    static let insertEventBatch = insertEvents(rows: eventBatchRows)

    static func insertEvents(rows: Int) -> String {
        """
        INSERT INTO events(time_ms, run, app, user, user_id, external_id, email, action, status, reason, changes,
                           source, user_key, user_id_key, external_id_key, email_key)
        VALUES
        """
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    static func eventValues(_ event: ProvisioningEvent, email: String?) -> [SQLiteValue] {
        var changes: [UInt8] = []
        if !event.changes.isEmpty {
            let array = JSONValue.array(
                event.changes.map { change in
                    .object(
                        JSONObject([
                            .init(key: "attribute", value: .string(change.attribute)),
                            .init(key: "new", value: change.new.map(JSONValue.string) ?? .null),
                            .init(key: "old", value: change.old.map(JSONValue.string) ?? .null),
                        ]))
                })
            JSONWriter.write(array, into: &changes)
        }
        return [
            .integer(event.time.millisecondsSince1970), .integer(event.run), .text(event.app),
            SQLiteValue(event.user), SQLiteValue(event.userID), SQLiteValue(event.externalID), SQLiteValue(email),
            .text(event.action.rawValue), .text(event.status.rawValue), SQLiteValue(event.reason),
            changes.isEmpty ? .null : .text(String(decoding: changes, as: UTF8.self)), .text(event.source),
            SQLiteValue(event.user?.lowercasedIfNeeded()), SQLiteValue(event.userID?.lowercasedIfNeeded()),
            SQLiteValue(event.externalID?.lowercasedIfNeeded()), SQLiteValue(email?.lowercasedIfNeeded()),
        ]
    }

    public func appliedFingerprints(app: String, among fingerprints: [Fingerprint]) throws(StoreError)
        -> Set<Fingerprint>
    {
        // In process, a prepared point look-up each is cheaper than building an IN list.
        let statement = try db.statement("SELECT 1 FROM applied_records WHERE app = ? AND high = ? AND low = ?")
        var applied: Set<Fingerprint> = []
        for fingerprint in fingerprints {
            statement.reset()
            statement.bind([.text(app), .integer(fingerprint.high), .integer(fingerprint.low)])
            if try statement.step() { applied.insert(fingerprint) }
        }
        return applied
    }

    public func markApplied(app: String, _ fingerprints: [Fingerprint], run: Int64) throws(StoreError) {
        // In key order, so the b-tree takes them as appends to its pages where it can.
        let insert = try db.statement("INSERT OR IGNORE INTO applied_records(app, high, low, run) VALUES(?, ?, ?, ?)")
        for fingerprint in fingerprints.sorted() {
            try insert.run([.text(app), .integer(fingerprint.high), .integer(fingerprint.low), .integer(run)])
        }
    }

    /// Copies the fingerprints of stores written before migration 5 into `applied_records`.
    func convertFingerprints() throws(StoreError) {
        let statement = try db.uncachedStatement("SELECT app, fingerprint, run FROM applied")
        let insert = try db.statement("INSERT OR IGNORE INTO applied_records(app, high, low, run) VALUES(?, ?, ?, ?)")
        while try statement.step() {
            let app = statement.text(0) ?? ""
            let text = statement.text(1) ?? ""
            guard let fingerprint = Fingerprint(hex: text) else {
                throw db.corrupt("table applied, row (app '\(app)', fingerprint '\(text)'): not a fingerprint")
            }
            try insert.run([
                .text(app), .integer(fingerprint.high), .integer(fingerprint.low), .integer(statement.int64(2) ?? 0),
            ])
        }
        try db.execute("DROP TABLE applied")
    }

    public func wasDeleted(app: String, id: String) throws(StoreError) -> Bool {
        let statement = try db.statement(
            "SELECT 1 FROM events WHERE user_id_key = ? AND app = ? AND action = 'delete' AND status = 'success' LIMIT 1"
        )
        statement.bind([.text(id.lowercasedIfNeeded()), .text(app)])
        return try statement.step()
    }

    // MARK: Checkpoints

    public func checkpoint(job: String, path: String) throws(StoreError) -> Checkpoint? {
        let statement = try db.statement(
            "SELECT device, inode, offset, line, checksum FROM checkpoints WHERE job = ? AND path = ?")
        statement.bind([.text(job), .text(path)])
        guard try statement.step() else { return nil }
        return Checkpoint(
            path: path, device: UInt64(bitPattern: statement.int64(0) ?? 0),
            inode: UInt64(bitPattern: statement.int64(1) ?? 0), offset: statement.int64(2) ?? 0,
            line: Int(statement.int64(3) ?? 0), checksum: UInt64(bitPattern: statement.int64(4) ?? 0))
    }

    public func saveCheckpoint(job: String, _ checkpoint: Checkpoint) throws(StoreError) {
        try db.statement(
            """
            INSERT INTO checkpoints(job, path, device, inode, offset, line, checksum) VALUES(?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(job, path) DO UPDATE SET device = excluded.device, inode = excluded.inode,
                offset = excluded.offset, line = excluded.line, checksum = excluded.checksum
            """
        ).run([
            .text(job), .text(checkpoint.path), .integer(Int64(bitPattern: checkpoint.device)),
            .integer(Int64(bitPattern: checkpoint.inode)), .integer(checkpoint.offset),
            .integer(Int64(checkpoint.line)), .integer(Int64(bitPattern: checkpoint.checksum)),
        ])
    }
}
