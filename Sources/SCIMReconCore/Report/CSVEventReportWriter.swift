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
    /// Rows waiting to go to the sink, handed over in blocks of about 64 KiB.
    var rowBuffer: [UInt8] = []
    /// The changes cell being built (`write(row:)`).
    var changesBuffer: [UInt8] = []
    /// The date part of the last time written, `2026-12-01T`, and its day number.
    var cachedDate: [UInt8] = []
    var cachedDay: Int64 = 0
    private var declared = 0
    var written = 0
    static let blockSize = 1 << 16

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
        rowBuffer.removeAll(keepingCapacity: true)
        rowBuffer.reserveCapacity(Self.blockSize + 4096)
        if byteOrderMark { rowBuffer += Self.utf8ByteOrderMark }
        CSVCell.appendRow(Self.columns, to: &rowBuffer)
        try emit()
    }

    public func write(_ event: ProvisioningEvent) throws {
        CSVCell.appendRow(
            [
                event.time.rfc3339, event.app, event.user ?? "", event.userID ?? "", event.externalID ?? "",
                event.action.rawValue, event.status.rawValue, event.reason ?? "",
                Self.changesText(event.changes), String(event.run), event.source,
            ], to: &rowBuffer)
        written += 1
        try emit()
    }

    /// Hands the collected rows to the sink once they fill a block.
    func emit() throws {
        guard rowBuffer.count >= Self.blockSize else { return }
        try sink.write(rowBuffer)
        rowBuffer.removeAll(keepingCapacity: true)
    }

    public func finish() throws {
        if !rowBuffer.isEmpty {
            try sink.write(rowBuffer)
            rowBuffer.removeAll(keepingCapacity: true)
        }
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

// The CSV report written straight from the store's rows: the same bytes as `write(_:)` makes
// from a `ProvisioningEvent`, without a `String` or an event per row.
extension CSVEventReportWriter {
    /// Writes one row; rows arrive in time order.
    public func write(row: EventRow) throws {
        appendTime(row.time)
        rowBuffer.append(0x2C)
        appendCell(row.app)
        rowBuffer.append(0x2C)
        appendCell(row.user)
        rowBuffer.append(0x2C)
        appendCell(row.userID)
        rowBuffer.append(0x2C)
        appendCell(row.externalID)
        rowBuffer.append(0x2C)
        appendASCII(row.action.rawValue)
        rowBuffer.append(0x2C)
        appendASCII(row.status.rawValue)
        rowBuffer.append(0x2C)
        appendCell(row.reason)
        rowBuffer.append(0x2C)
        appendChanges(row.changes)
        rowBuffer.append(0x2C)
        appendInteger(row.run)
        rowBuffer.append(0x2C)
        appendCell(row.source)
        rowBuffer.append(contentsOf: CSVCell.rowTerminator)
        written += 1
        try emit()
    }

    /// A text column as one cell. A value that is not plain ASCII goes through `String` (as the
    /// event path reads it: up to a NUL, invalid UTF-8 repaired), so both paths write the same.
    private func appendCell(_ text: UnsafeBufferPointer<UInt8>?) {
        guard let text, !text.isEmpty else { return }
        var plain = true
        for byte in text where byte == 0 || byte >= 0x80 {
            plain = false
            break
        }
        if plain {
            CSVCell.append(utf8: text, to: &rowBuffer)
        } else {
            let end = text.firstIndex(of: 0) ?? text.count
            CSVCell.append(String(decoding: UnsafeBufferPointer(rebasing: text[..<end]), as: UTF8.self), to: &rowBuffer)
        }
    }

    /// An action or status: lowercase letters and `-`, never neutralised or quoted.
    private func appendASCII(_ text: String) {
        var text = text
        text.withUTF8 { rowBuffer.append(contentsOf: $0) }
    }

    private func appendInteger(_ value: Int64) {
        if value < 0 {
            appendASCII(String(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = UInt64(value)
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for index in stride(from: count - 1, through: 0, by: -1) { rowBuffer.append(buffer[index]) }
        }
    }

    /// The RFC 3339 time (`Timestamp.rfc3339`): the date part is formatted once per day.
    private func appendTime(_ milliseconds: Int64) {
        var millis = milliseconds % 1000
        var seconds = milliseconds / 1000
        if millis < 0 {
            millis += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        if days != cachedDay || cachedDate.isEmpty {
            let text = Timestamp(millisecondsSince1970: days * 86_400_000).rfc3339
            cachedDate = Array(text.utf8.prefix { $0 != UInt8(ascii: "T") }) + [UInt8(ascii: "T")]
            cachedDay = days
        }
        rowBuffer.append(contentsOf: cachedDate)
        func two(_ value: Int64) {
            rowBuffer.append(UInt8(ascii: "0") + UInt8(value / 10))
            rowBuffer.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        two(secondOfDay / 3600)
        rowBuffer.append(UInt8(ascii: ":"))
        two(secondOfDay % 3600 / 60)
        rowBuffer.append(UInt8(ascii: ":"))
        two(secondOfDay % 60)
        rowBuffer.append(UInt8(ascii: "."))
        rowBuffer.append(UInt8(ascii: "0") + UInt8(millis / 100))
        two(millis % 100)
        rowBuffer.append(UInt8(ascii: "Z"))
    }

    /// The readable changes cell (`changesText`), built in a scratch buffer, then written as a cell.
    private func appendChanges(_ changes: EventRowChanges) {
        switch changes {
        case .decoded(let decoded):
            CSVCell.append(Self.changesText(decoded), to: &rowBuffer)
        case .spans(let json, let spans):
            guard !spans.isEmpty else { return }
            changesBuffer.removeAll(keepingCapacity: true)
            for (index, span) in spans.enumerated() {
                if index > 0 { changesBuffer.append(contentsOf: [0x3B, 0x20]) }  // "; "
                changesBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: json[span.attribute]))
                changesBuffer.append(contentsOf: [0x3A, 0x20])  // ": "
                shown(span.old, in: json)
                changesBuffer.append(contentsOf: [0x20, 0xE2, 0x86, 0x92, 0x20])  // " → "
                shown(span.new, in: json)
            }
            changesBuffer.withUnsafeBufferPointer { CSVCell.append(utf8: $0, to: &rowBuffer) }
        }
    }

    /// A value as `changesText` shows it: `∅` when absent, `""` when empty.
    private func shown(_ range: Range<Int>?, in json: UnsafeBufferPointer<UInt8>) {
        guard let range else {
            changesBuffer.append(contentsOf: [0xE2, 0x88, 0x85])  // "∅"
            return
        }
        if range.isEmpty {
            changesBuffer.append(contentsOf: [0x22, 0x22])
        } else {
            changesBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: json[range]))
        }
    }
}
