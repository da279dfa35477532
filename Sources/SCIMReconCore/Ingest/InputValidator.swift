import SCIMKit

/// What `validate` found in one input: how many records it read and which do not parse.
public struct ValidationReport: Sendable {
    public var records = 0
    /// `file:line: code: sentence`, the first `limit` of them.
    public var problems: [String] = []
    public var problemCount = 0
}

/// Reads an input the way a run would, without a store: every record must parse and form a valid
/// SCIM message. Nothing is applied, so semantic checks that need the store (unknown ids,
/// matches) are left to `plan`.
public enum InputValidator {
    public static func validate(_ input: ResolvedInput, limit: Int = 20) throws -> ValidationReport {
        var report = ValidationReport()
        func problem(_ location: String, _ error: IngestError) {
            report.problemCount += 1
            if report.problems.count < limit { report.problems.append("\(location): \(error.reason)") }
        }
        func check(_ location: String, _ body: () throws -> Void) rethrows {
            report.records += 1
            do { try body() } catch let error as IngestError { problem(location, error) } catch let error as SCIMError {
                problem(location, .scim(error))
            }
        }
        switch input.format {
        case .scimLog:
            let reader: LineReader
            do { reader = try LineReader(path: input.path) } catch {
                throw IngestError(code: "input.unreadable", message: error.message, location: input.path)
            }
            try reader.forEachLine { line, number, _, _ in
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return true }
                try check("\(input.path):\(number)") {
                    let value: JSONValue
                    do { value = try JSONParser.parse(line) } catch {
                        throw IngestError.rule("record.invalid-json", "the line is not valid JSON (\(error))")
                    }
                    let request = try LogRecordParser.request(from: value, source: "", fingerprint: "")
                    if request.path.endpoint == .bulk, let body = request.body {
                        _ = try BulkIDResolver.order(try BulkRequest(json: body).operations)
                    } else if request.method == "PATCH", let body = request.body {
                        _ = try PatchRequest(json: body)
                    }
                }
                return true
            }
            if let partial = reader.trailingPartialLine {
                problem("\(input.path):\(partial.number)", .rule("record.incomplete", "the last line has no newline"))
            }
        case .scimBulk:
            try check(input.path) {
                let identity = try FileIdentity(path: input.path)
                let bytes = try FileIdentity.readBytes(path: input.path, offset: 0, count: Int(identity.size))
                let value: JSONValue
                do { value = try JSONParser.parse(bytes) } catch {
                    throw IngestError.rule("input.invalid-json", "not valid JSON (\(error))")
                }
                _ = try BulkIDResolver.order(try BulkRequest(json: value).operations)
            }
        case .scimList:
            let scanner = try JSONElementScanner(path: input.path)
            try scanner.forEachElement { element, line in
                try check("\(input.path):\(line)") {
                    guard let object = (try? JSONParser.parse(element))?.objectValue else {
                        throw IngestError.rule("record.invalid-json", "the resource is not a valid JSON object")
                    }
                    _ = try SCIMResource.normalizedUser(object)
                }
            }
            if scanner.truncated {
                problem(input.path, .rule("input.truncated", "the document ends before it is closed"))
            }
        case .csv:
            let reader = try CSVReader(path: input.path, skipLines: input.skip)
            let builder = try CSVRowBuilder(header: reader.header, columns: input.columns, path: input.path)
            try reader.forEachRecord { record in
                try check("\(input.path):\(record.line)") {
                    if let problem = record.problem { throw IngestError.csv(problem) }
                    _ = try SCIMResource.normalizedUser(try builder.resource(from: record.fields))
                }
                return true
            }
        case .graphLogs:
            _ = try GraphLogReader(path: input.path).forEachRecord { record, source in
                try check(source) {
                    guard let object = try record.get().objectValue else {
                        throw IngestError.rule("record.invalid", "a provisioning record must be a JSON object")
                    }
                    _ = try GraphLogRecord.claim(object, app: "", run: 0, source: source)
                }
            }
        }
        return report
    }
}
