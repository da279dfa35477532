import SCIMKit

/// The `json` and `jsonl` provisioning reports.
///
/// `json` is one object, its members in this order so that the events come last and stream:
/// `{"generatedAt":…,"filters":{…},"count":N,"events":[` then one event per line, then `]}`.
/// `jsonl` is one event object per line, nothing else. An event is
/// `{"action","app","changes":[{"attribute","new","old"}],"externalId","reason","run","source",
/// "status","time","user","userId"}` with sorted keys, `null` for an absent value, `run` a number
/// and `time` RFC 3339 UTC with milliseconds.
public final class JSONEventReportWriter: EventReportWriter {
    private let sink: OutputSink
    private let lines: Bool
    private var buffer: [UInt8] = []
    private var declared = 0
    private var written = 0

    /// A writer into `sink`: `lines` selects `jsonl`.
    public init(sink: OutputSink, lines: Bool) {
        self.sink = sink
        self.lines = lines
    }

    public func begin(_ header: ReportHeader) throws {
        declared = header.count
        guard !lines else { return }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: #"{"generatedAt":"#.utf8)
        JSONWriter.writeString(header.generatedAt.rfc3339, into: &buffer)
        buffer.append(contentsOf: #","filters":"#.utf8)
        JSONWriter.write(header.filter.jsonValue, sortedKeys: true, into: &buffer)
        buffer.append(contentsOf: #","count":\#(header.count),"events":["#.utf8)
        try sink.write(buffer)
    }

    public func write(_ event: ProvisioningEvent) throws {
        buffer.removeAll(keepingCapacity: true)
        if !lines { buffer.append(contentsOf: written == 0 ? [0x0A] : [0x2C, 0x0A]) }
        Self.append(event, to: &buffer)
        if lines { buffer.append(0x0A) }
        try sink.write(buffer)
        written += 1
    }

    public func finish() throws {
        if !lines { try sink.write(written == 0 ? "]}\n" : "\n]}\n") }
        try sink.flush()
        guard written == declared else { throw ReportError.countMismatch(declared: declared, written: written) }
    }

    /// Appends one event as a compact JSON object with sorted keys.
    public static func append(_ event: ProvisioningEvent, to buffer: inout [UInt8]) {
        func key(_ name: String) {
            JSONWriter.writeString(name, into: &buffer)
            buffer.append(0x3A)
        }
        func string(_ value: String?) {
            if let value {
                JSONWriter.writeString(value, into: &buffer)
            } else {
                buffer.append(contentsOf: "null".utf8)
            }
        }
        buffer.append(contentsOf: #"{"action":"#.utf8)
        string(event.action.rawValue)
        buffer.append(0x2C)
        key("app")
        string(event.app)
        buffer.append(contentsOf: #","changes":["#.utf8)
        for (index, change) in event.changes.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            buffer.append(contentsOf: #"{"attribute":"#.utf8)
            string(change.attribute)
            buffer.append(contentsOf: #","new":"#.utf8)
            string(change.new)
            buffer.append(contentsOf: #","old":"#.utf8)
            string(change.old)
            buffer.append(0x7D)
        }
        buffer.append(contentsOf: #"],"externalId":"#.utf8)
        string(event.externalID)
        buffer.append(contentsOf: #","reason":"#.utf8)
        string(event.reason)
        buffer.append(contentsOf: #","run":\#(event.run),"source":"#.utf8)
        string(event.source)
        buffer.append(contentsOf: #","status":"#.utf8)
        string(event.status.rawValue)
        buffer.append(contentsOf: #","time":"#.utf8)
        string(event.time.rfc3339)
        buffer.append(contentsOf: #","user":"#.utf8)
        string(event.user)
        buffer.append(contentsOf: #","userId":"#.utf8)
        string(event.userID)
        buffer.append(0x7D)
    }
}
