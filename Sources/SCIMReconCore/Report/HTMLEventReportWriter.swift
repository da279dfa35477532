/// The `html` provisioning report: one self-contained page (SPEC §6) with the filters, the
/// totals by action × status and by day, a chart of events over time, the failures and skips
/// grouped by reason code, and the events table (the first `rowLimit` rows, then the count of
/// the rest).
///
/// One pass: each event goes into the table as it arrives (the page streams like every other
/// report) and into small aggregates (per action and status, per hour, per reason code). The
/// summary built from them is written after the table and shown above it by CSS `order`, so
/// nothing is read twice and memory does not grow with the number of events.
public final class HTMLEventReportWriter: EventReportWriter {
    /// Rows shown in the events table; the rest are counted.
    public let rowLimit: Int
    /// Distinct reason codes kept; past that, further codes are counted under `other`.
    static let reasonLimit = 1000

    private let sink: OutputSink
    private let title: String
    private var declared = 0
    private var written = 0
    private var byActionStatus: [ProvisioningAction: [Int]] = [:]
    private var chart = TimeSeriesChart(series: HTMLPage.statusColors)
    private var reasons: [EventStatus: [String: (count: Int, example: String)]] = [:]
    private var began = false

    /// A writer into `sink`; `title` heads the page.
    public init(sink: OutputSink, title: String = "Provisioning report", rowLimit: Int = 10_000) {
        self.sink = sink
        self.title = title
        self.rowLimit = rowLimit
    }

    public func begin(_ header: ReportHeader) throws {
        declared = header.count
        began = true
        try sink.write(HTMLPage.opening(title: title))
        try sink.write(
            HTMLPage.header(title: title, generatedAt: header.generatedAt, filters: header.filter.echoedValues))
        try sink.write("<section class=\"rows card\"><h2>Events</h2>\n")
        try sink.write(
            "<table><tr><th>Time (UTC)</th><th>App</th><th>User</th><th>Action</th><th>Status</th>"
                + "<th>Reason</th><th>Changes</th><th class=\"n\">Run</th><th>Source</th></tr>\n")
    }

    public func write(_ event: ProvisioningEvent) throws {
        guard began else { throw ReportError.misuse("event written before begin") }
        let status = EventStatus.allCases.firstIndex(of: event.status) ?? 0
        byActionStatus[event.action, default: [0, 0, 0]][status] += 1
        chart.add(event.time, series: status)
        if event.status != .success, let reason = event.reason {
            let code = String(reason.prefix { $0 != ":" })
            var group = reasons[event.status] ?? [:]
            let key = group[code] != nil || group.count < Self.reasonLimit ? code : "other"
            group[key] = ((group[key]?.count ?? 0) + 1, group[key]?.example ?? reason)
            reasons[event.status] = group
        }
        if written < rowLimit {
            let e = HTMLPage.escape
            try sink.write(
                "<tr><td>\(e(event.time.rfc3339))</td><td>\(e(event.app))</td>"
                    + "<td>\(e(event.user ?? event.userID ?? ""))</td><td>\(e(event.action.rawValue))</td>"
                    + "<td>\(HTMLPage.badge(event.status.rawValue, class: event.status.rawValue))</td>"
                    + "<td>\(e(event.reason ?? ""))</td><td>\(e(CSVEventReportWriter.changesText(event.changes)))</td>"
                    + "<td class=\"n\">\(event.run)</td><td>\(e(event.source))</td></tr>\n")
        }
        written += 1
    }

    public func finish() throws {
        guard began else { throw ReportError.misuse("finish before begin") }
        try sink.write("</table>\n")
        if written > rowLimit {
            try sink.write(
                "<p class=\"more\">\(written - rowLimit) more events not shown (the first \(rowLimit) are); "
                    + "the CSV or JSON report holds them all.</p>\n")
        } else if written == 0 {
            try sink.write("<p class=\"more\">No events match these filters.</p>\n")
        }
        try sink.write("</section>\n")
        try sink.write(summary())
        try sink.write(HTMLPage.closing)
        try sink.flush()
        guard written == declared else { throw ReportError.countMismatch(declared: declared, written: written) }
    }

    /// The summary cards, from the aggregates.
    func summary() -> String {
        let statuses = EventStatus.allCases.map(\.rawValue)
        var html = "<section class=\"summary\">\n"
        html += "<div class=\"card wide\"><h2>Events over time (\(written))</h2>\(chart.svg())</div>\n"
        let actionRows = ProvisioningAction.allCases.compactMap { action -> [String]? in
            guard let counts = byActionStatus[action] else { return nil }
            return [HTMLPage.escape(action.rawValue)] + counts.map(String.init) + [String(counts.reduce(0, +))]
        }
        var totals = [0, 0, 0]
        for counts in byActionStatus.values { for index in counts.indices { totals[index] += counts[index] } }
        let totalRow = ["<b>total</b>"] + totals.map { "<b>\($0)</b>" } + ["<b>\(written)</b>"]
        html +=
            "<div class=\"card\"><h2>By action and status</h2>"
            + HTMLPage.table(["action"] + statuses + ["total"], actionRows + [totalRow], numeric: [1, 2, 3, 4])
            + "</div>\n"
        let dayRows = chart.days.map { day in
            [HTMLPage.escape(day.day)] + day.counts.map(String.init) + [String(day.counts.reduce(0, +))]
        }
        html +=
            "<div class=\"card\"><h2>By day</h2>"
            + HTMLPage.table(["day (UTC)"] + statuses + ["total"], dayRows, numeric: [1, 2, 3, 4]) + "</div>\n"
        for status in [EventStatus.failure, .skipped] {
            let groups = (reasons[status] ?? [:]).sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            let rows = groups.map {
                [HTMLPage.escape($0.key), String($0.value.count), HTMLPage.escape($0.value.example)]
            }
            let heading = status == .failure ? "Failures by reason" : "Skips by reason"
            html +=
                "<div class=\"card\"><h2>\(heading)</h2>"
                + (rows.isEmpty
                    ? "<p class=\"more\">None.</p>"
                    : HTMLPage.table(["reason code", "events", "example"], rows, numeric: [1]))
                + "</div>\n"
        }
        return html + "</section>\n"
    }
}
