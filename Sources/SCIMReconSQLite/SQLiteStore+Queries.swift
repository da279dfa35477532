import CSQLite
import SCIMKit
import SCIMReconCore

extension SQLiteStore: StoreQueries {
    public func reading<T>(_ body: () throws -> T) throws -> T {
        // Inside a run's own transaction (job reports), read what it has written so far.
        if sqlite3_get_autocommit(db.handle) == 0 { return try body() }
        try db.execute("BEGIN")
        defer { try? db.execute("COMMIT") }
        return try body()
    }

    /// The WHERE clause and its bound values for a report filter: OR within an option, AND
    /// across options, every value bound (never spliced into the SQL).
    static func whereClause(_ filter: ReportFilter) -> (String, [SQLiteValue]) {
        var clauses: [String] = []
        var values: [SQLiteValue] = []
        func anyOf(_ column: String, _ items: [SQLiteValue]) {
            guard !items.isEmpty else { return }
            clauses.append("\(column) IN (\(Array(repeating: "?", count: items.count).joined(separator: ", ")))")
            values.append(contentsOf: items)
        }
        anyOf("app", filter.apps.map { .text($0) })
        anyOf("action", filter.actions.map { .text($0.rawValue) })
        anyOf("status", filter.statuses.map { .text($0.rawValue) })
        anyOf("run", filter.runs.map { .integer($0) })
        if let since = filter.since {
            clauses.append("time_ms >= ?")
            values.append(.integer(since.millisecondsSince1970))
        }
        if let until = filter.until {
            clauses.append("time_ms < ?")
            values.append(.integer(until.millisecondsSince1970))
        }
        if !filter.users.isEmpty {
            var alternatives: [String] = []
            for pattern in filter.userPatterns {
                for column in ["user_key", "email_key", "external_id_key", "user_id_key"] {
                    if pattern.hasWildcard {
                        alternatives.append("\(column) GLOB ?")
                        values.append(.text(pattern.sqlGlob))
                    } else {
                        alternatives.append("\(column) = ?")
                        values.append(.text(pattern.text.lowercased()))
                    }
                }
            }
            clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), values)
    }

    /// The events' order, `time_ms, seq`. With `--user` patterns that an index serves (no leading
    /// `*`) and that match few events, `+time_ms` keeps SQLite from walking `events_by_time` over
    /// the whole timespan to skip a sort: the user indexes find the pattern's rows (an OR of index
    /// look-ups), the other options are checked on those, and only the matches are sorted. A
    /// broad pattern (`user*`: past the limit, counted only that far) keeps the time index's
    /// order, so a report never visits or sorts more rows than the time order would.
    func eventOrder(_ filter: ReportFilter) throws(StoreError) -> String {
        let indexed = !filter.users.isEmpty && filter.users.allSatisfy { !$0.hasPrefix("*") }
        guard indexed else { return "time_ms, seq" }
        let (clause, values) = Self.whereClause(ReportFilter(users: filter.users))
        let statement = try db.statement(
            "SELECT count(*) FROM (SELECT 1 FROM events \(clause) LIMIT \(Self.sortedMatchesLimit + 1))")
        statement.bind(values)
        _ = try statement.step()
        return (statement.int64(0) ?? 0) <= Self.sortedMatchesLimit ? "+time_ms, seq" : "time_ms, seq"
    }

    /// The most events a `--user` pattern may match for its rows to be looked up and sorted
    /// rather than read in the time index's order.
    static let sortedMatchesLimit = 20_000

    public func countEvents(_ filter: ReportFilter) throws(StoreError) -> Int {
        let (clause, values) = Self.whereClause(try resolvingApps(filter))
        let statement = try db.statement("SELECT count(*) FROM events \(clause)")
        statement.bind(values)
        _ = try statement.step()
        return Int(statement.int64(0) ?? 0)
    }

    public func hasEvents(_ filter: ReportFilter) throws(StoreError) -> Bool {
        let (clause, values) = Self.whereClause(try resolvingApps(filter))
        let statement = try db.statement("SELECT 1 FROM events \(clause) LIMIT 1")
        statement.bind(values)
        return try statement.step()
    }

    public func eventSpan(_ filter: ReportFilter) throws(StoreError) -> EventSpan? {
        let (clause, values) = Self.whereClause(try resolvingApps(filter))
        let statement = try db.statement("SELECT count(*), min(time_ms), max(time_ms) FROM events \(clause)")
        statement.bind(values)
        _ = try statement.step()
        return EventSpan(
            count: statement.int64(0), firstMilliseconds: statement.int64(1), lastMilliseconds: statement.int64(2))
    }

    public func forEachEvent(_ filter: ReportFilter, _ body: (ProvisioningEvent) throws -> Void) throws {
        let filter = try resolvingApps(filter)
        let (clause, values) = Self.whereClause(filter)
        let order = try eventOrder(filter)
        let statement = try db.statement(
            """
            SELECT time_ms, run, app, user, user_id, external_id, action, status, reason, changes, source, seq
            FROM events \(clause) ORDER BY \(order)
            """)
        statement.bind(values)
        while try statement.step() { try body(try readEvent(statement)) }
    }

    /// One row of the events query; a value that is not one the store writes is corruption.
    func readEvent(_ statement: SQLiteStatement) throws(StoreError) -> ProvisioningEvent {
        func row() -> String { "table events, row \(statement.int64(11) ?? 0)" }
        let changes = try readChanges(statement, column: 9, row: row())
        guard let action = statement.text(6).flatMap(ProvisioningAction.init(rawValue:)) else {
            throw db.corrupt("\(row()): unknown action '\(statement.text(6) ?? "")'")
        }
        guard let status = statement.text(7).flatMap(EventStatus.init(rawValue:)) else {
            throw db.corrupt("\(row()): unknown status '\(statement.text(7) ?? "")'")
        }
        return ProvisioningEvent(
            time: Timestamp(millisecondsSince1970: statement.int64(0) ?? 0), run: statement.int64(1) ?? 0,
            app: statement.text(2) ?? "", user: statement.text(3), userID: statement.text(4),
            externalID: statement.text(5), action: action, status: status, reason: statement.text(8),
            changes: changes, source: statement.text(10) ?? "")
    }

    public func forEachUser(app: String?, user: String?, _ body: (LocalUser, [String]) throws -> Void) throws {
        let app = try app.map(storedSpelling)
        var clauses: [String] = []
        var values: [SQLiteValue] = []
        if let app {
            clauses.append("app = ?")
            values.append(.text(app))
        }
        if let user {
            let pattern = UserPattern(user)
            let comparison = pattern.hasWildcard ? "GLOB" : "="
            let bound = pattern.hasWildcard ? pattern.sqlGlob : user.lowercased()
            clauses.append(
                "(user_name_key \(comparison) ? OR email_key \(comparison) ? OR lower(external_id) \(comparison) ? "
                    + "OR lower(id) \(comparison) ?)")
            values.append(contentsOf: Array(repeating: .text(bound), count: 4))
        }
        let clause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        // A statement of its own (not the cache): groupNames runs while this one is stepping.
        let statement = try db.uncachedStatement(
            "SELECT \(Self.userColumns) FROM users \(clause) ORDER BY app, user_name_key, id")
        statement.bind(values)
        while try statement.step() {
            let local = try readUser(statement)
            try body(local, try groupNames(app: local.app, userID: local.id))
        }
    }

    public func forEachGroup(app: String?, _ body: (LocalGroup, [String]) throws -> Void) throws {
        let app = try app.map(storedSpelling)
        let statement = try db.uncachedStatement(
            """
            SELECT app, id, display_name, external_id, scim FROM groups \(app == nil ? "" : "WHERE app = ?")
            ORDER BY app, display_name_key, id
            """)
        statement.bind(app.map { [.text($0)] } ?? [])
        while try statement.step() {
            let group = try readGroup(statement)
            let members = try db.statement(
                """
                SELECT coalesce(u.user_name, m.user_id) FROM memberships m
                LEFT JOIN users u ON u.app = m.app AND u.id = m.user_id
                WHERE m.app = ? AND m.group_id = ? ORDER BY 1
                """)
            members.bind([.text(group.app), .text(group.id)])
            var names: [String] = []
            while try members.step() { names.append(members.text(0) ?? "") }
            try body(group, names)
        }
    }

    public func forEachRun(_ body: (RunRecord) throws -> Void) throws {
        let statement = try db.uncachedStatement(
            "SELECT id, job, app, started_ms, finished_ms, outcome, reason, counts, inputs FROM runs ORDER BY id")
        while try statement.step() {
            let id = statement.int64(0) ?? 0
            let row = "table runs, row \(id)"
            var counts: [String: Int] = [:]
            guard let storedCounts = try statement.json(7, with: &parser, row: row)?.objectValue else {
                throw db.corrupt("\(row): column counts is not a JSON object")
            }
            for member in storedCounts {
                guard let number = member.value.doubleValue else {
                    throw db.corrupt("\(row): count '\(member.key)' is not a number")
                }
                counts[member.key] = Int(number)
            }
            guard let storedInputs = try statement.json(8, with: &parser, row: row)?.arrayValue else {
                throw db.corrupt("\(row): column inputs is not a JSON array")
            }
            let inputs = storedInputs.compactMap(\.stringValue)
            var outcome: RunOutcome?
            if let text = statement.text(5) {
                guard let known = RunOutcome(rawValue: text) else {
                    throw db.corrupt("\(row): unknown outcome '\(text)'")
                }
                outcome = known
            }
            try body(
                RunRecord(
                    id: id, job: statement.text(1) ?? "", app: statement.text(2) ?? "",
                    started: Timestamp(millisecondsSince1970: statement.int64(3) ?? 0),
                    finished: statement.int64(4).map(Timestamp.init(millisecondsSince1970:)), outcome: outcome,
                    reason: statement.text(6), counts: counts, inputs: inputs))
        }
    }

    public func pruneEvents(before cutoff: Timestamp) throws(StoreError) -> Int {
        try db.statement("DELETE FROM events WHERE time_ms < ?").run([.integer(cutoff.millisecondsSince1970)])
        return db.changes
    }
}

