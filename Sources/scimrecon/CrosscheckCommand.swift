import ArgumentParser
import SCIMReconCore

/// `scimrecon crosscheck`: where the provider's own log (`graph-logs` claims) and the store's
/// history disagree (SPEC §6.1). Exit 1 when there are findings.
struct CrosscheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crosscheck",
        abstract: "Compare the provider's provisioning log (imported as graph-logs) with the store's history.",
        discussion: """
            Findings: provider-only (the provider says it changed a user; nothing here), store-only \
            (changed here; the provider reports nothing), outcome-mismatch, attribute-drift, \
            provider-failure (by the provider's errorCode). Exit 0: they agree; 1: findings.

            Example:
              scimrecon import entra-provisioning.json --format graph-logs --app "Azure AD"
              scimrecon crosscheck --since 7d --format html --output crosscheck.html
            """)

    @Option(help: "The store: a SQLite file path or a postgres:// URL.") var store: String?
    @Option(help: "Application name. Repeatable.") var app: [String] = []
    @Option(help: "From (inclusive): RFC 3339, a date (2026-11-01), or relative (90m, 24h, 7d).") var since: String?
    @Option(help: "Until (exclusive): RFC 3339, a date, or relative.") var until: String?
    @Option(help: "How far apart a provider record and a store event may be and still be one change.")
    var tolerance: String = "15m"
    @Option(help: "json, jsonl, csv, xml or html (default: from the --output file's extension, else json).")
    var format: String?
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    func run() throws {
        let now = Clock.now()
        let reportFormat = try OutputFormat.resolve(format, output: output)
        let window = try ReportOptions.filter(
            users: [], apps: app, since: since, until: until, actions: [], statuses: [], runs: [], now: now)
        let toleranceMilliseconds: Int64
        do {
            toleranceMilliseconds = try parseDuration(tolerance)
        } catch {
            throw UsageError(message: "--tolerance: \(error)")
        }
        let opened = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        // Application names in any letter case, as the store spells them (SPEC §2).
        let spelled = AppName.resolve(app, known: try opened.applications())
        let apps = spelled.resolved + spelled.unknown
        let filter = CrosscheckFilter(
            apps: apps, since: window.since, until: window.until, toleranceMilliseconds: toleranceMilliseconds)
        guard let queries = opened as? any Crosscheck.Store else {
            throw UsageError(message: "\(opened.location): this store keeps no provider claims")
        }
        let crosscheck = Crosscheck(store: queries, filter: filter)
        var totals = CrosscheckTotals()
        try ReportOptions.withOutput(output) { sink in
            totals = try queries.reading {
                let claimApps = try queries.claimApps()
                if claimApps.isEmpty {
                    Diagnostics.info(
                        "scimrecon: the store holds no provider claims; import the provider's log first "
                            + "(scimrecon import FILE --format graph-logs --app NAME)")
                } else if let missing = apps.first(where: { name in !claimApps.contains { AppName.same($0, name) } }) {
                    Diagnostics.info(
                        "scimrecon: no provider claims for application '\(missing)'; the store has claims for: "
                            + claimApps.joined(separator: ", "))
                }
                // JSON and XML announce the count: a first pass counts. The others stream in one.
                let counted = reportFormat.announcesCount ? try crosscheck.run { _ in } : nil
                let writer = makeFindingReportWriter(
                    reportFormat, sink: sink, byteOrderMark: output != nil && output != "-")
                try writer.begin(FindingReportHeader(generatedAt: now, filter: filter, totals: counted))
                let written = try crosscheck.run { try writer.write($0) }
                try writer.finish(written)
                return written
            }
        }
        let kinds = CrosscheckFinding.Kind.allCases.map { "\($0.rawValue) \(totals[$0])" }.joined(separator: ", ")
        Diagnostics.info(
            "scimrecon: \(totals.findings) findings (\(kinds)); compared \(totals.claimsCompared) provider records "
                + "with \(totals.eventsCompared) changes in the store\(output.map { "; written to \($0)" } ?? "")")
        if totals.findings > 0 { throw CommandExit(status: .recordsFailed) }
    }
}
