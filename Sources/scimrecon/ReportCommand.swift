import ArgumentParser
import SCIMReconCore

/// `scimrecon report`: the provisioning history, filtered, as JSON, JSONL, CSV or XML.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a provisioning report from the history (json, jsonl, csv, xml or html).",
        discussion: HelpText.discussion(
            "scimrecon report --user alice@contoso.com --app 'Azure AD' --since 7d --format csv",
            "scimrecon report --status failure --run 12 --output failures.html"))

    @Option(help: "The store: a SQLite file path or a postgres:// URL.") var store: String?
    @Option(help: "End-user identifier: userName, email, externalId or SCIM id; * is a wildcard. Repeatable.")
    var user: [String] = []
    @Option(help: "Application name. Repeatable.") var app: [String] = []
    @Option(help: "From (inclusive): RFC 3339, a date (2026-11-01), or relative (90m, 24h, 7d).") var since: String?
    @Option(help: "Until (exclusive): RFC 3339, a date, or relative.") var until: String?
    @Option(help: "Action (create, update, enable, disable, delete, group-…, member-…). Repeatable.")
    var action: [String] = []
    @Option(help: "Status (success, skipped, failure). Repeatable.") var status: [String] = []
    @Option(name: .customLong("run"), help: "Run id. Repeatable.") var runs: [Int64] = []
    @Option(help: "json, jsonl, csv, xml or html (default: from the --output file's extension, else json).")
    var format: String?
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    func run() throws {
        let now = Clock.now()
        let reportFormat = try OutputFormat.resolve(format, output: output)
        let filter = try ReportOptions.filter(
            users: user, apps: app, since: since, until: until, actions: action, statuses: status, runs: runs, now: now)
        let queries = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        var totals = ReportTotals()
        try ReportOptions.withOutput(output) { sink in
            if reportFormat == .csv, let rows = queries as? any EventRowSource {
                totals = try Self.writeCSVRows(
                    store: rows, filter: filter, sink: sink, generatedAt: now,
                    byteOrderMark: output != nil && output != "-")
                return
            }
            totals = try ReportOptions.writeEvents(
                store: queries, filter: filter, format: reportFormat, sink: sink, generatedAt: now,
                byteOrderMark: output != nil && output != "-")
        }
        Diagnostics.info(
            "scimrecon: \(totals.summary) for \(filter.summary)\(output.map { ", written to \($0)" } ?? "")")
        if totals.count == 0 {
            for reason in try EmptyResultExplanation.explain(filter, in: queries) {
                Diagnostics.info("scimrecon: \(reason)")
            }
        }
    }
}

/// `--format` for reports and listings.
enum OutputFormat {
    /// `--format` as given, else the `--output` file's extension when it names a format, else json.
    static func resolve(_ text: String?, output: String?) throws -> ReportFormat {
        if let text { return try parse(text) }
        if let output, let dot = output.lastIndex(of: "."),
            let format = ReportFormat(rawValue: output[output.index(after: dot)...].lowercased())
        {
            return format
        }
        return .json
    }

    static func parse(_ text: String) throws -> ReportFormat {
        guard let format = ReportFormat(rawValue: text.lowercased()) else {
            throw UsageError(message: "--format: unknown format '\(text)'; accepted: json, jsonl, csv, xml, html")
        }
        return format
    }
}

extension ReportCommand {
    /// The CSV report straight from the store's rows when the store can hand them over (SQLite):
    /// the same bytes as `ReportOptions.writeEvents`, without an event or a `String` per row.
    static func writeCSVRows(
        store: any EventRowSource, filter: ReportFilter, sink: OutputSink, generatedAt: Timestamp, byteOrderMark: Bool
    ) throws -> ReportTotals {
        let writer = CSVEventReportWriter(sink: sink, byteOrderMark: byteOrderMark)
        return try store.reading {
            var totals = ReportTotals()
            let count = try store.countEvents(filter)
            try writer.begin(ReportHeader(generatedAt: generatedAt, filter: filter, count: count))
            try store.forEachEventRow(filter) { row in
                totals.add(action: row.action, status: row.status)
                try writer.write(row: row)
            }
            try writer.finish()
            return totals
        }
    }
}
