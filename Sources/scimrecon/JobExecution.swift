import Foundation
import SCIMKit
import SCIMReconCore

/// Runs reconciliation for `run`, `plan` and `import`: open the store, execute, say what
/// happened on stderr, write the job's reports, and end with the status the outcome calls for.
struct JobExecution {
    var settings: ReconcileSettings
    var inputs: [ResolvedInput]
    var options: RunOptions
    var storeLocation: String
    var reports: [JobReport] = []
    var keepHistoryMilliseconds: Int64?
    /// Print each planned event on stdout (`plan`, `--dry-run`).
    var printPlan = false
    /// The status line on a terminal; it draws nothing until `activate`.
    let statusLine = ProgressDisplay()

    func execute() throws {
        let store = try StoreAccess.openForRun(storeLocation, dryRun: options.dryRun, app: settings.app)
        let engine = RunEngine(store: store, settings: settings, options: options)
        let planSink = printPlan ? OutputSink.standardOutput() : nil
        if let planSink {
            engine.observer = { event in
                try? planSink.write(PlanLine.text(for: event))
            }
        }
        // Only on a terminal, and not over plan lines printed on the same terminal.
        if isatty(2) == 1, !(printPlan && isatty(1) == 1) {
            statusLine.activate(inputs: inputs.count)
            engine.phase = { [statusLine] in statusLine.enter($0) }
            engine.progress = { [statusLine] in statusLine.update($0) }
        }
        var pending: [PendingReport] = []
        engine.beforeCommit = { run in
            pending = try writeReports(store: store, run: run)
        }
        let result: RunResult
        do {
            defer { statusLine.clear() }
            result = try engine.execute(inputs)
        } catch {
            for report in pending { report.file.abandon() }
            throw error
        }
        try planSink?.flush()
        try commitReports(pending, run: result.run)
        for warning in result.warnings { Diagnostics.warning(warning) }
        let label = options.dryRun ? "dry run" : "run \(result.run.id)"
        let identity = "\(label) (\(settings.job), \(result.run.app))"
        switch result.run.outcome {
        case .stopped, .aborted:
            // Nothing was applied: the counts are what the run would have done.
            Diagnostics.info("scimrecon: \(identity) applied nothing; it would have: \(result.tally.summary)")
        default:
            Diagnostics.info("scimrecon: \(identity): \(result.tally.summary)")
        }
        switch result.run.outcome {
        case .stopped:
            Diagnostics.error("\(result.reason ?? "a safety guard stopped the run"); nothing was applied")
            let planned = result.tally.deprovisions
            if !result.withheld.isEmpty {
                let recorded =
                    result.withheld.count == planned
                    ? "all \(planned) recorded as skipped"
                    : "the first \(result.withheld.count) recorded as skipped (`scimrecon plan` lists all \(planned))"
                let where_ =
                    options.dryRun ? "" : " (review: `scimrecon report --status skipped --run \(result.run.id)`)"
                Diagnostics.info(
                    "scimrecon: \(planned) deprovisions withheld, \(recorded)\(where_); rerun with --force to apply")
            }
            throw CommandExit(status: .guardStopped)
        case .aborted:
            Diagnostics.error("\(result.reason ?? "a record failed"): on_error is abort; nothing was applied")
            throw CommandExit(status: .inputFailed)
        default:
            break
        }
        if result.tally.failures > 0 {
            Diagnostics.warning(
                "\(result.tally.failures) records failed; see `scimrecon report --status failure --run \(result.run.id)`"
            )
            throw CommandExit(status: .recordsFailed)
        }
    }

    /// A job report written into its temporary file, waiting for the run's commit.
    struct PendingReport {
        var file: AtomicFile
        var path: String
        var format: ReportFormat
        var filter: ReportFilter
        var written: ReportTotals
    }

    /// Prunes history past `keep_history`, then writes the job's `reports:` entries into
    /// temporary files; they are renamed into place only once the run has committed.
    func writeReports(store: any ProvisioningStore & StoreQueries, run: RunRecord) throws -> [PendingReport] {
        if let keep = keepHistoryMilliseconds {
            let pruned = try store.pruneEvents(before: options.now.adding(milliseconds: -keep))
            if pruned > 0 {
                statusLine.interrupt { Diagnostics.info("scimrecon: pruned \(pruned) events older than keep_history") }
            }
            // The provider's claims are history too: they go at the same age.
            if let claims = store as? any ClaimStore,
                case let prunedClaims = try claims.pruneClaims(before: options.now.adding(milliseconds: -keep)),
                prunedClaims > 0
            {
                statusLine.interrupt {
                    Diagnostics.info("scimrecon: pruned \(prunedClaims) provider claims older than keep_history")
                }
            }
        }
        var files: [PendingReport] = []
        do {
            for report in reports {
                let filter: ReportFilter
                do {
                    filter = try report.filter(run: run.id, app: run.app, now: options.now)
                } catch {
                    throw UsageError(message: "\(settings.job): reports (line \(report.line)): \(error)")
                }
                let path = report.outputPath(
                    name: settings.job, app: run.app, date: options.now.dateString, run: run.id)
                let file = try ReportOptions.openAtomic(path)
                let totals = try ReportOptions.writeEvents(
                    store: store, filter: filter, format: report.format, sink: file.sink, generatedAt: options.now,
                    byteOrderMark: true)
                files.append(
                    PendingReport(file: file, path: path, format: report.format, filter: filter, written: totals))
                try file.sink.flush()
            }
        } catch {
            for written in files { written.file.abandon() }
            throw error
        }
        return files
    }

    /// Renames the reports into place after the commit. A report that cannot be renamed leaves
    /// the run applied: that is its own outcome (exit 73, not 74's "nothing applied"), and every
    /// report not written is named with the command that regenerates exactly it.
    func commitReports(_ pending: [PendingReport], run: RunRecord) throws {
        let failPoints = FailPointCounter(options.failPoint)
        for (index, report) in pending.enumerated() {
            do {
                try failPoints.reach(.reports)
                try report.file.commit()
            } catch let error as CustomStringConvertible {
                for unwritten in pending[index...] { unwritten.file.abandon() }
                Diagnostics.error(
                    "\(error.description); run \(run.id) was applied, but \(pending.count - index) of its reports "
                        + "were not written; regenerate them with:")
                for unwritten in pending[index...] {
                    Diagnostics.info(
                        "  "
                            + ReportOptions.regenerateCommand(
                                store: StoreAccess.masked(storeLocation), filter: unwritten.filter,
                                format: unwritten.format,
                                output: unwritten.path))
                }
                throw CommandExit(status: .reportNotWritten)
            }
            Diagnostics.info("scimrecon: wrote \(report.path): \(report.written.summary)")
        }
    }
}

/// One line of `plan` output: what would happen to whom, and why.
enum PlanLine {
    static func text(for event: ProvisioningEvent) -> String {
        var line = "\(event.status == .success ? "" : "\(event.status.rawValue) ")\(event.action.rawValue)"
        line += "\t\(event.app)\t\(event.user ?? event.userID ?? "-")"
        if !event.changes.isEmpty {
            line +=
                "\t"
                + event.changes.map { "\($0.attribute): \($0.old ?? "∅") → \($0.new ?? "∅")" }
                .joined(separator: "; ")
        }
        if let reason = event.reason { line += "\t(\(reason))" }
        return line + "\t[\(event.source)]\n"
    }
}
