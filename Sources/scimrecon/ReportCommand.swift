import ArgumentParser
import SCIMReconCore

/// `scimrecon report`: the provisioning history, filtered, as JSON, JSONL, CSV or XML.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a provisioning report from the history (json, jsonl, csv, xml or html)."
    )

    @Option(help: "The store: a SQLite file path.") var store: String?
    @Option(help: "End-user identifier: userName, email, externalId or SCIM id; * is a wildcard. Repeatable.")
    var user: [String] = []
    @Option(help: "Application name. Repeatable.") var app: [String] = []
    @Option(help: "From (inclusive): RFC 3339, a date (2026-11-01), or relative (90m, 24h, 7d).") var since: String?
    @Option(help: "Until (exclusive): RFC 3339, a date, or relative.") var until: String?
    @Option(help: "Action (create, update, enable, disable, delete, group-…, member-…). Repeatable.")
    var action: [String] = []
    @Option(help: "Status (success, skipped, failure). Repeatable.") var status: [String] = []
    @Option(name: .customLong("run"), help: "Run id. Repeatable.") var runs: [Int64] = []
    @Option(help: "json, jsonl, csv, xml or html.") var format: String = "json"
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    func run() throws {
        let now = Clock.now()
        let reportFormat = try OutputFormat.parse(format)
        let filter = try ReportOptions.filter(
            users: user, apps: app, since: since, until: until, actions: action, statuses: status, runs: runs, now: now)
        let queries = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        var count = 0
        try ReportOptions.withOutput(output) { sink in
            count = try ReportOptions.writeEvents(
                store: queries, filter: filter, format: reportFormat, sink: sink, generatedAt: now,
                byteOrderMark: output != nil && output != "-")
        }
        Diagnostics.info("scimrecon: \(count) events (\(filter.summary))\(output.map { " written to \($0)" } ?? "")")
    }
}

/// `--format` for reports and listings.
enum OutputFormat {
    static func parse(_ text: String) throws -> ReportFormat {
        guard let format = ReportFormat(rawValue: text.lowercased()) else {
            throw UsageError(message: "--format: unknown format '\(text)'; accepted: json, jsonl, csv, xml, html")
        }
        return format
    }
}
