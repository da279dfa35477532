import SCIMKit

/// One request a SCIM endpoint received, from a request log line or a bulk operation.
///
/// Headers are never kept: the reader drops them before anything else sees the record.
public struct SCIMRequest: Sendable, Hashable {
    public var time: Timestamp
    /// The application named by the record, overriding the job's.
    public var app: String?
    /// Upper-cased HTTP method.
    public var method: String
    public var path: RequestPath
    /// The HTTP status the endpoint answered, if logged.
    public var status: Int?
    public var body: JSONValue?
    /// `response.id` of a POST: the id later paths use.
    public var responseID: String?
    /// `file:line` or `file#operation`.
    public var source: String
    /// What identifies this record across reruns (see `RecordFingerprint`).
    public var fingerprint: String

    public init(
        time: Timestamp, app: String?, method: String, path: RequestPath, status: Int?, body: JSONValue?,
        responseID: String?, source: String, fingerprint: String
    ) {
        self.time = time
        self.app = app
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        self.responseID = responseID
        self.source = source
        self.fingerprint = fingerprint
    }

    /// Whether the endpoint answered with a non-2xx status (the request was rejected, not applied).
    public var wasRejected: Bool {
        guard let status else { return false }
        return !(200..<300).contains(status)
    }
}

/// Reads one request-log line (SPEC §3.1) into a `SCIMRequest`.
public enum LogRecordParser {
    /// Parses an already-decoded log record. Unknown top-level keys are ignored; `headers` is
    /// dropped unread.
    public static func request(
        from value: JSONValue, source: String, fingerprint: String
    ) throws(IngestError) -> SCIMRequest {
        guard let object = value.objectValue else {
            throw .rule("record.invalid", "a log record must be a JSON object, not \(value.typeName)")
        }
        guard let timeText = object["time"]?.stringValue else {
            throw .rule("record.missing-time", "the record has no \"time\" string")
        }
        guard let time = Timestamp(rfc3339: timeText) else {
            throw .rule("record.invalid-time", "\"time\" is not an RFC 3339 timestamp (e.g. 2026-11-28T02:00:01Z)")
        }
        guard let methodText = object["method"]?.stringValue, !methodText.isEmpty else {
            throw .rule("record.missing-method", "the record has no \"method\" string")
        }
        let method = methodText.uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw .rule("record.invalid-method", "the method is not one of GET, POST, PUT, PATCH, DELETE")
        }
        guard let pathText = object["path"]?.stringValue else {
            throw .rule("record.missing-path", "the record has no \"path\" string")
        }
        let path = try RequestPath(pathText)
        var status: Int?
        if let statusValue = object["status"], !statusValue.isNull {
            switch statusValue {
            case .number(let literal):
                guard let number = Int(literal), (100...599).contains(number) else {
                    throw .rule("record.invalid-status", "\"status\" is not an HTTP status code")
                }
                status = number
            case .string(let text):
                guard let number = Int(text), (100...599).contains(number) else {
                    throw .rule("record.invalid-status", "\"status\" is not an HTTP status code")
                }
                status = number
            default:
                throw .rule("record.invalid-status", "\"status\" is not an HTTP status code")
            }
        }
        var app: String?
        if let appValue = object["app"], !appValue.isNull {
            guard let text = appValue.stringValue, !text.isEmpty else {
                throw .rule("record.invalid-app", "\"app\" must be a non-empty string")
            }
            app = text
        }
        let body = object["request"].flatMap { $0.isNull ? nil : $0 }
        var responseID: String?
        if let response = object["response"]?.objectValue, let id = response["id"] {
            responseID = id.stringValue ?? (id.doubleValue != nil ? JSONWriter.string(id) : nil)
        }
        return SCIMRequest(
            time: time, app: app, method: method, path: path, status: status, body: body,
            responseID: responseID, source: source, fingerprint: fingerprint)
    }
}
