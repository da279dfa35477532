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
    /// Rows waiting to go to the sink (handed over in blocks of about 64 KiB) and the encoder's
    /// scratch space. Each write moves it into a local first: a class's stored property mutated
    /// in place pays a dynamic exclusivity check on every access, a local pays none.
    private var encoder = CSVRowEncoder()
    private var declared = 0
    private var written = 0
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
        var local = takeEncoder()
        defer { encoder = local }
        local.buffer.removeAll(keepingCapacity: true)
        local.buffer.reserveCapacity(Self.blockSize + 4096)
        if byteOrderMark { local.buffer += Self.utf8ByteOrderMark }
        CSVCell.appendRow(Self.columns, to: &local.buffer)
        try emit(&local)
    }

    public func write(_ event: ProvisioningEvent) throws {
        var local = takeEncoder()
        defer { encoder = local }
        CSVCell.appendRow(
            [
                event.time.rfc3339, event.app, event.user ?? "", event.userID ?? "", event.externalID ?? "",
                event.action.rawValue, event.status.rawValue, event.reason ?? "",
                Self.changesText(event.changes), String(event.run), event.source,
            ], to: &local.buffer)
        written += 1
        try emit(&local)
    }

    /// Writes one row read straight from the store: the same bytes as `write(_:)` makes from
    /// the row's `ProvisioningEvent`, without the event, a `String` or a JSON tree per row.
    public func write(row: EventRow) throws {
        var local = takeEncoder()
        defer { encoder = local }
        local.append(row)
        written += 1
        try emit(&local)
    }

    /// The encoder, moved out of the property (which keeps an empty one until it is put back).
    private func takeEncoder() -> CSVRowEncoder {
        let taken = encoder
        encoder = CSVRowEncoder()
        return taken
    }

    /// Hands the collected rows to the sink once they fill a block.
    private func emit(_ local: inout CSVRowEncoder) throws {
        guard local.buffer.count >= Self.blockSize else { return }
        try sink.write(local.buffer)
        local.buffer.removeAll(keepingCapacity: true)
    }

    public func finish() throws {
        if !encoder.buffer.isEmpty {
            try sink.write(encoder.buffer)
            encoder.buffer.removeAll(keepingCapacity: true)
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

/// Encodes store rows as the CSV report's rows into `buffer` (`CSVEventReportWriter.write(row:)`).
struct CSVRowEncoder {
    /// Rows not yet handed to the sink.
    var buffer: [UInt8] = []
    /// The changes cell being built.
    private var changesBuffer: [UInt8] = []
    /// The date part of the last time written, `2026-12-01T`, and its day number.
    private var cachedDate: [UInt8] = []
    private var cachedDay: Int64 = 0

    // The pieces of `CSVEventReportWriter.changesText`, as UTF-8.
    private static let separator = Array("; ".utf8)
    private static let colon = Array(": ".utf8)
    private static let arrow = Array(" → ".utf8)
    private static let absent = Array("∅".utf8)
    private static let emptyString = Array("\"\"".utf8)

    /// Appends one row, ended by CRLF.
    mutating func append(_ row: EventRow) {
        appendTime(row.time)
        buffer.append(0x2C)
        appendCell(row.app)
        buffer.append(0x2C)
        appendCell(row.user)
        buffer.append(0x2C)
        appendCell(row.userID)
        buffer.append(0x2C)
        appendCell(row.externalID)
        buffer.append(0x2C)
        appendASCII(row.action.rawValue)
        buffer.append(0x2C)
        appendASCII(row.status.rawValue)
        buffer.append(0x2C)
        appendCell(row.reason)
        buffer.append(0x2C)
        appendChanges(row.changes)
        buffer.append(0x2C)
        appendInteger(row.run)
        buffer.append(0x2C)
        appendCell(row.source)
        buffer.append(contentsOf: CSVCell.rowTerminator)
    }

    /// A text column as one cell. A value that is not plain ASCII goes through `String` (as the
    /// event path reads it: up to a NUL, invalid UTF-8 repaired), so both paths write the same.
    private mutating func appendCell(_ text: UnsafeBufferPointer<UInt8>?) {
        guard let text, !text.isEmpty else { return }
        var plain = true
        for byte in text where byte == 0 || byte >= 0x80 {
            plain = false
            break
        }
        if plain {
            CSVCell.append(utf8: text, to: &buffer)
        } else {
            let end = text.firstIndex(of: 0) ?? text.count
            CSVCell.append(String(decoding: UnsafeBufferPointer(rebasing: text[..<end]), as: UTF8.self), to: &buffer)
        }
    }

    /// An action or status: lowercase letters and `-`, never neutralised or quoted.
    private mutating func appendASCII(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    private mutating func appendInteger(_ value: Int64) {
        guard value >= 0 else { return appendASCII(String(value)) }
        var rest = UInt64(value)
        var divisor: UInt64 = 1
        while divisor <= rest / 10 { divisor *= 10 }
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// The RFC 3339 time (`Timestamp.rfc3339`): the date part is formatted once per day.
    private mutating func appendTime(_ milliseconds: Int64) {
        let (days, secondOfDay, millis) = Timestamp(millisecondsSince1970: milliseconds).dayParts
        if days != cachedDay || cachedDate.isEmpty {
            let text = Timestamp(millisecondsSince1970: days * 86_400_000).rfc3339
            cachedDate = Array(text.utf8.prefix { $0 != UInt8(ascii: "T") }) + [UInt8(ascii: "T")]
            cachedDay = days
        }
        buffer.append(contentsOf: cachedDate)
        func two(_ value: Int64) {
            buffer.append(UInt8(ascii: "0") + UInt8(value / 10))
            buffer.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        two(secondOfDay / 3600)
        buffer.append(UInt8(ascii: ":"))
        two(secondOfDay % 3600 / 60)
        buffer.append(UInt8(ascii: ":"))
        two(secondOfDay % 60)
        buffer.append(UInt8(ascii: "."))
        buffer.append(UInt8(ascii: "0") + UInt8(millis / 100))
        two(millis % 100)
        buffer.append(UInt8(ascii: "Z"))
    }

    /// The readable changes cell (`changesText`), built in a scratch buffer, then written as a cell.
    private mutating func appendChanges(_ changes: EventRowChanges) {
        switch changes {
        case .decoded(let decoded):
            CSVCell.append(CSVEventReportWriter.changesText(decoded), to: &buffer)
        case .spans(let json, let spans):
            guard !spans.isEmpty else { return }
            changesBuffer.removeAll(keepingCapacity: true)
            for (index, span) in spans.enumerated() {
                if index > 0 { changesBuffer.append(contentsOf: Self.separator) }
                changesBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: json[span.attribute]))
                changesBuffer.append(contentsOf: Self.colon)
                shown(span.old, in: json)
                changesBuffer.append(contentsOf: Self.arrow)
                shown(span.new, in: json)
            }
            let cell = changesBuffer
            cell.withUnsafeBufferPointer { CSVCell.append(utf8: $0, to: &buffer) }
        }
    }

    /// A value as `changesText` shows it: `∅` when absent, `""` when empty.
    private mutating func shown(_ range: Range<Int>?, in json: UnsafeBufferPointer<UInt8>) {
        guard let range else {
            changesBuffer.append(contentsOf: Self.absent)
            return
        }
        if range.isEmpty {
            changesBuffer.append(contentsOf: Self.emptyString)
        } else {
            changesBuffer.append(contentsOf: UnsafeBufferPointer(rebasing: json[range]))
        }
    }
}
