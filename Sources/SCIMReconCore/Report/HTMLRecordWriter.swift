import SCIMKit

/// `html` record listings (`users`, `groups`, `runs`): one self-contained page with a table of
/// the CSV columns, streamed row by row, every value escaped.
public final class HTMLRecordWriter: RecordWriter {
    private let table: RecordTable
    private let sink: OutputSink
    private var count = 0

    /// A writer into `sink`.
    public init(table: RecordTable, sink: OutputSink) {
        self.table = table
        self.sink = sink
    }

    public func begin() throws {
        let title = "scimrecon \(table.root)"
        try sink.write(HTMLPage.opening(title: title))
        try sink.write("<header><h1>\(HTMLPage.escape(title))</h1></header>\n<section class=\"rows card\"><table><tr>")
        for column in table.csvColumns { try sink.write("<th>\(HTMLPage.escape(column))</th>") }
        try sink.write("</tr>\n")
    }

    public func write(_ record: JSONObject) throws {
        var row = "<tr>"
        for column in table.csvColumns {
            row += "<td>\(HTMLPage.escape(CSVRecordWriter.cellText(record[column])))</td>"
        }
        try sink.write(row + "</tr>\n")
        count += 1
    }

    public func finish() throws {
        try sink.write("</table><p class=\"more\">\(count) \(HTMLPage.escape(table.root))</p></section>\n")
        try sink.write(HTMLPage.closing)
        try sink.flush()
    }
}
