import Foundation
import SCIMKit

/// Reads a CSV export on a second thread and hands its rows, built into users and mapped, to the
/// run's thread in order, as `LogLinePipeline` does for request logs.
///
/// The reader thread does only pure work: splitting the record, building the row's resource
/// (`CSVRowBuilder`), normalising and mapping it (`Reconciler.prepareUser`) and taking its digest
/// (`RowDigest`). Everything that touches the store stays on the run's thread, in file order.
/// At most a thousand rows are held ahead (`RecordPipeline`), so memory stays flat however long
/// the file.
enum CSVRowPipeline {
    /// One row as the reader prepared it.
    struct Row: Sendable {
        var line: Int
        var endOffset: UInt64
        /// The row's digest; nil when the record itself is broken.
        var digest: Fingerprint?
        /// The user the row gives: a resource to reconcile as a snapshot's, or prepared for an
        /// import; or why the row gives none.
        var user: Result<PreparedUser, IngestError>
    }

    enum PreparedUser: Sendable {
        /// A snapshot's row: the resource, and the user it gives (or why it gives none).
        case resource(JSONObject, Result<IncomingUser, IngestError>)
        case incoming(IncomingUser)
    }

    enum Ending: Sendable {
        case endOfFile
        case failed(String)
        case cancelled
    }

    /// Hands the reader, already opened on this thread, to the reader thread, which alone uses it
    /// from then on (so it is never used from two threads at once).
    private final class Handoff: @unchecked Sendable {
        let reader: CSVReader
        init(_ reader: CSVReader) { self.reader = reader }
    }

    /// Starts reading the rows of `reader` (its header read) on a second thread.
    static func start(
        _ reader: CSVReader, plan: CSVRowBuilder, mapping: Mapping, digests: RowDigest, snapshot: Bool
    ) -> RecordPipeline<Row, Ending> {
        let handoff = Handoff(reader)
        return RecordPipeline { push in
            var stopped = false
            do {
                try handoff.reader.forEachRecord { record in
                    stopped = !push(prepare(record, plan: plan, mapping: mapping, digests: digests, snapshot: snapshot))
                    return !stopped
                }
            } catch {
                return .failed("\(error)")
            }
            return stopped ? .cancelled : .endOfFile
        }
    }

    /// What the reader thread makes of one record.
    static func prepare(
        _ record: CSVRecord, plan: CSVRowBuilder, mapping: Mapping, digests: RowDigest, snapshot: Bool
    ) -> Row {
        var row = Row(
            line: record.line, endOffset: record.endOffset, digest: nil,
            user: .failure(.rule("csv.invalid-row", "the row does not form a valid user")))
        if let problem = record.problem {
            row.user = .failure(.csv(problem))
            return row
        }
        row.digest = digests.digest(fields: record.fields)
        row.user = Result { () throws(IngestError) -> PreparedUser in
            let resource = try plan.resource(from: record.fields)
            if snapshot {
                return .resource(
                    resource,
                    Result { () throws(IngestError) in try Reconciler.prepareUser(resource, mapping: mapping) })
            }
            return .incoming(try Reconciler.prepareUser(resource, mapping: mapping))
        }
        return row
    }
}
