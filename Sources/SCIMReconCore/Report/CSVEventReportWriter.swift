/// The `csv` provisioning report: RFC 4180 with CRLF rows, one row per event under the header
/// `time,app,user,userId,externalId,action,status,reason,changes,run,source`, cells neutralised
/// against formula injection (`CSVCell`).
///
/// The file carries no filter or count (the header row is the first line, as spreadsheets and
/// CSV tools expect). With `byteOrderMark`, a UTF-8 byte order mark comes first: Excel needs it
/// to read the file as UTF-8 (accents, `→`, `∅`), LibreOffice and CSV libraries skip it. The
/// commands write it into report files and never onto stdout, where the reader is a program
/// (`cut`, `csvkit`, a script) that would take the mark for part of the first column's name. Times are RFC 3339 UTC; an absent value is an empty cell. The `changes`
/// cell is for people, not parsers (use JSON for that): `email: old@x → new@y; active: true → false`,
/// where `∅` stands for an absent value and `""` for an empty string.
public final class CSVEventReportWriter: EventReportWriter {
    /// The header row's column names, in order.
    public static let columns = [
        "time", "app", "user", "userId", "externalId", "action", "status", "reason", "changes", "run", "source",
    ]

    private let sink: OutputSink
    private var row: [UInt8] = []
    private var declared = 0
    private var written = 0

    private let byteOrderMark: Bool

    /// The UTF-8 byte order mark.
    public static let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A writer into `sink`; `byteOrderMark` starts the file with one (for spreadsheets).
    public init(sink: OutputSink, byteOrderMark: Bool = false) {
        self.sink = sink
        self.byteOrderMark = byteOrderMark
    }

    public func begin(_ header: ReportHeader) throws {
        declared = header.count
        row.removeAll(keepingCapacity: true)
        if byteOrderMark { row += Self.utf8ByteOrderMark }
        CSVCell.appendRow(Self.columns, to: &row)
        try sink.write(row)
    }

    public func write(_ event: ProvisioningEvent) throws {
        row.removeAll(keepingCapacity: true)
        CSVCell.appendRow(
            [
                event.time.rfc3339, event.app, event.user ?? "", event.userID ?? "", event.externalID ?? "",
                event.action.rawValue, event.status.rawValue, event.reason ?? "",
                Self.changesText(event.changes), String(event.run), event.source,
            ], to: &row)
        try sink.write(row)
        written += 1
    }

    public func finish() throws {
        try sink.flush()
        guard written == declared else { throw ReportError.countMismatch(declared: declared, written: written) }
    }

    /// The readable `changes` cell: `attribute: old → new`, joined by `; `; `∅` is absent, `""` empty.
    public static func changesText(_ changes: [AttributeChange]) -> String {
        func shown(_ value: String?) -> String {
            guard let value else { return "∅" }
            return value.isEmpty ? "\"\"" : value
        }
        return changes.map { "\($0.attribute): \(shown($0.old)) → \(shown($0.new))" }.joined(separator: "; ")
    }
}
