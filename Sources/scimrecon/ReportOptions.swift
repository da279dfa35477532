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

    /// Expands `{name}`, `{app}`, `{date}` and `{run}` in a report path; the app is made safe
    /// for a file name.
    static func expand(_ template: String, name: String, app: String, date: Timestamp, run: Int64) -> String {
        func safe(_ text: String) -> String {
            String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
        }
        return template.replacingOccurrences(of: "{name}", with: safe(name))
            .replacingOccurrences(of: "{app}", with: safe(app))
            .replacingOccurrences(of: "{date}", with: date.dateString)
            .replacingOccurrences(of: "{run}", with: String(run))
    }

    /// Opens where output goes: stdout, or a file written atomically. `beforeRename` runs when a
    /// file's content is written and flushed, before it is renamed into place (the `reports` fail point).
    static func withOutput(
        _ path: String?, beforeRename: (() throws -> Void)? = nil, _ body: (OutputSink) throws -> Void
    ) throws {
        guard let path, path != "-" else {
            let sink = OutputSink.standardOutput()
            try body(sink)
            try sink.flush()
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let file = try AtomicFile(path: path)
        do {
            try body(file.sink)
            if let beforeRename {
                try file.sink.flush()
                try beforeRename()
            }
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
    }

    static func writeEvents(
        store: any StoreQueries, filter: ReportFilter, format: ReportFormat, output: String?, generatedAt: Timestamp,
        beforeRename: (() throws -> Void)? = nil
    ) throws {
        try withOutput(output, beforeRename: beforeRename) { sink in
            let writer = makeEventReportWriter(format, sink: sink)
            try store.reading {
                let count = try store.countEvents(filter)
                try writer.begin(ReportHeader(generatedAt: generatedAt, filter: filter, count: count))
                try store.forEachEvent(filter) { try writer.write($0) }
                try writer.finish()
            }
        }
    }
}
