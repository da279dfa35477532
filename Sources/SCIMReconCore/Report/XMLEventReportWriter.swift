/// The `xml` provisioning report, valid against `schemas/provisioning-report.xsd`.
///
/// ```xml
/// <?xml version="1.0" encoding="UTF-8"?>
/// <provisioningReport generatedAt="2026-11-28T06:00:00.000Z" count="1">
///   <filters>
///     <user>alice*</user>
///     <since>2026-11-01T00:00:00.000Z</since>
///   </filters>
///   <event time="…" run="7" app="Azure AD" user="alice@contoso.com" userId="2819c223"
///          externalId="a1" action="update" status="success" source="entra.jsonl:12">
///     <change attribute="email" old="old@x" new="new@y"/>
///   </event>
/// </provisioningReport>
/// ```
/// Absent values are absent attributes (`old` on an added attribute, `reason` on a success).
/// `<filters>` holds one element per value asked (`user`, `app`, `since`, `until`, `action`,
/// `status`, `run`, in that order). Characters XML 1.0 cannot carry become U+FFFD (`XMLText`).
public final class XMLEventReportWriter: EventReportWriter {
    private let sink: OutputSink
    private var xml: XMLStreamWriter?
    private var declared = 0
    private var written = 0

    /// A writer into `sink`.
    public init(sink: OutputSink) {
        self.sink = sink
    }

    public func begin(_ header: ReportHeader) throws {
        let xml = try XMLStreamWriter(sink: sink)
        self.xml = xml
        declared = header.count
        try xml.startElement("provisioningReport")
        try xml.attribute("generatedAt", header.generatedAt.rfc3339)
        try xml.attribute("count", String(header.count))
        try xml.startElement("filters")
        for (name, value) in header.filter.echoedValues {
            try xml.element(name, text: value)
        }
        try xml.endElement()
    }

    public func write(_ event: ProvisioningEvent) throws {
        guard let xml else { throw ReportError.misuse("event written before begin") }
        try xml.startElement("event")
        try xml.attribute("time", event.time.rfc3339)
        try xml.attribute("run", String(event.run))
        try xml.attribute("app", event.app)
        try xml.attribute("user", event.user)
        try xml.attribute("userId", event.userID)
        try xml.attribute("externalId", event.externalID)
        try xml.attribute("action", event.action.rawValue)
        try xml.attribute("status", event.status.rawValue)
        try xml.attribute("reason", event.reason)
        try xml.attribute("source", event.source)
        for change in event.changes {
            try xml.startElement("change")
            try xml.attribute("attribute", change.attribute)
            try xml.attribute("old", change.old)
            try xml.attribute("new", change.new)
            try xml.endElement()
        }
        try xml.endElement()
        written += 1
    }

    public func finish() throws {
        guard let xml else { throw ReportError.misuse("finish before begin") }
        try xml.finish()
        self.xml = nil
        guard written == declared else { throw ReportError.countMismatch(declared: declared, written: written) }
    }
}
