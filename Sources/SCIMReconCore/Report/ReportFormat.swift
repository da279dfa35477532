/// The output formats of `report`, `crosscheck`, `users`, `groups` and `runs` (SPEC §2, §6).
public enum ReportFormat: String, Sendable, CaseIterable {
    case json, jsonl, csv, xml, html

    /// The usual file extension (`report.jsonl`).
    public var fileExtension: String { rawValue }
}

/// What a provisioning report says about itself before its events.
public struct ReportHeader: Sendable, Hashable {
    public var generatedAt: Timestamp
    /// The filter the events were selected by, echoed in the JSON and XML reports.
    public var filter: ReportFilter
    /// How many events follow. JSON and XML write it before the events, so the caller counts
    /// them first (in the same read transaction as the event query); `finish()` checks it.
    public var count: Int

    /// A header.
    public init(generatedAt: Timestamp, filter: ReportFilter, count: Int) {
        self.generatedAt = generatedAt
        self.filter = filter
        self.count = count
    }
}

/// A report that could not be produced for a reason other than the output itself failing
/// (that is an `OutputError`).
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `finish()` found a different number of events than the header announced.
    case countMismatch(declared: Int, written: Int)
    /// libxml2's writer refused an operation.
    case xmlWriter(operation: String)
    /// The writer was used out of order (`write` before `begin`, or after `finish`).
    case misuse(String)

    public var description: String {
        switch self {
        case .countMismatch(let declared, let written):
            return "report announced \(declared) events but \(written) were written; "
                + "the history changed while it was read"
        case .xmlWriter(let operation):
            return "the xml writer failed in \(operation)"
        case .misuse(let what):
            return "report writer misused: \(what)"
        }
    }
}

/// Writes a provisioning report event by event: `begin`, any number of `write`, `finish`.
///
/// Nothing is held back: every event reaches the sink as it is written (the sink buffers up to
/// 1 MiB), so a report over millions of events starts at once and stays flat in memory.
public protocol EventReportWriter {
    /// Writes whatever comes before the events (the JSON envelope, the CSV header, the XML root).
    func begin(_ header: ReportHeader) throws
    /// Writes one event; events arrive in time order.
    func write(_ event: ProvisioningEvent) throws
    /// Closes the document and flushes the sink; throws `ReportError.countMismatch` (after the
    /// document is complete) when the header's count was wrong.
    func finish() throws
}

/// The writer for `format`, writing into `sink`.
///
/// `byteOrderMark` puts a UTF-8 byte order mark before a CSV report, so that Excel reads it as
/// UTF-8 (without one it guesses the system's legacy code page and shows `Ã©` for `é`); the
/// commands ask for it when the report goes to a file, not on stdout (see `CSVEventReportWriter`).
public func makeEventReportWriter(_ format: ReportFormat, sink: OutputSink, byteOrderMark: Bool = false)
    -> any EventReportWriter
{
    switch format {
    case .json: return JSONEventReportWriter(sink: sink, lines: false)
    case .jsonl: return JSONEventReportWriter(sink: sink, lines: true)
    case .csv: return CSVEventReportWriter(sink: sink, byteOrderMark: byteOrderMark)
    case .xml: return XMLEventReportWriter(sink: sink)
    case .html: return HTMLEventReportWriter(sink: sink)
    }
}
