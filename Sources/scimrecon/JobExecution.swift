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

    func execute() throws {
        let store = try StoreAccess.open(storeLocation, writable: true)
        let engine = RunEngine(store: store, settings: settings, options: options)
        let planSink = printPlan ? OutputSink.standardOutput() : nil
        if let planSink {
            engine.observer = { event in
                try? planSink.write(PlanLine.text(for: event))
            }
        }
        var bar: ProgressBar?
        if Diagnostics.isTerminal {
            bar = ProgressBar()
            engine.progress = { done, total in bar?.update(done: done, total: total) }
        }
        var pending: [(file: AtomicFile, path: String)] = []
        engine.beforeCommit = { run in
            pending = try writeReports(store: store, run: run)
        }
        let result: RunResult
        do {
            result = try engine.execute(inputs)
        } catch {
            for report in pending { report.file.abandon() }
            throw error
        }
        bar?.clear()
        try planSink?.flush()
        let failPoints = FailPointCounter(options.failPoint)
        for (index, report) in pending.enumerated() {
            do {
                try failPoints.reach(.reports)
                try report.file.commit()
            } catch let error as CustomStringConvertible {
                // The run is committed; only the rename failed. A later run does not rewrite this
                // report (its own reports cover its own window); the hint regenerates it.
                for unwritten in pending[index...] { unwritten.file.abandon() }
                Diagnostics.error(
                    "\(error.description); run \(result.run.id) was applied, its report was not written "
                        + "(regenerate it with `scimrecon report --run \(result.run.id) --output \(report.path)`)")
                throw CommandExit(status: .outputFailed)
            }
            Diagnostics.info("scimrecon: wrote \(report.path)")
        }
        for warning in result.warnings { Diagnostics.warning(warning) }
        let label = options.dryRun ? "dry run" : "run \(result.run.id)"
        Diagnostics.info("scimrecon: \(label) (\(settings.job), \(settings.app)): \(result.tally.summary)")
        switch result.run.outcome {
        case .stopped:
            Diagnostics.error("\(result.reason ?? "a safety guard stopped the run"); nothing was applied")
            if !result.withheld.isEmpty {
                Diagnostics.info(
                    "scimrecon: \(result.withheld.count) deprovisions withheld and recorded as skipped; "
                        + "review them with `scimrecon report --status skipped --run \(result.run.id)`, "
                        + "then rerun with --force to apply")
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

    /// Prunes history past `keep_history`, then writes the job's `reports:` entries into
    /// temporary files; they are renamed into place only once the run has committed.
    func writeReports(store: any ProvisioningStore & StoreQueries, run: RunRecord) throws -> [(
        file: AtomicFile, path: String
    )] {
        if let keep = keepHistoryMilliseconds {
            let pruned = try store.pruneEvents(before: options.now.adding(milliseconds: -keep))
            if pruned > 0 { Diagnostics.info("scimrecon: pruned \(pruned) events older than keep_history") }
            // The provider's claims are history too: they go at the same age.
            if let claims = store as? any ClaimStore,
                case let prunedClaims = try claims.pruneClaims(before: options.now.adding(milliseconds: -keep)),
                prunedClaims > 0
            {
                Diagnostics.info("scimrecon: pruned \(prunedClaims) provider claims older than keep_history")
            }
        }
        var files: [(file: AtomicFile, path: String)] = []
        do {
            for report in reports {
                let filter = try ReportOptions.filter(
                    users: report.users, apps: [], since: report.since, until: report.until, actions: report.actions,
                    statuses: report.statuses, runs: [], now: options.now)
                guard let format = ReportFormat(rawValue: report.format) else {
                    throw UsageError(
                        message:
                            "\(settings.job): report format '\(report.format)' is not json, jsonl, csv, xml or html")
                }
                let path = report.outputPath(
                    name: settings.job, app: settings.app, date: options.now.dateString, run: run.id)
                let file = try ReportOptions.openAtomic(path)
                files.append((file, path))
                try ReportOptions.writeEvents(
                    store: store, filter: filter, format: format, sink: file.sink, generatedAt: options.now,
                    byteOrderMark: true)
                try file.sink.flush()
            }
        } catch {
            for written in files { written.file.abandon() }
            throw error
        }
        return files
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

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar {
    private var lastPercent = -1

    func update(done: Int64, total: Int64) {
        guard total > 0 else { return }
        let percent = Int(min(100, done * 100 / total))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = width * percent / 100
        Diagnostics.write(
            "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                + "] \(percent)%")
    }

    func clear() {
        guard lastPercent >= 0 else { return }
        Diagnostics.write("\r" + String(repeating: " ", count: 40) + "\r")
    }
}
