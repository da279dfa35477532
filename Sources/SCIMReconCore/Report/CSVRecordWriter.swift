import SCIMKit

/// `csv` record listings (see `makeRecordWriter`).
public final class CSVRecordWriter: RecordWriter {
    private let table: RecordTable
    private let sink: OutputSink
    private var row: [UInt8] = []

    /// A writer into `sink`.
    public init(table: RecordTable, sink: OutputSink) {
        self.table = table
        self.sink = sink
    }

    public func begin() throws {
        row.removeAll(keepingCapacity: true)
        CSVCell.appendRow(table.csvColumns, to: &row)
        try sink.write(row)
    }

    public func write(_ record: JSONObject) throws {
        row.removeAll(keepingCapacity: true)
        CSVCell.appendRow(table.csvColumns.map { Self.cellText(record[$0]) }, to: &row)
        try sink.write(row)
    }

    public func finish() throws {
        try sink.flush()
    }

    /// A value as a CSV cell's text (before quoting and neutralisation).
    public static func cellText(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        case .number(let literal)?: return literal
        case .array?, .object?:
            var bytes: [UInt8] = []
            JSONWriter.write(value!, sortedKeys: true, into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
