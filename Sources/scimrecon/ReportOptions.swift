import Foundation
import SCIMKit
import SCIMReconCore

/// Turns report options (from the command line or a job's `reports:`) into a filter and writes
/// reports, streamed event by event.
enum ReportOptions {
    static let accepted = ProvisioningAction.allCases.map(\.rawValue).joined(separator: ", ")

    static func filter(
        users: [String], apps: [String], since: String?, until: String?, actions: [String], statuses: [String],
        runs: [Int64], now: Timestamp
    ) throws -> ReportFilter {
        func time(_ text: String?, _ option: String) throws -> Timestamp? {
            guard let text else { return nil }
            do {
                return try TimeSpec.parse(text, now: now)
            } catch {
                throw UsageError(message: "\(option): \(error)")
            }
        }
        let parsedActions = try actions.map { text -> ProvisioningAction in
            guard let action = ProvisioningAction(rawValue: text.lowercased()) else {
                throw UsageError(message: "--action: unknown action '\(text)'; accepted: \(accepted)")
            }
            return action
        }
        let parsedStatuses = try statuses.map { text -> EventStatus in
            guard let status = EventStatus(rawValue: text.lowercased()) else {
                throw UsageError(message: "--status: unknown status '\(text)'; accepted: success, skipped, failure")
            }
            return status
        }
        return ReportFilter(
            users: users, apps: apps, since: try time(since, "--since"), until: try time(until, "--until"),
            actions: parsedActions, statuses: parsedStatuses, runs: runs)
    }

    /// Opens where output goes: stdout, or a file written atomically.
    static func withOutput(_ path: String?, _ body: (OutputSink) throws -> Void) throws {
        guard let path, path != "-" else {
            let sink = OutputSink.standardOutput()
            try body(sink)
            try sink.flush()
            return
        }
        let file = try openAtomic(path)
        do {
            try body(file.sink)
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
    }

    /// A temporary file beside `path` (creating its folder), renamed into place on commit.
    static func openAtomic(_ path: String) throws -> AtomicFile {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return try AtomicFile(path: path)
    }

    /// Streams the events matching `filter`: a count first (the JSON header needs it), then the
    /// events, both inside one read transaction so they agree.
    /// Returns how many events it wrote. `byteOrderMark`: the report goes to a file (a CSV one
    /// then starts with a UTF-8 byte order mark for spreadsheets).
    @discardableResult
    static func writeEvents(
        store: any StoreQueries, filter: ReportFilter, format: ReportFormat, sink: OutputSink, generatedAt: Timestamp,
        byteOrderMark: Bool = false
    ) throws -> Int {
        let writer = makeEventReportWriter(format, sink: sink, byteOrderMark: byteOrderMark)
        return try store.reading {
            let count = try store.countEvents(filter)
            try writer.begin(ReportHeader(generatedAt: generatedAt, filter: filter, count: count))
            try store.forEachEvent(filter) { try writer.write($0) }
            try writer.finish()
            return count
        }
    }
}
