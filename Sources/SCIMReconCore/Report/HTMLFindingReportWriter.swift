/// The `html` crosscheck report: one self-contained page with the filters, the totals by kind
/// and by day, a chart of findings over time by kind, the provider's failures grouped by error
/// code, and the findings table (the first `rowLimit`, then the count of the rest).
///
/// Like the provisioning page, it streams the table and writes the summary after it (shown
/// above by CSS `order`) from aggregates that stay small.
public final class HTMLFindingReportWriter: FindingReportWriter {
    /// The chart's colours, one per kind.
    public static let kindColors: [(name: String, color: String)] = [
        ("provider-only", "#6a1b9a"), ("store-only", "#1565c0"), ("outcome-mismatch", "#ef6c00"),
        ("attribute-drift", "#00897b"), ("provider-failure", "#c62828"),
    ]

    public let rowLimit: Int
    private let sink: OutputSink
    private var header: FindingReportHeader?
    private var written = 0
    private var chart = TimeSeriesChart(series: HTMLFindingReportWriter.kindColors)
    private var errorCodes: [String: (count: Int, example: String)] = [:]

    public init(sink: OutputSink, rowLimit: Int = 10_000) {
        self.sink = sink
        self.rowLimit = rowLimit
    }

    public func begin(_ header: FindingReportHeader) throws {
        self.header = header
        let title = "Crosscheck: the provider's log against the store"
        try sink.write(HTMLPage.opening(title: title))
        try sink.write(
            HTMLPage.header(title: title, generatedAt: header.generatedAt, filters: header.filter.echoedValues))
        try sink.write("<section class=\"rows card\"><h2>Findings</h2>\n")
        try sink.write(
            "<table><tr><th>Time (UTC)</th><th>Kind</th><th>App</th><th>User</th><th>What</th>"
                + "<th>Provider's record</th><th>Store's event</th></tr>\n")
    }

    public func write(_ finding: CrosscheckFinding) throws {
        guard header != nil else { throw ReportError.misuse("finding written before begin") }
        let kindIndex = CrosscheckFinding.Kind.allCases.firstIndex(of: finding.kind) ?? 0
        chart.add(finding.time, series: kindIndex)
        if finding.kind == .providerFailure {
            let code = finding.errorCode ?? "unknown"
            if errorCodes[code] != nil || errorCodes.count < 1000 {
                errorCodes[code] = ((errorCodes[code]?.count ?? 0) + 1, errorCodes[code]?.example ?? finding.message)
            }
        }
        if written < rowLimit {
            let e = HTMLPage.escape
            let claim = finding.claim.map { "\(e($0.action.rawValue)) \(e($0.status.rawValue))<br>\(e($0.source))" }
            let event = finding.event.map { "\(e($0.action.rawValue)) \(e($0.status.rawValue))<br>\(e($0.source))" }
            try sink.write(
                "<tr><td>\(e(finding.time.rfc3339))</td><td>\(HTMLPage.badge(finding.kind.rawValue, class: finding.kind.rawValue))</td>"
                    + "<td>\(e(finding.app))</td><td>\(e(finding.user ?? finding.userID ?? ""))</td>"
                    + "<td>\(e(finding.message))</td><td>\(claim ?? "")</td><td>\(event ?? "")</td></tr>\n")
        }
        written += 1
    }

    public func finish(_ totals: CrosscheckTotals) throws {
        guard let header else { throw ReportError.misuse("finish before begin") }
        try sink.write("</table>\n")
        if written > rowLimit {
            try sink.write(
                "<p class=\"more\">\(written - rowLimit) more findings not shown (the first \(rowLimit) are); "
                    + "the CSV or JSON report holds them all.</p>\n")
        } else if written == 0 {
            try sink.write("<p class=\"more\">No findings: the provider's log and the store agree.</p>\n")
        }
        try sink.write("</section>\n<section class=\"summary\">\n")
        try sink.write("<div class=\"card wide\"><h2>Findings over time (\(written))</h2>\(chart.svg())</div>\n")
        let kindRows = CrosscheckFinding.Kind.allCases.map { kind in
            [HTMLPage.badge(kind.rawValue, class: kind.rawValue), String(totals[kind])]
        }
        try sink.write(
            "<div class=\"card\"><h2>By kind</h2>"
                + HTMLPage.table(
                    ["kind", "findings"], kindRows + [["<b>total</b>", "<b>\(written)</b>"]], numeric: [1])
                + "<p class=\"more\">compared \(totals.claimsCompared) provider records and "
                + "\(totals.eventsCompared) changes in the store</p></div>\n")
        let dayRows = chart.days.map { day in
            [HTMLPage.escape(day.day)] + day.counts.map(String.init) + [String(day.counts.reduce(0, +))]
        }
        try sink.write(
            "<div class=\"card\"><h2>By day</h2>"
                + HTMLPage.table(
                    ["day (UTC)"] + CrosscheckFinding.Kind.allCases.map(\.rawValue) + ["total"], dayRows,
                    numeric: [1, 2, 3, 4, 5, 6]) + "</div>\n")
        let codeRows = errorCodes.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map {
            [HTMLPage.escape($0.key), String($0.value.count), HTMLPage.escape($0.value.example)]
        }
        try sink.write(
            "<div class=\"card\"><h2>Provider failures by error code</h2>"
                + (codeRows.isEmpty
                    ? "<p class=\"more\">None.</p>"
                    : HTMLPage.table(["error code", "findings", "example"], codeRows, numeric: [1])) + "</div>\n")
        try sink.write("</section>\n" + HTMLPage.closing)
        try sink.flush()
        try checkAnnounced(header, written: written)
    }
}
