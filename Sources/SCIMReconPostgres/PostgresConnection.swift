import CLibPQ
import Foundation
import SCIMReconCore

/// One libpq connection, synchronous like the core, with prepared statements cached by SQL text.
///
/// Not `Sendable`: a connection belongs to the one thread of the run that opened it. Every
/// parameter and result travels in text form; every error names the store by its masked URL.
final class PostgresConnection {
    let handle: OpaquePointer
    let location: PostgresLocation
    private var prepared: [String: String] = [:]
    private var cursors = 0

    /// Connects, waiting at most `connectTimeout` seconds unless the URL sets `connect_timeout`.
    init(_ location: PostgresLocation, connectTimeout: Int = 10) throws(StoreError) {
        self.location = location
        // Later entries win: the URL (expanded from `dbname`) overrides the defaults before it.
        var keywords = ["application_name", "dbname"]
        var values = ["scimrecon", location.url]
        if !location.setsConnectTimeout {
            keywords.insert("connect_timeout", at: 0)
            values.insert(String(connectTimeout), at: 0)
        }
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw StoreError(kind: .output, "\(location.masked): cannot connect to \(location.host): out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.reason(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw StoreError(
                kind: .output, "\(location.masked): cannot connect to \(location.host): \(location.scrub(reason))")
        }
        handle = connection
        // Notices (a `DROP … IF EXISTS` that had nothing to drop) are not the user's business.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        // A run fills its tables inside one transaction, so the statistics describe them as they
        // were before it (often empty); a plan cached from those would walk every user of the
        // app for each look-up by key. Each execution is planned for its values and the table's
        // size now instead: a fraction of a millisecond for these statements.
        // A cursor is always read to its end, so it is planned for all its rows, not the first
        // tenth: otherwise a one-user report walks the whole history in time order to skip sorting
        // its ten rows (80 ms at 200k events, against 0.3 ms for the index look-ups).
        try execute("SET plan_cache_mode = force_custom_plan; SET cursor_tuple_fraction = 1.0")
    }

    deinit { PQfinish(handle) }

    /// libpq's message as one lowercase-leading fragment: its lines joined, its prefixes dropped.
    static func reason(_ message: String) -> String {
        let lines = message.split(whereSeparator: \.isNewline).map { line -> String in
            var text = line.trimmingCharacters()
            for prefix in ["FATAL:  ", "ERROR:  ", "FATAL: ", "ERROR: "] where text.hasPrefix(prefix) {
                text = String(text.dropFirst(prefix.count))
            }
            return text
        }
        return lines.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// The server's version as a number: 150004 for 15.4.
    var serverVersion: Int32 { PQserverVersion(handle) }

    /// Whether a transaction is open (or a command is on its way, which only happens inside one).
    var inTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    // MARK: Statements

    /// Runs SQL without parameters (one or more statements; no rows wanted).
    func execute(_ sql: String) throws(StoreError) {
        try settle(raising: sql != "ROLLBACK")
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs SQL without parameters (one or more statements) and returns the last one's rows.
    func simpleQuery(_ sql: String) throws(StoreError) -> PostgresRows {
        try settle()
        let result = PQexec(handle, sql)
        do {
            try check(result, sql: sql)
        } catch {
            PQclear(result)
            throw error
        }
        return PostgresRows(result!)
    }

    /// Runs `sql` (`$1`, `$2`… bound to `values`, NULL for nil) as a cached prepared statement.
    @discardableResult
    func query(_ sql: String, _ values: [String?] = []) throws(StoreError) -> PostgresRows {
        try settle()
        let name = try preparedName(sql, parameters: values.count)
        let result = Self.withOptionalCStrings(values) { pointers in
            PQexecPrepared(handle, name, Int32(values.count), pointers, nil, nil, 0)
        }
        do {
            try check(result, sql: sql)
        } catch {
            PQclear(result)
            throw error
        }
        return PostgresRows(result!)
    }

    /// The name `sql` is prepared under on this connection, preparing it the first time.
    private func preparedName(_ sql: String, parameters: Int) throws(StoreError) -> String {
        if let known = prepared[sql] { return known }
        let name = "s\(prepared.count + 1)"
        let result = PQprepare(handle, name, sql, Int32(parameters), nil)
        defer { PQclear(result) }
        try check(result, sql: sql)
        prepared[sql] = name
        return name
    }

    /// Runs `sql` once, unprepared (statements built with a varying number of parameters).
    @discardableResult
    func queryOnce(_ sql: String, _ values: [String?]) throws(StoreError) -> PostgresRows {
        try settle()
        let result = Self.withOptionalCStrings(values) { pointers in
            PQexecParams(handle, sql, Int32(values.count), nil, pointers, nil, nil, 0)
        }
        do {
            try check(result, sql: sql)
        } catch {
            PQclear(result)
            throw error
        }
        return PostgresRows(result!)
    }

    /// Streams the rows of a query through a cursor, `batch` rows a round trip, so that memory
    /// holds one batch; `body` may run other statements on this connection meanwhile.
    ///
    /// The next batch is asked for before the rows of this one are handed to `body`, so the server
    /// reads and formats it while the client writes the report: on two cores a full report no
    /// longer waits for the server between batches. A statement `body` runs first receives that
    /// batch and keeps it aside (`settle`), since a connection answers one command at a time.
    func forEachRow(
        _ sql: String, _ values: [String?] = [], batch: Int = 2_000, _ body: (PostgresRows, Int32) throws -> Void
    ) throws {
        let ownTransaction = !inTransaction
        if ownTransaction { try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
        cursors += 1
        let token = cursors
        let cursor = "c\(token)"
        let fetch = "FETCH \(batch) FROM \(cursor)"
        defer {
            // A batch sent ahead of an error is received and dropped.
            if sentAhead == token { try? settle() }
            parked[token] = nil
        }
        do {
            try queryOnce("DECLARE \(cursor) NO SCROLL CURSOR FOR \(sql)", values)
            var rows = try query(fetch)
            while true {
                let last = rows.count < batch
                if !last {
                    try settle()
                    guard PQsendQuery(handle, fetch) == 1 else { throw failure(sql: fetch) }
                    unanswered = .fetch(token)
                }
                for row in 0..<rows.count { try body(rows, row) }
                if last { break }
                if let kept = parked.removeValue(forKey: token) {
                    rows = try kept.get()
                } else {
                    unanswered = nil
                    rows = try receive(sql: fetch)
                }
            }
            try execute("CLOSE \(cursor)")
            if ownTransaction { try execute("COMMIT") }
        } catch {
            if ownTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// The command on its way whose answer has not been received: a cursor's next batch (by
    /// cursor number), or a write whose answer only matters if it failed.
    private enum Unanswered {
        case fetch(Int)
        case write(String)
    }
    private var unanswered: Unanswered?
    /// Batches received ahead of their cursor's turn, because another statement came first.
    private var parked: [Int: Result<PostgresRows, StoreError>] = [:]

    /// The cursor whose next batch is on its way, if any.
    private var sentAhead: Int? {
        if case .fetch(let token)? = unanswered { return token }
        return nil
    }

    /// Receives the command on its way, so the connection can take another: a batch is kept
    /// for its cursor; a write that failed is thrown (it failed the transaction, so nothing
    /// after it may look as if it succeeded), unless `raising` is false (a rollback).
    private func settle(raising: Bool = true) throws(StoreError) {
        guard let pending = unanswered else { return }
        unanswered = nil
        switch pending {
        case .fetch(let token):
            do {
                parked[token] = .success(try receive(sql: "FETCH"))
            } catch {
                parked[token] = .failure(error)
            }
        case .write(let sql):
            do {
                _ = try receive(sql: sql)
            } catch {
                if raising { throw error }
            }
        }
    }

    /// Sends a write that returns no rows (`$1`… bound to `values`) as a cached prepared
    /// statement, without waiting for its answer: the server works on it while the run goes
    /// on, and the next statement on this connection receives the answer first (`settle`).
    func send(_ sql: String, _ values: [String?]) throws(StoreError) {
        try settle()
        let name = try preparedName(sql, parameters: values.count)
        let sent = Self.withOptionalCStrings(values) { pointers in
            PQsendQueryPrepared(handle, name, Int32(values.count), pointers, nil, nil, 0)
        }
        guard sent == 1 else { throw failure(sql: sql) }
        unanswered = .write(sql)
    }

    /// The answer of the command sent ahead (its rows, if any), once its results are all in.
    private func receive(sql: String) throws(StoreError) -> PostgresRows {
        var rows: OpaquePointer?
        var failed: StoreError?
        while let result = PQgetResult(handle) {
            if failed == nil, rows == nil {
                do {
                    try check(result, sql: sql)
                    rows = result
                    continue
                } catch {
                    failed = error
                }
            }
            PQclear(result)
        }
        if let failed {
            if let rows { PQclear(rows) }
            throw failed
        }
        guard let rows else { throw failure(sql: sql) }
        return PostgresRows(rows)
    }

    // MARK: COPY

    /// Sends `lines` (each a row in COPY's text format, ending in a newline) to `COPY … FROM STDIN`,
    /// without waiting for the server to finish with them.
    func copy(_ sql: String, _ lines: [UInt8]) throws(StoreError) {
        try settle()
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw failure(sql: sql) }
        let sent = lines.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                PQputCopyData(handle, $0, Int32(buffer.count))
            }
        }
        guard sent == 1, PQputCopyEnd(handle, nil) == 1 else { throw failure(sql: sql) }
        // Its answer is received by the next statement (`settle`), so the server fills the
        // table and its indexes while the run goes on.
        unanswered = .write(sql)
    }

    /// A value in COPY's text format: `\N` for NULL; backslash, tab, newline and return escaped.
    static func appendCopyField(_ value: String?, to line: inout [UInt8]) {
        guard let value else {
            line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: line.append(byte)
            }
        }
    }

    // MARK: Errors

    private func check(_ result: OpaquePointer?, sql: String) throws(StoreError) {
        guard let result else { throw failure(sql: sql) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN: return
        default: throw failure(sql: sql, result: result)
        }
    }

    /// The SQLSTATE of the last failed statement, for callers that tell errors apart.
    private(set) var lastSQLState: String?

    private func failure(sql: String, result: OpaquePointer? = nil) -> StoreError {
        var message = String(cString: PQerrorMessage(handle))
        if let result, let field = PQresultErrorField(result, Int32(UInt8(ascii: "C"))) {
            lastSQLState = String(cString: field)
        }
        if let result, let text = PQresultErrorMessage(result) {
            let own = String(cString: text)
            if !own.isEmpty { message = own }
        }
        if PQstatus(handle) != CONNECTION_OK {
            return StoreError(
                kind: .output,
                "\(location.masked): lost the connection to \(location.host): \(location.scrub(Self.reason(message)))")
        }
        return StoreError(kind: .output, "\(location.masked): \(location.scrub(Self.reason(message)))")
    }

    func corrupt(_ what: String) -> StoreError {
        StoreError(kind: .output, "\(location.masked): the store is damaged: \(what)")
    }

    // MARK: C strings

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R)
        -> R
    {
        var pointers: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) }
        pointers.append(nil)
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func withOptionalCStrings<R>(
        _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        let pointers: [UnsafePointer<CChar>?] = strings.map { $0.map { UnsafePointer(strdup($0)) } ?? nil }
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// A query's result: rows by index, columns by index, text or NULL.
final class PostgresRows {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) { self.result = result }
    deinit { PQclear(result) }

    var count: Int32 { PQntuples(result) }
    var columns: Int32 { PQnfields(result) }
    /// Rows a command changed (`UPDATE`, `DELETE`, `INSERT`).
    var changed: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// A text column as a `String`, built from its known length (no `strlen` over it first).
    func text(_ row: Int32, _ column: Int32) -> String? {
        bytes(row, column).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A bigint column, read from its digits without building a `String`.
    func int64(_ row: Int32, _ column: Int32) -> Int64? {
        guard let digits = bytes(row, column), !digits.isEmpty, digits.count <= 20 else { return nil }
        var index = 0
        let negative = digits[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < digits.count else { return nil }
        var value: Int64 = 0
        while index < digits.count {
            let digit = digits[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) =
                negative
                ? times.subtractingReportingOverflow(Int64(digit)) : times.addingReportingOverflow(Int64(digit))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
            index += 1
        }
        return value
    }

    func bool(_ row: Int32, _ column: Int32) -> Bool? { text(row, column).map { $0 == "t" } }

    /// The bytes of a text column, without building a `String` (JSON columns, for the parser).
    func bytes(_ row: Int32, _ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column) else { return nil }
        let length = Int(PQgetlength(result, row, column))
        return value.withMemoryRebound(to: UInt8.self, capacity: length) {
            UnsafeBufferPointer(start: $0, count: length)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
