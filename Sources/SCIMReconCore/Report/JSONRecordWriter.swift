import SCIMKit

/// `json` and `jsonl` record listings (see `makeRecordWriter`).
public final class JSONRecordWriter: RecordWriter {
    private let table: RecordTable
    private let sink: OutputSink
    private let lines: Bool
    private var buffer: [UInt8] = []
    private var written = 0

    /// A writer into `sink`; `lines` selects `jsonl`.
    public init(table: RecordTable, sink: OutputSink, lines: Bool) {
        self.table = table
        self.sink = sink
        self.lines = lines
    }

    public func begin() throws {
        guard !lines else { return }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(0x7B)
        JSONWriter.writeString(table.root, into: &buffer)
        buffer.append(contentsOf: ":[".utf8)
        try sink.write(buffer)
    }

    public func write(_ record: JSONObject) throws {
        buffer.removeAll(keepingCapacity: true)
        if !lines { buffer.append(contentsOf: written == 0 ? [0x0A] : [0x2C, 0x0A]) }
        JSONWriter.write(.object(record), sortedKeys: true, into: &buffer)
        if lines { buffer.append(0x0A) }
        try sink.write(buffer)
        written += 1
    }

    public func finish() throws {
        if !lines { try sink.write(written == 0 ? "]}\n" : "\n]}\n") }
        try sink.flush()
    }
}
