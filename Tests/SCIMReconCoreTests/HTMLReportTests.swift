import Foundation
import SCIMKit
import SCIMReconCore
import Testing

/// The HTML page and the spreadsheet CSV, without a binary: row limits, the summary's
/// aggregates, escaping, and the byte order mark.
@Suite struct HTMLReportTests {
    func page(_ events: [ProvisioningEvent], rowLimit: Int) throws -> String {
        let bytes = try ReportFixtures.render { sink in
            let writer = HTMLEventReportWriter(sink: sink, rowLimit: rowLimit)
            try writer.begin(
                ReportHeader(
                    generatedAt: ReportFixtures.generatedAt, filter: ReportFixtures.filter, count: events.count))
            for event in events { try writer.write(event) }
            try writer.finish()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func theTableShowsTheFirstRowsAndCountsTheRest() throws {
        let events = ReportFixtures.events
        let html = try page(events, rowLimit: 2)
        let rows = html.components(separatedBy: "<tr><td>").count - 1
        #expect(rows >= 2)
        let table = html.components(separatedBy: "<section class=\"summary\">")[0]
        #expect(table.components(separatedBy: "<td class=\"n\">").count - 1 == 2, "two event rows (one run cell each)")
        #expect(html.contains("\(events.count - 2) more events not shown (the first 2 are)"))
        #expect(html.contains("Events over time (\(events.count))"), "the summary still counts every event")
    }

    @Test func theSummaryComesAfterTheTableAndIsShownFirst() throws {
        let html = try page(ReportFixtures.events, rowLimit: 10_000)
        let table = try #require(html.range(of: "<section class=\"rows card\">"))
        let summary = try #require(html.range(of: "<section class=\"summary\">"))
        #expect(table.lowerBound < summary.lowerBound, "streamed: the table first")
        #expect(html.contains(".summary{order:1"), "shown above the table")
        #expect(html.contains("<svg"), "the chart")
        #expect(!html.contains("<script"))
    }

    @Test func failuresAreGroupedByReasonCode() throws {
        let time = ReportFixtures.time("2026-11-28T01:00:00Z")
        let events = (0..<3).map { index in
            ProvisioningEvent(
                time: time.adding(milliseconds: Int64(index)), run: 1, app: "A", user: "u\(index)", userID: nil,
                externalID: nil, action: .create, status: .failure,
                reason: index < 2 ? "schema.missing-attribute: userName is required" : "request.rejected: <409>",
                source: "f:\(index)")
        }
        let html = try page(events, rowLimit: 10)
        #expect(html.contains("<td>schema.missing-attribute</td><td class=\"n\">2</td>"))
        #expect(html.contains("request.rejected: &lt;409&gt;"), "escaped")
    }

    @Test func aCSVReportForAFileStartsWithAByteOrderMark() throws {
        let bytes = try ReportFixtures.render { sink in
            let writer = makeEventReportWriter(.csv, sink: sink, byteOrderMark: true)
            try writer.begin(ReportFixtures.header)
            for event in ReportFixtures.events { try writer.write(event) }
            try writer.finish()
        }
        try Golden.expectMatches(bytes, named: "events-file.csv")
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(bytes.dropFirst(3)) == (try ReportFixtures.eventReport(.csv)), "the stdout report after it")
    }
}
