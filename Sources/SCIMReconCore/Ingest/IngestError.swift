/// A problem with one input record or a whole input file.
///
/// `code` is the stable reason code recorded on the event (`record.invalid-json`); the message
/// is a lowercase sentence that never quotes the raw input line.
public struct IngestError: ClassifiedError, Sendable, Hashable {
    public var code: String
    public var message: String
    /// Where: `file:line`, or just the file for file-level problems.
    public var location: String?
    public var kind: FailureKind

    public init(code: String, message: String, location: String? = nil, kind: FailureKind = .input) {
        self.code = code
        self.message = message
        self.location = location
        self.kind = kind
    }

    /// A record-level rule violation, to become a failure event.
    public static func rule(_ code: String, _ message: String) -> IngestError {
        IngestError(code: code, message: message)
    }

    /// The event reason: `code: message`.
    public var reason: String { "\(code): \(message)" }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
