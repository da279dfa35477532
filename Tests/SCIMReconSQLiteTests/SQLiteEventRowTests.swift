import Foundation
import SCIMReconCore
import SCIMReconSQLite
import SCIMReconTestSupport
import Testing

/// The CSV report from the store's borrowed rows is the report from its events, byte for byte.
@Suite struct SQLiteEventRowTests {
    let path: String

    init() throws {
        path = try Fixtures.temporaryDirectory("sqlite-rows") + "/store.sqlite"
    }

    static let events: [ProvisioningEvent] = [
        ProvisioningEvent(
            time: Timestamp(rfc3339: "2026-11-28T02:00:01.123Z")!, run: 7, app: "Azure AD", user: "alice@contoso.com",
            userID: "2819c223", externalID: "a1", action: .create, status: .success,
            changes: [
                AttributeChange(attribute: "email", old: nil, new: "alice@contoso.com"),
                AttributeChange(attribute: "displayName", old: nil, new: "Alice \"Al\" Smith, Jr."),
            ], source: "entra.jsonl:1"),
        ProvisioningEvent(
            time: Timestamp(rfc3339: "2026-11-28T02:00:02Z")!, run: 7, app: "Azure AD", user: "=cmd|' /C calc'!A0",
            userID: "+33 1 23", externalID: "-42", action: .update, status: .success,
            changes: [AttributeChange(attribute: "title", old: "@SUM(A1:A2)", new: "+1 555, ext. 2")],
            source: "entra.jsonl:2"),
        ProvisioningEvent(
            time: Timestamp(rfc3339: "2026-11-29T23:59:59.999Z")!, run: 8, app: "Okta", user: "\tZoë 東京 🚀",
            userID: nil, externalID: nil, action: .disable, status: .skipped, reason: "line 1,\r\nline 2",
            changes: [
                AttributeChange(attribute: "displayName", old: "bell\u{1}here", new: ""),
                AttributeChange(attribute: "department", old: "", new: nil),
            ], source: "okta.jsonl:9"),
        ProvisioningEvent(
            time: Timestamp(rfc3339: "2026-11-30T00:00:00Z")!, run: 9, app: "Okta", user: nil, userID: nil,
            externalID: nil, action: .memberAdd, status: .failure, changes: [], source: "okta-bulk.json#3"),
    ]

    func render(_ body: (OutputSink) throws -> Void) throws -> [UInt8] {
        let output = path + ".csv"
        let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        let sink = OutputSink(fileDescriptor: fd, path: output)
        try body(sink)
        close(fd)
        return Array(try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    func report(_ store: SQLiteStore, _ filter: ReportFilter, rows: Bool) throws -> [UInt8] {
        try render { sink in
            let writer = CSVEventReportWriter(sink: sink)
            let count = try store.countEvents(filter)
            try writer.begin(
                ReportHeader(generatedAt: Timestamp(millisecondsSince1970: 0), filter: filter, count: count))
            if rows {
                try store.forEachEventRow(filter) { try writer.write(row: $0) }
            } else {
                try store.forEachEvent(filter) { try writer.write($0) }
            }
            try writer.finish()
        }
    }

    @Test func rowsReadFromTheStoreWriteTheSameCSVAsItsEvents() throws {
        let store = try SQLiteStore(path: path, writable: true)
        try store.begin()
        for event in Self.events.reversed() { try store.appendEvent(event, email: nil) }
        try store.commit()
        let all = try report(store, ReportFilter(), rows: true)
        #expect(all == (try report(store, ReportFilter(), rows: false)))
        let rows = String(decoding: all, as: UTF8.self).split(separator: "\r\n").filter { $0.hasPrefix("2026-") }
        #expect(rows.count == Self.events.count, "one row per event (a reason holds a quoted CRLF)")
        let filtered = ReportFilter(users: ["*@contoso.com", "zoë*"], apps: ["okta", "Azure AD"])
        #expect(try report(store, filtered, rows: true) == (try report(store, filtered, rows: false)))
        #expect(try report(store, ReportFilter(statuses: [.failure]), rows: true).count > 0)
    }

    @Test func aReportForIndexedUsersListsTheirEventsInTimeOrder() throws {
        let store = try SQLiteStore(path: path, writable: true)
        try store.begin()
        for event in Self.events.reversed() { try store.appendEvent(event, email: nil) }
        try store.commit()
        let filter = ReportFilter(
            users: ["alice@*", "=CMD*", "nobody"], since: Timestamp(rfc3339: "2026-11-01T00:00:00Z"))
        var times: [Int64] = []
        try store.forEachEventRow(filter) { times.append($0.time) }
        #expect(times.count == 2)
        #expect(times == times.sorted(), "the user indexes' rows are sorted by time")
        #expect(try report(store, filter, rows: true) == (try report(store, filter, rows: false)))
    }
}