extension SQLiteStore: EventRowSource {
    /// The rows of `forEachEvent`, their text columns borrowed from SQLite's buffers.
    public func forEachEventRow(_ filter: ReportFilter, _ body: (EventRow) throws -> Void) throws {
        let filter = try resolvingApps(filter)
        let (clause, values) = Self.whereClause(filter)
        let order = try eventOrder(filter)
        let statement = try db.statement(
            """
            SELECT time_ms, run, app, user, user_id, external_id, action, status, reason, changes, source, seq
            FROM events \(clause) ORDER BY \(order)
            """)
        statement.bind(values)
        var spans: [StoredChangeSpan] = []
        while try statement.step() {
            let changes: EventRowChanges
            if let stored = statement.bytes(9) {
                changes =
                    StoredChangeSpan.scan(stored, into: &spans)
                    ? .spans(json: stored, spans)
                    : .decoded(
                        try readChanges(statement, column: 9, row: "table events, row \(statement.int64(11) ?? 0)"))
            } else {
                changes = .decoded([])
            }
            guard let action = ProvisioningAction(storedBytes: statement.bytes(6)) else {
                throw db.corrupt(
                    "table events, row \(statement.int64(11) ?? 0): unknown action '\(statement.text(6) ?? "")'")
            }
            guard let status = EventStatus(storedBytes: statement.bytes(7)) else {
                throw db.corrupt(
                    "table events, row \(statement.int64(11) ?? 0): unknown status '\(statement.text(7) ?? "")'")
            }
            try body(
                EventRow(
                    time: statement.int64(0) ?? 0, run: statement.int64(1) ?? 0, app: statement.bytes(2),
                    user: statement.bytes(3), userID: statement.bytes(4), externalID: statement.bytes(5),
                    action: action, status: status, reason: statement.bytes(8), changes: changes,
                    source: statement.bytes(10)))
        }
    }
}

extension SQLiteStatement {
    /// A text column's bytes in SQLite's buffer (valid until the next step), or nil when it is NULL.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let pointer = sqlite3_column_text(raw, column) else { return nil }
        return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(raw, column)))
    }
}
