import SCIMKit
import SCIMReconCore

/// One request-log line (SPEC §3.1): what was asked and what was answered, never a header, a
/// token or a password.
struct LogRecord {
    var time: Timestamp
    var app: String
    var method: String
    /// The path as requested, query included.
    var path: String
    var status: Int
    var request: JSONValue?
    var response: JSONValue?

    /// The line, keys sorted, without its newline.
    func line() -> [UInt8] {
        var object = JSONObject()
        object["time"] = .string(time.rfc3339)
        object["app"] = .string(app)
        object["method"] = .string(method)
        object["path"] = .string(path)
        object["status"] = .number(String(status))
        if let request { object["request"] = Self.withoutPasswords(request) }
        if let response { object["response"] = Self.withoutPasswords(response) }
        var bytes: [UInt8] = []
        JSONWriter.write(.object(object), into: &bytes)
        return bytes
    }

    /// `value` with every `password` member dropped (any case, at any depth), and the value of
    /// any PATCH operation whose path names a password.
    static func withoutPasswords(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            let targetsPassword =
                object["path"]?.stringValue.map { path in
                    path.split(separator: ":").last.map { $0.lowercased().hasPrefix("password") } ?? false
                } ?? false
            for member in object {
                if member.key.caseInsensitiveEquals("password") { continue }
                if targetsPassword && member.key.caseInsensitiveEquals("value") { continue }
                result[member.key] = withoutPasswords(member.value)
            }
            return .object(result)
        case .array(let items):
            return .array(items.map(withoutPasswords))
        default:
            return value
        }
    }
}
