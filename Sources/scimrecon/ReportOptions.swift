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
        let from = try time(since, "--since")
        let to = try time(until, "--until")
        if let from, let to, from > to {
            throw UsageError(message: "--since \(from.rfc3339) is later than --until \(to.rfc3339)")
        }
        return ReportFilter(
            users: users, apps: apps, since: from, until: to,
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
    /// Returns what it wrote, by action and status. `byteOrderMark`: the report goes to a file (a
    /// CSV one then starts with a UTF-8 byte order mark for spreadsheets).
    @discardableResult
    static func writeEvents(
        store: any StoreQueries, filter: ReportFilter, format: ReportFormat, sink: OutputSink, generatedAt: Timestamp,
        byteOrderMark: Bool = false
    ) throws -> ReportTotals {
        let writer = makeEventReportWriter(format, sink: sink, byteOrderMark: byteOrderMark)
        return try store.reading {
            let count = try store.countEvents(filter)
            try writer.begin(ReportHeader(generatedAt: generatedAt, filter: filter, count: count))
            var totals = ReportTotals()
            try store.forEachEvent(filter) { event in
                totals.add(event)
                try writer.write(event)
            }
            try writer.finish()
            return totals
        }
    }

    /// The `scimrecon report` command that writes exactly the report `filter` selected, with
    /// absolute times (a relative `since:` would have moved on by the time it is run).
    static func regenerateCommand(store: String, filter: ReportFilter, format: ReportFormat, output: String) -> String {
        var words = ["scimrecon", "report", "--store", store]
        for run in filter.runs { words += ["--run", String(run)] }
        for app in filter.apps { words += ["--app", app] }
        for user in filter.users { words += ["--user", user] }
        if let since = filter.since { words += ["--since", since.rfc3339] }
        if let until = filter.until { words += ["--until", until.rfc3339] }
        for action in filter.actions { words += ["--action", action.rawValue] }
        for status in filter.statuses { words += ["--status", status.rawValue] }
        words += ["--format", format.rawValue, "--output", output]
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `word` as one shell word: as it is when it is plain, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "-_./:=@+,".unicodeScalars.contains(scalar))
            }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
