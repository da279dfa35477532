import SCIMKit
import SCIMReconCore

extension PostgresStore: StoreQueries {
    public func reading<T>(_ body: () throws -> T) throws -> T {
        // Inside a run's own transaction (job reports), read what it has written so far.
        if db.inTransaction { return try body() }
        try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { try? db.execute("COMMIT") }
        return try body()
    }

    /// A `--user` pattern for `LIKE` (escape `\`), over text lowercased in Swift like the
    /// pattern: `*` is the wildcard, `%`, `_` and `\` are literal.
    static func likePattern(_ pattern: UserPattern) -> String {
        var like = ""
        for scalar in pattern.text.lowercased().unicodeScalars {
            switch scalar {
            case "*": like += "%"
            case "%", "_", "\\": like += "\\" + String(scalar)
            default: like.unicodeScalars.append(scalar)
            }
        }
        return like
    }

    /// Parameters numbered as they are added, for clauses built from a filter.
    struct Parameters {
        var values: [String?] = []
        mutating func add(_ value: String?) -> String {
            values.append(value)
            return "$\(values.count)"
        }
    }

    /// The WHERE clause for a report filter: OR within an option, AND across options, every
    /// value bound (never spliced into the SQL).
    static func whereClause(_ filter: ReportFilter, _ parameters: inout Parameters) -> String {
        var clauses: [String] = []
        func anyOf(_ column: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            var placeholders: [String] = []
            for item in items { placeholders.append(parameters.add(item)) }
            clauses.append("\(column) IN (\(placeholders.joined(separator: ", ")))")
        }
        anyOf("app", filter.apps)
        anyOf("action", filter.actions.map(\.rawValue))
        anyOf("status", filter.statuses.map(\.rawValue))
        if !filter.runs.isEmpty {
            var placeholders: [String] = []
            for run in filter.runs { placeholders.append(parameters.add(String(run)) + "::bigint") }
            clauses.append("run IN (\(placeholders.joined(separator: ", ")))")
        }
        if let since = filter.since {
            clauses.append("time_ms >= \(parameters.add(String(since.millisecondsSince1970)))")
        }
        if let until = filter.until {
            clauses.append("time_ms < \(parameters.add(String(until.millisecondsSince1970)))")
        }
        if !filter.users.isEmpty {
            var alternatives: [String] = []
            for pattern in filter.userPatterns {
                let bound =
                    pattern.hasWildcard
                    ? parameters.add(likePattern(pattern)) : parameters.add(pattern.text.lowercased())
                let comparison = pattern.hasWildcard ? "LIKE" : "="
                for column in ["user_key", "email_key", "external_id_key", "user_id_key"] {
                    alternatives.append("\(column) \(comparison) \(bound)")
                }
            }
            clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        return clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
    }

    public func countEvents(_ filter: ReportFilter) throws(StoreError) -> Int {
        var parameters = Parameters()
        let clause = Self.whereClause(try resolvingApps(filter), &parameters)
        return Int(try db.queryOnce("SELECT count(*) FROM events \(clause)", parameters.values).int64(0, 0) ?? 0)
    }

    /// A filtered check counts: PostgreSQL plans `LIMIT 1` for a first row found early, so when
    /// nothing matches (the very case `explain` asks about) it walked the whole timespan, 40–50 ms
    /// of a 200k history, where the count's index look-ups take a fraction of a millisecond.
    public func hasEvents(_ filter: ReportFilter) throws(StoreError) -> Bool {
        var parameters = Parameters()
        let clause = Self.whereClause(try resolvingApps(filter), &parameters)
        guard !clause.isEmpty else { return try db.query("SELECT 1 FROM events LIMIT 1").count > 0 }
        return (try db.queryOnce("SELECT count(*) FROM events \(clause)", parameters.values).int64(0, 0) ?? 0) > 0
    }

    public func eventSpan(_ filter: ReportFilter) throws(StoreError) -> EventSpan? {
        var parameters = Parameters()
        let clause = Self.whereClause(try resolvingApps(filter), &parameters)
        let rows = try db.queryOnce(
            "SELECT count(*), min(time_ms), max(time_ms) FROM events \(clause)", parameters.values)
        return EventSpan(
            count: rows.int64(0, 0), firstMilliseconds: rows.int64(0, 1), lastMilliseconds: rows.int64(0, 2))
    }

    static let eventReadColumns =
        "time_ms, run, app, user_name, user_id, external_id, action, status, reason, changes, source, seq"

    public func forEachEvent(_ filter: ReportFilter, _ body: (ProvisioningEvent) throws -> Void) throws {
        var parameters = Parameters()
        let clause = Self.whereClause(try resolvingApps(filter), &parameters)
        try db.forEachRow(
            "SELECT \(Self.eventReadColumns) FROM events \(clause) ORDER BY time_ms, seq", parameters.values
        ) { rows, index in
            try body(try readEvent(rows, index))
        }
    }

    /// One row selecting `eventReadColumns`; a value that is not one the store writes is damage.
    func readEvent(_ rows: PostgresRows, _ index: Int32) throws(StoreError) -> ProvisioningEvent {
        func row() -> String { "table events, row \(rows.int64(index, 11) ?? 0)" }
        let changes = try readChanges(rows, index, 9, row: row())
        guard let action = ProvisioningAction(storedBytes: rows.bytes(index, 6)) else {
            throw db.corrupt("\(row()): unknown action '\(rows.text(index, 6) ?? "")'")
        }
        guard let status = EventStatus(storedBytes: rows.bytes(index, 7)) else {
            throw db.corrupt("\(row()): unknown status '\(rows.text(index, 7) ?? "")'")
        }
        return ProvisioningEvent(
            time: Timestamp(millisecondsSince1970: rows.int64(index, 0) ?? 0), run: rows.int64(index, 1) ?? 0,
            app: rows.text(index, 2) ?? "", user: rows.text(index, 3), userID: rows.text(index, 4),
            externalID: rows.text(index, 5), action: action, status: status, reason: rows.text(index, 8),
            changes: changes, source: rows.text(index, 10) ?? "")
    }

    func readChanges(
        _ rows: PostgresRows, _ index: Int32, _ column: Int32, row: @autoclosure () -> String
    ) throws(StoreError)
        -> [AttributeChange]
    {
        guard let stored = try json(rows, index, column, name: "changes", at: row()) else { return [] }
        guard let array = stored.arrayValue else { throw db.corrupt("\(row()): column changes is not a JSON array") }
        return try array.map { item throws(StoreError) in
            guard let object = item.objectValue, let attribute = object["attribute"]?.stringValue else {
                throw db.corrupt("\(row()): a change has no attribute")
            }
            return AttributeChange(
                attribute: attribute, old: object["old"]?.stringValue, new: object["new"]?.stringValue)
        }
    }

    public func forEachUser(app: String?, user: String?, _ body: (LocalUser, [String]) throws -> Void) throws {
        let app = try app.map(storedSpelling)
        var clauses: [String] = []
        var parameters = Parameters()
        if let app { clauses.append("app = \(parameters.add(app))") }
        if let user {
            let pattern = UserPattern(user)
            let comparison = pattern.hasWildcard ? "LIKE" : "="
            let bound = parameters.add(pattern.hasWildcard ? Self.likePattern(pattern) : user.lowercased())
            clauses.append(
                "(user_name_key \(comparison) \(bound) OR email_key \(comparison) \(bound) "
                    + "OR external_id_fold \(comparison) \(bound) OR id_fold \(comparison) \(bound))")
        }
        let clause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        try db.forEachRow(
            "SELECT \(Self.userColumns) FROM users \(clause) ORDER BY app, user_name_key, id", parameters.values
        ) { rows, index in
            let local = try readUser(rows, index)
            try body(local, try groupNames(app: local.app, userID: local.id))
        }
    }

    public func forEachGroup(app: String?, _ body: (LocalGroup, [String]) throws -> Void) throws {
        let app = try app.map(storedSpelling)
        try db.forEachRow(
            """
            SELECT app, id, display_name, external_id, scim FROM groups \(app == nil ? "" : "WHERE app = $1")
            ORDER BY app, display_name_key, id
            """, app.map { [$0] } ?? []
        ) { rows, index in
            let group = try readGroup(rows, index)
            let members = try db.query(
                """
                SELECT coalesce(u.user_name, m.user_id) AS name FROM memberships m
                LEFT JOIN users u ON u.app = m.app AND u.id = m.user_id
                WHERE m.app = $1 AND m.group_id = $2 ORDER BY 1
                """, [group.app, group.id])
            try body(group, (0..<members.count).map { members.text($0, 0) ?? "" })
        }
    }

    public func forEachRun(_ body: (RunRecord) throws -> Void) throws {
        try db.forEachRow(
            "SELECT id, job, app, started_ms, finished_ms, outcome, reason, counts, inputs FROM runs ORDER BY id"
        ) { rows, index in
            try body(try readRun(rows, index))
        }
    }

    func readRun(_ rows: PostgresRows, _ index: Int32) throws(StoreError) -> RunRecord {
        let id = rows.int64(index, 0) ?? 0
        let row = "table runs, row \(id)"
        var counts: [String: Int] = [:]
        guard let storedCounts = try json(rows, index, 7, name: "counts", at: row)?.objectValue else {
            throw db.corrupt("\(row): column counts is not a JSON object")
        }
        for member in storedCounts {
            guard let number = member.value.doubleValue else {
                throw db.corrupt("\(row): count '\(member.key)' is not a number")
            }
            counts[member.key] = Int(number)
        }
        guard let storedInputs = try json(rows, index, 8, name: "inputs", at: row)?.arrayValue else {
            throw db.corrupt("\(row): column inputs is not a JSON array")
        }
        var outcome: RunOutcome?
        if let text = rows.text(index, 5) {
            guard let known = RunOutcome(rawValue: text) else { throw db.corrupt("\(row): unknown outcome '\(text)'") }
            outcome = known
        }
        return RunRecord(
            id: id, job: rows.text(index, 1) ?? "", app: rows.text(index, 2) ?? "",
            started: Timestamp(millisecondsSince1970: rows.int64(index, 3) ?? 0),
            finished: rows.int64(index, 4).map(Timestamp.init(millisecondsSince1970:)), outcome: outcome,
            reason: rows.text(index, 6), counts: counts, inputs: storedInputs.compactMap(\.stringValue))
    }

    public func pruneEvents(before cutoff: Timestamp) throws(StoreError) -> Int {
        try db.query("DELETE FROM events WHERE time_ms < $1", [String(cutoff.millisecondsSince1970)]).changed
    }
}

extension PostgresStore: EventRowSource {
    /// The rows of `forEachEvent`, their text columns borrowed from libpq's result buffers.
    public func forEachEventRow(_ filter: ReportFilter, _ body: (EventRow) throws -> Void) throws {
        var parameters = Parameters()
        let clause = Self.whereClause(try resolvingApps(filter), &parameters)
        var spans: [StoredChangeSpan] = []
        try db.forEachRow(
            "SELECT \(Self.eventReadColumns) FROM events \(clause) ORDER BY time_ms, seq", parameters.values
        ) { rows, index in
            func row() -> String { "table events, row \(rows.int64(index, 11) ?? 0)" }
            let changes: EventRowChanges
            if let stored = rows.bytes(index, 9) {
                changes =
                    StoredChangeSpan.scan(stored, into: &spans)
                    ? .spans(json: stored, spans) : .decoded(try readChanges(rows, index, 9, row: row()))
            } else {
                changes = .decoded([])
            }
            guard let action = ProvisioningAction(storedBytes: rows.bytes(index, 6)) else {
                throw db.corrupt("\(row()): unknown action '\(rows.text(index, 6) ?? "")'")
            }
            guard let status = EventStatus(storedBytes: rows.bytes(index, 7)) else {
                throw db.corrupt("\(row()): unknown status '\(rows.text(index, 7) ?? "")'")
            }
            try body(
                EventRow(
                    time: rows.int64(index, 0) ?? 0, run: rows.int64(index, 1) ?? 0, app: rows.bytes(index, 2),
                    user: rows.bytes(index, 3), userID: rows.bytes(index, 4), externalID: rows.bytes(index, 5),
                    action: action, status: status, reason: rows.bytes(index, 8), changes: changes,
                    source: rows.bytes(index, 10)))
        }
    }
}
