import Foundation
import SCIMKit
import SCIMReconCore
import Testing

/// The XML reports validate against the shipped schemas and carry every value back out.
@Suite struct XMLReportTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../schemas").standardized.path

    /// Writes `bytes` to a file and runs `xmllint --noout --schema`.
    func validate(_ bytes: [UInt8], schema: String) throws -> (status: Int32, stderr: String) {
        let path = ReportFixtures.temporaryPath("report") + ".xml"
        defer { unlink(path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try ExternalTool.run(
            ExternalTool.xmllint!, ["--noout", "--schema", "\(Self.schemas)/\(schema)", path])
        return (result.status, result.stderr)
    }

    @Test(.enabled(if: ExternalTool.xmllint != nil, "xmllint not installed (apt-get install libxml2-utils)"))
    func eventReportsValidateAgainstTheShippedSchema() throws {
        for events in [ReportFixtures.events, [], Array(ReportFixtures.events.prefix(1))] {
            let result = try validate(
                try ReportFixtures.eventReport(.xml, events: events), schema: "provisioning-report.xsd")
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test(.enabled(if: ExternalTool.xmllint != nil, "xmllint not installed (apt-get install libxml2-utils)"))
    func reportWithoutFiltersValidates() throws {
        let bytes = try ReportFixtures.render { sink in
            let writer = makeEventReportWriter(.xml, sink: sink)
            try writer.begin(ReportHeader(generatedAt: ReportFixtures.generatedAt, filter: ReportFilter(), count: 0))
            try writer.finish()
        }
        #expect(String(decoding: bytes, as: UTF8.self).contains("<filters/>"))
        let result = try validate(bytes, schema: "provisioning-report.xsd")
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(.enabled(if: ExternalTool.xmllint != nil, "xmllint not installed (apt-get install libxml2-utils)"))
    func schemaRejectsAnUnknownAction() throws {
        var bytes = try ReportFixtures.eventReport(.xml)
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: #"action="create""#, with: #"action="explode""#)
        bytes = Array(text.utf8)
        let result = try validate(bytes, schema: "provisioning-report.xsd")
        #expect(result.status != 0)
    }

    @Test(
        .enabled(if: ExternalTool.xmllint != nil, "xmllint not installed (apt-get install libxml2-utils)"),
        arguments: ["users", "groups", "runs"])
    func recordListingsValidateAgainstTheShippedSchema(table: String) throws {
        let (layout, records): (RecordTable, [JSONObject]) =
            switch table {
            case "users": (.users, ReportFixtures.users)
            case "groups":
                (
                    .groups,
                    [JSONObject(["app": "Okta", "id": "g1", "displayName": "Sales", "members": ["a", "b\u{2}"]])]
                )
            default: (.runs, ReportFixtures.runs.map(\.record))
            }
        for rows in [records, []] {
            let bytes = try ReportFixtures.recordReport(.xml, table: layout, records: rows)
            let result = try validate(bytes, schema: "records.xsd")
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test(.enabled(if: ExternalTool.python3 != nil, "python3 not installed"))
    func xmlParserReadsBackEveryValueWithIllegalCharactersReplaced() throws {
        let path = ReportFixtures.temporaryPath("report") + ".xml"
        defer { unlink(path) }
        try Data(try ReportFixtures.eventReport(.xml)).write(to: URL(fileURLWithPath: path))
        let script = """
            import json, sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            print(json.dumps([[e.attrib, [c.attrib for c in e]] for e in root.iter('event')]))
            """
        let result = try ExternalTool.run(ExternalTool.python3!, ["-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[Any]] ?? []
        #expect(parsed.count == ReportFixtures.events.count)
        for (event, entry) in zip(ReportFixtures.events, parsed) {
            let attributes = entry[0] as? [String: String] ?? [:]
            let clean = { (value: String?) in value.map(XMLText.sanitized) }
            #expect(attributes["user"] == clean(event.user))
            #expect(attributes["userId"] == clean(event.userID))
            #expect(attributes["externalId"] == clean(event.externalID))
            #expect(attributes["reason"] == clean(event.reason))
            #expect(attributes["app"] == event.app)
            #expect(attributes["time"] == event.time.rfc3339)
            let changes = entry[1] as? [[String: String]] ?? []
            #expect(changes.map { $0["attribute"] } == event.changes.map(\.attribute))
            #expect(changes.map { $0["old"] } == event.changes.map { clean($0.old) })
            #expect(changes.map { $0["new"] } == event.changes.map { clean($0.new) })
        }
    }

    @Test(arguments: [
        ("plain", "plain"), ("bell\u{1}", "bell\u{FFFD}"),
        ("\u{0}\u{8}\u{B}\u{C}\u{1F}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
        ("tab\tlf\ncr\r", "tab\tlf\ncr\r"), ("\u{FFFE}\u{FFFF}", "\u{FFFD}\u{FFFD}"),
        ("é東🚀\u{7F}\u{85}", "é東🚀\u{7F}\u{85}"),
    ])
    func replacesOnlyCharactersXMLCannotCarry(input: String, expected: String) {
        #expect(XMLText.sanitized(input) == expected)
    }
}
