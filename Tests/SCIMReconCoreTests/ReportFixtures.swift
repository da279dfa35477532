import Foundation
import SCIMKit
import SCIMReconCore
import Testing

/// Events and records with every value a report must survive: quotes, commas, newlines,
/// formula starters, tab, CR, non-ASCII, a C0 control and U+FFFF.
enum ReportFixtures {
    static let generatedAt = Timestamp(rfc3339: "2026-11-28T06:00:00Z")!

    static let filter = ReportFilter(
        users: ["alice*", "*@contoso.com"], apps: ["Azure AD"],
        since: Timestamp(rfc3339: "2026-11-01T00:00:00+01:00"), until: Timestamp(date: "2026-12-01"),
        actions: [.create, .update], statuses: [.success, .failure], runs: [7])

    static func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    static let events: [ProvisioningEvent] = [
        ProvisioningEvent(
            time: time("2026-11-28T02:00:01.123Z"), run: 7, app: "Azure AD", user: "alice@contoso.com",
            userID: "2819c223", externalID: "a1", action: .create, status: .success,
            changes: [
                AttributeChange(attribute: "email", old: nil, new: "alice@contoso.com"),
                AttributeChange(attribute: "displayName", old: nil, new: "Alice \"Al\" Smith, Jr."),
            ], source: "entra.jsonl:1"),
        ProvisioningEvent(
            time: time("2026-11-28T02:00:02Z"), run: 7, app: "Azure AD", user: "=cmd|' /C calc'!A0",
            userID: "+33 1 23", externalID: "-42", action: .update, status: .success,
            changes: [AttributeChange(attribute: "title", old: "@SUM(A1:A2)", new: "+1 555, ext. 2")],
            source: "entra.jsonl:2"),
        ProvisioningEvent(
            time: time("2026-11-28T02:00:03Z"), run: 7, app: "HR, \"Main\"", user: "@admin",
            userID: nil, externalID: nil, action: .create, status: .failure,
            reason: "schema.missing-attribute: userName is required,\r\nsee line 2", changes: [],
            source: "in,put.csv:7"),
        ProvisioningEvent(
            time: time("2026-11-28T02:00:04Z"), run: 8, app: "Okta", user: "\tTabbed",
            userID: "\rcarriage", externalID: "Zoë Ñúñez 東京 🚀", action: .disable, status: .skipped,
            reason: "policy.deprovision-disabled: deprovision is turned off for this job",
            changes: [
                AttributeChange(attribute: "displayName", old: "bell\u{1}here\u{FFFF}", new: ""),
                AttributeChange(attribute: "active", old: "true", new: "false"),
                AttributeChange(attribute: "department", old: "", new: nil),
            ], source: "okta.jsonl:9"),
        ProvisioningEvent(
            time: time("2026-11-28T02:00:05Z"), run: 8, app: "Okta", user: nil, userID: nil,
            externalID: nil, action: .memberAdd, status: .success,
            changes: [AttributeChange(attribute: "members", old: nil, new: "line1\nline2 <&> 'q'")],
            source: "okta-bulk.json#3"),
    ]

    static let header = ReportHeader(generatedAt: generatedAt, filter: filter, count: events.count)

    static let users: [JSONObject] = [
        JSONObject([
            "app": "Azure AD", "id": "2819c223", "userName": "=HYPERLINK(\"http://x\")", "active": true,
            "email": "alice@contoso.com", "groups": ["Admins", "Sales, EMEA"],
            "scim": ["name": ["givenName": "Zoë"], "emails": [["value": "a@x", "primary": true]]],
        ]),
        JSONObject([
            "app": "Okta", "id": "u2", "userName": "bob\r\nnewline ", "active": false, "externalId": .null,
            "displayName": "-Bob \u{1}", "costCenter": .number("-12.50"), "groups": [],
        ]),
    ]

    static let userTable = RecordTable.users

    /// Runs `body` with a sink over a fresh temporary file and returns what reached the file.
    static func render(_ body: (OutputSink) throws -> Void) throws -> [UInt8] {
        let path = temporaryPath("render")
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        let sink = OutputSink(fileDescriptor: fd, path: path)
        try body(sink)
        try sink.flush()
        close(fd)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A whole event report in `format` over the fixture events.
    static func eventReport(_ format: ReportFormat, events: [ProvisioningEvent] = events) throws -> [UInt8] {
        try render { sink in
            let writer = makeEventReportWriter(format, sink: sink)
            var header = header
            header.count = events.count
            try writer.begin(header)
            for event in events { try writer.write(event) }
            try writer.finish()
        }
    }

    /// A whole record listing in `format`.
    static func recordReport(
        _ format: ReportFormat, table: RecordTable = userTable, records: [JSONObject] = users
    ) throws -> [UInt8] {
        try render { sink in
            let writer = makeRecordWriter(format, table: table, sink: sink)
            try writer.begin()
            for record in records { try writer.write(record) }
            try writer.finish()
        }
    }

    /// A fresh path under the temporary directory.
    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "scimrecon-\(name)-\(UUID().uuidString)"
    }
}

extension ReportFixtures {
    static let runs: [RunRecord] = [
        RunRecord(
            id: 7, job: "entra-nightly", app: "Azure AD", started: time("2026-11-28T02:00:00Z"),
            finished: time("2026-11-28T02:00:09.5Z"), outcome: .success,
            counts: ["create.success": 2, "update.failure": 1, "read": 3],
            inputs: ["samples/entra/2026-11-28.jsonl", "samples/hr/users, \"final\".csv"]),
        RunRecord(
            id: 8, job: "=okta", app: "Okta", started: time("2026-11-28T03:00:00Z"), finished: nil,
            outcome: .stopped, reason: "guard.max-deprovisions: the run would deprovision 1 of 0 active users",
            counts: ["disable.skipped": 1, "member-add.success": 1]),
    ]
}
