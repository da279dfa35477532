import CSQLite
import SCIMKit
import SCIMReconCore

/// SQLite's "copy this buffer now" destructor, which the C macro `SQLITE_TRANSIENT` spells as -1.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// One connection to a SQLite database file, with a cache of prepared statements.
///
/// Not `Sendable`: a connection belongs to the one thread of the run that opened it.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String
    private var cache: [String: SQLiteStatement] = [:]

    init(path: String, readOnly: Bool, create: Bool = true) throws(StoreError) {
        var db: OpaquePointer?
        let flags =
            readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
        let code = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError(kind: .output, "\(path): cannot open the store: \(message)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 5000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code) }
    }

    /// A prepared statement for `sql`, reused across calls and reset before it is handed out.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard code == SQLITE_OK, let raw else { throw error(code) }
        let statement = SQLiteStatement(raw, connection: self)
        cache[sql] = statement
        return statement
    }

    /// Resets every cached statement, so none holds a read open (a schema change needs that).
    func resetCachedStatements() {
        for statement in cache.values { sqlite3_reset(statement.raw) }
    }

    /// A statement of its own, for a query whose rows are read while cached statements run.
    func uncachedStatement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var raw: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &raw, nil)
        guard code == SQLITE_OK, let raw else { throw error(code) }
        return SQLiteStatement(raw, connection: self)
    }

    /// Wraps a SQLite result code into a `StoreError`; the SQL text and bound values never appear.
    func error(_ code: Int32) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        let primary = code & 0xFF
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(kind: .locked, "\(path): the store is busy: \(message)")
        default:
            return StoreError(kind: .output, "\(path): \(message)")
        }
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The extended result code of the last call that failed.
    var lastErrorCode: Int32 { sqlite3_extended_errcode(handle) }

    /// Opens the store with write access just long enough for SQLite to roll back a hot journal
    /// (or rebuild a WAL index) left by a writer that was killed, as it does on any writing open.
    /// Readers call this when SQLite refuses them for that reason; the run lock is not needed:
    /// SQLite's own locks order the recovery against any writer.
    static func recoverAfterInterruptedWrite(path: String) throws(StoreError) {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, readOnly: false, create: false)
        } catch {
            throw StoreError(
                kind: .output,
                "\(path): the store needs recovery after an interrupted run, and cannot be opened for writing "
                    + "here: run scimrecon once as a user who may write it")
        }
        let statement = try connection.statement("PRAGMA user_version")
        _ = try statement.step()
        statement.reset()
    }

    /// A row that cannot be read back as it was written: named by store, table and key, and
    /// never turned into a default value.
    func corrupt(_ what: String) -> StoreError {
        StoreError(kind: .output, "\(path): the store is damaged: \(what)")
    }
}

/// A prepared statement: bind by 1-based index, step, read columns.
final class SQLiteStatement {
    let raw: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    deinit { sqlite3_finalize(raw) }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    @discardableResult
    func bind(_ values: [SQLiteValue]) -> SQLiteStatement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(raw, index)
            case .integer(let number): sqlite3_bind_int64(raw, index, number)
            case .real(let number): sqlite3_bind_double(raw, index, number)
            case .text(let text): sqlite3_bind_text(raw, index, text, -1, sqliteTransient)
            case .utf8(let bytes):
                bytes.withUnsafeBufferPointer { text in
                    // An empty array may have no storage: bind "" rather than NULL.
                    _ =
                        text.baseAddress.map { start in
                            start.withMemoryRebound(to: CChar.self, capacity: text.count) {
                                sqlite3_bind_text(raw, index, $0, Int32(text.count), sqliteTransient)
                            }
                        } ?? sqlite3_bind_text(raw, index, "", 0, sqliteTransient)
                }
            }
        }
        return self
    }

    /// Steps once; true when a row is available.
    func step() throws(StoreError) -> Bool {
        let code = sqlite3_step(raw)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(code)
            sqlite3_reset(raw)
            throw error
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ values: [SQLiteValue] = []) throws(StoreError) {
        reset()
        bind(values)
        while try step() {}
        sqlite3_reset(raw)
    }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(raw, column) else { return nil }
        return String(cString: pointer)
    }

    /// A text column parsed as JSON straight from SQLite's buffer (no `String` in between), or
    /// nil when it is NULL. A value that is not JSON is corruption: it throws, naming `row`
    /// (`table users, row (app, id)…`), rather than reading as an empty value that a later write
    /// would save over the row.
    func json(_ column: Int32, with parser: inout JSONParser, row: @autoclosure () -> String) throws(StoreError)
        -> JSONValue?
    {
        guard let pointer = sqlite3_column_text(raw, column) else { return nil }
        let count = Int(sqlite3_column_bytes(raw, column))
        do {
            return try parser.parse(UnsafeBufferPointer(start: pointer, count: count))
        } catch {
            throw connection.corrupt("\(row()): column \(columnName(column)) is not valid JSON")
        }
    }

    /// The name of result column `column`, for messages.
    func columnName(_ column: Int32) -> String {
        sqlite3_column_name(raw, column).map { String(cString: $0) } ?? "#\(column)"
    }

    func int64(_ column: Int32) -> Int64? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : sqlite3_column_int64(raw, column)
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Text already encoded as UTF-8 (a user's JSON columns, as `EncodedUser` holds them).
    case utf8(ArraySlice<UInt8>)

    init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    init(_ number: Int64?) { self = number.map { .integer($0) } ?? .null }
    init(_ flag: Bool) { self = .integer(flag ? 1 : 0) }
}
