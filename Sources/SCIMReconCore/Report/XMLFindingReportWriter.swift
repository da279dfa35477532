/// The `xml` crosscheck report, valid against `schemas/crosscheck-report.xsd`.
///
/// ```xml
/// <crosscheckReport generatedAt="…" count="1">
///   <filters><app>Azure AD</app><tolerance>900s</tolerance></filters>
///   <totals><total kind="provider-only" count="1"/>…</totals>
///   <finding kind="provider-only" time="…" app="Azure AD" user="erin@contoso.com" userId="f0e1…">
///     <message>the provider says it disabled erin@contoso.com; …</message>
///     <claim id="…" action="disable" status="success" source="page-2.json:297"/>
///   </finding>
/// </crosscheckReport>
/// ```
/// Absent values are absent attributes; `<claim>` and `<event>` appear when that side exists.
public final class XMLFindingReportWriter: FindingReportWriter {
    private let sink: OutputSink
    private var xml: XMLStreamWriter?
    private var declared = 0
    private var written = 0

    public init(sink: OutputSink) { self.sink = sink }

    public func begin(_ header: FindingReportHeader) throws {
        let xml = try XMLStreamWriter(sink: sink)
        self.xml = xml
        let announced = try announcedTotals(header)
        declared = announced.findings
        try xml.startElement("crosscheckReport")
        try xml.attribute("generatedAt", header.generatedAt.rfc3339)
        try xml.attribute("count", String(declared))
        try xml.startElement("filters")
        for (name, value) in header.filter.echoedValues { try xml.element(name, text: value) }
        try xml.endElement()
        try xml.startElement("totals")
        for kind in CrosscheckFinding.Kind.allCases {
            try xml.startElement("total")
            try xml.attribute("kind", kind.rawValue)
            try xml.attribute("count", String(announced[kind]))
            try xml.endElement()
        }
        try xml.endElement()
    }

    public func write(_ finding: CrosscheckFinding) throws {
        guard let xml else { throw ReportError.misuse("finding written before begin") }
        try xml.startElement("finding")
        try xml.attribute("kind", finding.kind.rawValue)
        try xml.attribute("time", finding.time.rfc3339)
        try xml.attribute("app", finding.app)
        try xml.attribute("user", finding.user)
        try xml.attribute("userId", finding.userID)
        try xml.attribute("attribute", finding.attribute)
        try xml.attribute("providerValue", finding.providerValue)
        try xml.attribute("storedValue", finding.storedValue)
        try xml.attribute("errorCode", finding.errorCode)
        try xml.element("message", text: finding.message)
        if let claim = finding.claim {
            try xml.startElement("claim")
            try xml.attribute("id", claim.id)
            try xml.attribute("time", claim.time.rfc3339)
            try xml.attribute("action", claim.action.rawValue)
            try xml.attribute("status", claim.status.rawValue)
            try xml.attribute("targetId", claim.targetID)
            try xml.attribute("errorCode", claim.errorCode)
            try xml.attribute("errorReason", claim.errorReason)
            try xml.attribute("source", claim.source)
            try xml.endElement()
        }
        if let event = finding.event {
            try xml.startElement("event")
            try xml.attribute("time", event.time.rfc3339)
            try xml.attribute("run", String(event.run))
            try xml.attribute("action", event.action.rawValue)
            try xml.attribute("status", event.status.rawValue)
            try xml.attribute("reason", event.reason)
            try xml.attribute("source", event.source)
            try xml.endElement()
        }
        try xml.endElement()
        written += 1
    }

    public func finish(_ totals: CrosscheckTotals) throws {
        guard let xml else { throw ReportError.misuse("finish before begin") }
        try xml.finish()
        self.xml = nil
        guard written == declared else { throw ReportError.countMismatch(declared: declared, written: written) }
    }
}
