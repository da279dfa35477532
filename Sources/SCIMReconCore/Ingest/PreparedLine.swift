import SCIMKit

/// A request-log line decoded as far as it can be without the store: fingerprint, request, and
/// the pure work its application will need (the parsed PATCH, the mapped user of a POST).
///
/// Lines are prepared on a second thread (`LogLinePipeline`) while the run applies earlier ones.
struct PreparedLine: Sendable {
    var number: Int
    /// The offset just past the line's terminator.
    var end: Int64
    /// Zero for blank and oversized lines, which are never looked up.
    var fingerprint: Fingerprint
    var content: Content

    enum Content: Sendable {
        /// Only spaces, tabs or CR: skipped, not counted.
        case blank
        /// Longer than the reader's limit: its bytes were skipped, never kept.
        case oversized(maxLineLength: Int)
        /// The line could not be read as a request (not JSON, not a log record).
        case invalid(IngestError)
        case request(SCIMRequest, PreparedWork)
    }

    /// The reason code of a line that is not JSON at all (a half-written last line reads so).
    static let invalidJSON = "record.invalid-json"

    /// Decodes one line. Pure: it reads nothing but its arguments.
    static func prepare(
        _ line: UnsafeBufferPointer<UInt8>, number: Int, end: Int64, path: String, mapping: Mapping,
        parser: inout JSONParser, paths: inout AttributePathCache
    ) -> PreparedLine {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
            return PreparedLine(number: number, end: end, fingerprint: Fingerprint(high: 0, low: 0), content: .blank)
        }
        var hash = StableHash()
        hash.combine(UnsafeRawBufferPointer(line))
        let fingerprint = hash.fingerprint
        let source = "\(path):\(number)"
        let value: JSONValue
        do {
            value = try parser.parse(line)
        } catch {
            return PreparedLine(
                number: number, end: end, fingerprint: fingerprint,
                content: .invalid(.rule(invalidJSON, "the line is not valid JSON (\(error))")))
        }
        do {
            let request = try LogRecordParser.request(from: value, source: source, fingerprint: fingerprint.hex)
            return PreparedLine(
                number: number, end: end, fingerprint: fingerprint,
                content: .request(request, PreparedWork(request, mapping: mapping, paths: &paths)))
        } catch {
            return PreparedLine(number: number, end: end, fingerprint: fingerprint, content: .invalid(error))
        }
    }
}

/// Pure work done ahead for a request, so the run's thread only does what needs the store.
///
/// Each part is exactly what the reconciler would compute itself from the same request; a part
/// that is nil (or failed) is computed again where it is needed, with the same outcome.
struct PreparedWork: Sendable {
    /// The PATCH request of a `PATCH /Users/{id}`, when its body parses as one.
    var patch: PatchRequest?
    /// The normalised, mapped user of a `POST /Users` (or why it is not a valid user).
    var incoming: Result<IncomingUser, IngestError>?

    init(patch: PatchRequest? = nil, incoming: Result<IncomingUser, IngestError>? = nil) {
        self.patch = patch
        self.incoming = incoming
    }

    init(_ request: SCIMRequest, mapping: Mapping, paths: inout AttributePathCache) {
        guard request.path.endpoint == .users, !request.wasRejected, let body = request.body else { return }
        switch request.method {
        case "PATCH" where request.path.id != nil:
            patch = try? PatchRequest(json: body, paths: &paths)
        case "POST" where request.path.id == nil:
            guard let object = body.objectValue else { return }
            incoming = Result { () throws(IngestError) -> IncomingUser in
                try Reconciler.prepareUser(object, mapping: mapping, activeDefault: true)
            }
        default:
            break
        }
    }
}
