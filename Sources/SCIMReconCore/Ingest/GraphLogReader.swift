import SCIMKit

/// Walks the records of a provider log file (`graph-logs`), one at a time, for runs and
/// `validate` alike.
///
/// Accepted: a Graph page (`{"value":[…]}`; `@odata.nextLink` pages are files of their own),
/// the portal's download (a JSON array), Azure Monitor / Event Hub exports (`{"records":[…]}`,
/// one record a line, or one `{"records":[…]}` message a line). Only one record's bytes are held
/// at a time.
struct GraphLogReader {
    let path: String

    /// What one record turned out to be: a JSON value, or why it is not one.
    typealias Record = Result<JSONValue, IngestError>

    /// Calls `body` with each record and its `file:line`; `progress` with bytes read of the size.
    /// Returns warnings (a document that ends before it is closed).
    func forEachRecord(
        progress: ((Int64, Int64) -> Void)? = nil, _ body: (Record, String) throws -> Void
    ) throws -> [String] {
        let identity = try FileIdentity(path: path)
        func take(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws {
            let source = "\(path):\(line)"
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                try body(.failure(.rule("record.invalid-json", "the record is not valid JSON (\(error))")), source)
                return
            }
            // A line (or element) that is itself a page or an Event Hub message holds records.
            if let object = value.objectValue, GraphLogRecord.member(object, "activityDateTime") == nil,
                GraphLogRecord.member(object, "properties") == nil,
                let nested = (GraphLogRecord.member(object, "records") ?? GraphLogRecord.member(object, "value"))?
                    .arrayValue
            {
                for item in nested { try body(.success(item), source) }
                return
            }
            try body(.success(value), source)
        }
        if try RunEngine.isJSONLines(path: path) {
            let reader: LineReader
            do {
                reader = try LineReader(path: path)
            } catch {
                throw IngestError(code: "input.unreadable", message: "\(error)", location: path)
            }
            do {
                try reader.forEachLine { line, number, _, end in
                    if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                        try take(line, line: number)
                    }
                    progress?(end, identity.size)
                    return true
                }
            } catch let error as LineReaderError {
                throw IngestError(
                    code: "input.unreadable", message: error.message,
                    location: error.line.map { "\(path):\($0)" } ?? path)
            }
            if let partial = reader.trailingPartialLine {
                let bytes = try FileIdentity.readBytes(path: path, offset: partial.start, count: partial.length)
                try bytes.withUnsafeBufferPointer { try take($0, line: partial.number) }
            }
            return []
        }
        let scanner = try JSONElementScanner(path: path, arrayKeys: ["value", "records"])
        try scanner.forEachElement { element, line in
            try element.withUnsafeBufferPointer { try take($0, line: line) }
        }
        guard scanner.foundElements else {
            throw IngestError(
                code: "input.not-graph-logs",
                message: "neither a Graph page ({\"value\":[…]}), a JSON array of provisioning records, "
                    + "Azure Monitor records ({\"records\":[…]}), nor one record a line",
                location: path)
        }
        return scanner.truncated ? ["\(path): the document ends before it is closed; the records before it kept"] : []
    }
}
