import Foundation
import SCIMKit
import Synchronization

/// Reads a snapshot (a ListResponse, a JSON array, or JSON Lines of resources) on a second thread
/// and hands its resources, parsed and mapped, to the run's thread in order, as `CSVRowPipeline`
/// does for CSV files.
///
/// The reader thread cuts the file into resources, takes each one's digest (`RowDigest`),
/// parses it, and normalises and maps it (`Reconciler.prepareUser`); the run's thread matches
/// and writes. A resource the store already holds as it is (its digest) is skipped there without
/// looking at what the reader prepared; while most are (a scheduled snapshot of users that did
/// not change), the run's thread tells the reader to stop parsing (`ReadAhead.digestsOnly`), and
/// parses the few others itself.
enum SnapshotPipeline {
    /// What the run's thread tells the reader thread.
    final class ReadAhead: Sendable {
        /// Take only digests and bytes: most resources turn out unchanged, and parsing them would
        /// keep the run waiting for the reader.
        let digestsOnly = Atomic<Bool>(false)
    }

    /// One resource as the reader prepared it.
    struct Row: Sendable {
        var line: Int
        /// How far into the file the reader is, for progress (0 when not known).
        var end: Int64
        var digest: Fingerprint
        /// The parsed resource, or why it is none; nil when the reader took only the bytes.
        var resource: Result<JSONObject, IngestError>?
        /// The user the resource gives, or why it gives none; nil when the resource did not parse.
        var prepared: Result<IncomingUser, IngestError>?
        /// The resource's bytes, when the reader did not parse them.
        var bytes: [UInt8] = []

        /// The parsed resource: the reader's, or parsed now from the bytes it kept.
        func parsed(with parser: inout JSONParser) -> Result<JSONObject, IngestError> {
            if let resource { return resource }
            return bytes.withUnsafeBufferPointer { SnapshotPipeline.parse($0, parser: &parser) }
        }
    }

    /// What the reader learnt of the file as a whole.
    struct Summary: Sendable {
        /// JSON Lines: the bytes after the last newline, if any (a line still being written).
        var trailing: (number: Int, start: Int64, length: Int)?
        /// A document: whether it ended before it was closed, whether it held a resources array,
        /// and its top-level scalars (`totalresults`…).
        var truncated = false
        var foundElements = false
        var topLevelScalars: [String: String] = [:]
    }

    enum Ending: Sendable {
        case finished(Summary)
        case failed(IngestError)
        case cancelled
    }

    /// A resource's bytes as a JSON object, or the failure the record gets.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, parser: inout JSONParser) -> Result<JSONObject, IngestError>
    {
        let value: JSONValue
        do {
            value = try parser.parse(bytes)
        } catch {
            return .failure(.rule("record.invalid-json", "the resource is not valid JSON (\(error))"))
        }
        guard let object = value.objectValue else {
            return .failure(.rule("record.invalid", "a resource must be a JSON object, not \(value.typeName)"))
        }
        return .success(object)
    }

    /// What the reader thread makes of one resource's bytes: everything, or (`digestsOnly`) the
    /// digest and a copy of the bytes.
    static func prepare(
        _ bytes: UnsafeBufferPointer<UInt8>, line: Int, end: Int64, digests: RowDigest, mapping: Mapping,
        parser: inout JSONParser, digestsOnly: Bool = false
    ) -> Row {
        let digest = digests.digest(UnsafeRawBufferPointer(bytes))
        if digestsOnly { return Row(line: line, end: end, digest: digest, bytes: Array(bytes)) }
        let resource = parse(bytes, parser: &parser)
        guard case .success(let object) = resource else {
            return Row(line: line, end: end, digest: digest, resource: resource)
        }
        return Row(
            line: line, end: end, digest: digest, resource: resource,
            prepared: Result { () throws(IngestError) in try Reconciler.prepareUser(object, mapping: mapping) })
    }

    private struct Stopped: Error {}

    /// Starts reading `path` on a second thread.
    static func start(path: String, jsonLines: Bool, digests: RowDigest, mapping: Mapping, hint: ReadAhead)
        -> RecordPipeline<Row, Ending>
    {
        RecordPipeline(itemsAhead: 512) { push in
            var parser = JSONParser()
            var summary = Summary()
            do {
                if jsonLines {
                    let reader: LineReader
                    do {
                        reader = try LineReader(path: path)
                    } catch {
                        return .failed(IngestError(code: "input.unreadable", message: "\(error)", location: path))
                    }
                    try reader.forEachLine { line, number, _, end in
                        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return true }
                        return push(
                            prepare(
                                line, line: number, end: end, digests: digests, mapping: mapping, parser: &parser,
                                digestsOnly: hint.digestsOnly.load(ordering: .relaxed)))
                    }
                    summary.trailing = reader.trailingPartialLine
                } else {
                    let scanner = try JSONElementScanner(path: path)
                    try scanner.forEachElement { element, line in
                        let only = hint.digestsOnly.load(ordering: .relaxed)
                        let row = element.withUnsafeBufferPointer {
                            prepare(
                                $0, line: line, end: 0, digests: digests, mapping: mapping, parser: &parser,
                                digestsOnly: only)
                        }
                        guard push(row) else { throw Stopped() }
                    }
                    summary.truncated = scanner.truncated
                    summary.foundElements = scanner.foundElements
                    summary.topLevelScalars = scanner.topLevelScalars
                }
            } catch is Stopped {
                return .cancelled
            } catch let error as LineReaderError {
                return .failed(
                    IngestError(
                        code: "input.unreadable", message: error.message,
                        location: error.line.map { "\(path):\($0)" } ?? path))
            } catch let error as IngestError {
                return .failed(error)
            } catch {
                return .failed(IngestError(code: "input.unreadable", message: "\(error)", location: path))
            }
            return .finished(summary)
        }
    }
}
