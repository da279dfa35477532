import SCIMKit

/// How one kind of record (`users`, `groups`, `runs`) is laid out in each format.
public struct RecordTable: Sendable, Hashable {
    /// The JSON member and XML root that holds the records: `users`.
    public var root: String
    /// The XML element of one record: `user`. Must be declared in `schemas/records.xsd`.
    public var element: String
    /// The CSV header: which record members become columns, in order. Members not named here
    /// are left out of the CSV (they are in every other format).
    public var csvColumns: [String]

    /// A table layout.
    public init(root: String, element: String, csvColumns: [String]) {
        self.root = root
        self.element = element
        self.csvColumns = csvColumns
    }

    /// `scimrecon users` (SPEC §2); custom mapped attributes go after the standard columns.
    public static func users(customColumns: [String] = []) -> RecordTable {
        RecordTable(
            root: "users", element: "user",
            csvColumns: [
                "app", "id", "userName", "externalId", "displayName", "givenName", "familyName", "email", "active",
            ] + customColumns + ["groups"])
    }

    /// `scimrecon users` without custom attributes.
    public static let users = users()

    /// `scimrecon groups`.
    public static let groups = RecordTable(
        root: "groups", element: "group", csvColumns: ["app", "id", "displayName", "externalId", "members"])

    /// `scimrecon runs`: one row per run (`RunRecord`).
    public static let runs = RecordTable(root: "runs", element: "run", csvColumns: RunRecord.columns)
}

/// Writes a listing of records (`users`, `groups`, `runs`) one record at a time.
public protocol RecordWriter {
    /// Writes whatever comes before the records.
    func begin() throws
    /// Writes one record.
    func write(_ record: JSONObject) throws
    /// Closes the document and flushes the sink.
    func finish() throws
}

/// The record writer for `format`, writing into `sink`.
///
/// - `json`: `{"users":[` then one compact object (sorted keys) per line, then `]}`.
/// - `jsonl`: one compact object a line.
/// - `csv`: the header `table.csvColumns`, then per record each column's value: strings as they
///   are, booleans `true`/`false`, numbers as written, null or absent empty, arrays and objects as
///   compact JSON; RFC 4180 quoting and formula neutralisation as in the event report (`CSVCell`).
/// - `xml`: see `XMLRecordWriter` and `schemas/records.xsd`.
public func makeRecordWriter(_ format: ReportFormat, table: RecordTable, sink: OutputSink) -> any RecordWriter {
    switch format {
    case .json: return JSONRecordWriter(table: table, sink: sink, lines: false)
    case .jsonl: return JSONRecordWriter(table: table, sink: sink, lines: true)
    case .csv: return CSVRecordWriter(table: table, sink: sink)
    case .xml: return XMLRecordWriter(table: table, sink: sink)
    case .html: return HTMLRecordWriter(table: table, sink: sink)
    }
}
