import SCIMKit
import SCIMReconCore
import Testing

/// The CSV report written from borrowed store rows (`write(row:)`) is the report written from
/// events, byte for byte, whichever way the stored changes are read.
@Suite struct CSVRowReportTests {
    /// The changes column as a store writes it.
    static func storedChanges(_ changes: [AttributeChange]) -> [UInt8] {
        Array(
            JSONWriter.string(
                .array(
                    changes.map { change in
                        .object(
                            JSONObject([
                                .init(key: "attribute", value: .string(change.attribute)),
                                .init(key: "new", value: change.new.map(JSONValue.string) ?? .null),
                                .init(key: "old", value: change.old.map(JSONValue.string) ?? .null),
                            ]))
                    })
            ).utf8)
    }

    /// Events beyond the report fixtures: times around the epoch and far ahead, a big run number,
    /// empty strings.
    static let edgeEvents: [ProvisioningEvent] = [
        ProvisioningEvent(
            time: Timestamp(millisecondsSince1970: -1), run: 0, app: "", user: "", userID: "u", externalID: "e",
            action: .groupCreate, status: .success,
            changes: [AttributeChange(attribute: "a", old: "", new: "")], source: ""),
        ProvisioningEvent(
            time: Timestamp(millisecondsSince1970: 253_402_300_799_999), run: Int64.max, app: "A",
            user: "before after", userID: nil, externalID: nil, action: .memberRemove, status: .failure,
            reason: "x", changes: [AttributeChange(attribute: "k", old: nil, new: nil)], source: "s:1"),
        ProvisioningEvent(
            time: Timestamp(millisecondsSince1970: 1_764_547_200_010), run: 12, app: "App", user: "plain",
            userID: "1", externalID: "2", action: .update, status: .skipped,
            changes: [
                AttributeChange(attribute: "title", old: "Engineer", new: "Manager"),
                AttributeChange(attribute: "quote", old: "say \"hi\"", new: "back\\slash"),
            ], source: "log.jsonl:3"),
    ]

    /// Writes `events` through `write(row:)`, each row built the way the SQLite store builds it.
    static func rowReport(_ events: [ProvisioningEvent], byteOrderMark: Bool = false) throws -> [UInt8] {
        try ReportFixtures.render { sink in
            let writer = CSVEventReportWriter(sink: sink, byteOrderMark: byteOrderMark)
            try writer.begin(
                ReportHeader(generatedAt: ReportFixtures.generatedAt, filter: .init(), count: events.count))
            var spans: [StoredChangeSpan] = []
            for event in events {
                let json = event.changes.isEmpty ? nil : storedChanges(event.changes)
                try withText(event.app) { app in
                    try withText(event.user) { user in
                        try withText(event.userID) { userID in
                            try withText(event.externalID) { externalID in
                                try withText(event.reason) { reason in
                                    try withText(event.source) { source in
                                        try (json ?? []).withUnsafeBufferPointer { stored in
                                            let changes: EventRowChanges =
                                                json == nil
                                                ? .decoded([])
                                                : StoredChangeSpan.scan(stored, into: &spans)
                                                    ? .spans(json: stored, spans) : .decoded(event.changes)
                                            try writer.write(
                                                row: EventRow(
                                                    time: event.time.millisecondsSince1970, run: event.run, app: app,
                                                    user: user, userID: userID, externalID: externalID,
                                                    action: event.action, status: event.status, reason: reason,
                                                    changes: changes, source: source))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            try writer.finish()
        }
    }

    /// A text column's bytes as SQLite hands them over (all of them, NUL included).
    static func withText(_ text: String?, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        guard let text else { return try body(nil) }
        try Array(text.utf8).withUnsafeBufferPointer { try body($0) }
    }

    static func eventReport(_ events: [ProvisioningEvent], byteOrderMark: Bool = false) throws -> [UInt8] {
        try ReportFixtures.render { sink in
            let writer = CSVEventReportWriter(sink: sink, byteOrderMark: byteOrderMark)
            try writer.begin(
                ReportHeader(generatedAt: ReportFixtures.generatedAt, filter: .init(), count: events.count))
            for event in events { try writer.write(event) }
            try writer.finish()
        }
    }

    @Test func rowsOfTheReportFixturesMatchTheGoldenFile() throws {
        try Golden.expectMatches(try Self.rowReport(ReportFixtures.events), named: "events.csv")
    }

    @Test func rowsAtTheEdgesWriteWhatTheirEventsWrite() throws {
        let rows = try Self.rowReport(Self.edgeEvents)
        #expect(rows == (try Self.eventReport(Self.edgeEvents)))
        #expect(String(decoding: rows, as: UTF8.self).contains("1969-12-31T23:59:59.999Z"))
    }

    @Test func manyRowsCrossTheWriterBlockWithNothingLostOrReordered() throws {
        let events = (0..<3_000).map { index in
            ProvisioningEvent(
                time: Timestamp(millisecondsSince1970: 1_764_547_200_000 + Int64(index) * 7_777_777), run: Int64(index),
                app: "App", user: "user\(index)@x", userID: "u-\(index)", externalID: nil, action: .update,
                status: .success, changes: [AttributeChange(attribute: "title", old: "\(index)", new: nil)],
                source: "log:\(index)")
        }
        let rows = try Self.rowReport(events, byteOrderMark: true)
        #expect(rows == (try Self.eventReport(events, byteOrderMark: true)))
        #expect(rows.count(where: { $0 == 0x0A }) == 3_001)
    }

    @Test func aPlainChangesColumnIsReadAsSpans() {
        let json = Array(#"[{"attribute":"title","new":"B","old":null}, {"old":"", "attribute":"x","new":"y"}]"#.utf8)
        var spans: [StoredChangeSpan] = []
        let plain = json.withUnsafeBufferPointer { StoredChangeSpan.scan($0, into: &spans) }
        #expect(plain)
        func text(_ range: Range<Int>?) -> String? { range.map { String(decoding: json[$0], as: UTF8.self) } }
        #expect(
            spans.map { [text($0.attribute), text($0.old), text($0.new)] } == [["title", nil, "B"], ["x", "", "y"]])
    }

    @Test(arguments: [
        #"[{"attribute":"a\"b","old":null,"new":null}]"#, #"[{"attribute":"é","old":null,"new":null}]"#,
        #"[{"attribute":"a","old":1,"new":null}]"#, #"[{"attribute":"a","attribute":"b"}]"#, #"[{"old":"a"}]"#,
        #"[{"attribute":"a"}] x"#, #"[{"attribute":"a","other":"b"}]"#, #"{"attribute":"a"}"#, #"[{"attribute":"a""#,
    ])
    func aChangesColumnThatIsNotPlainIsLeftToTheParser(json: String) {
        var spans: [StoredChangeSpan] = []
        let bytes = Array(json.utf8)
        #expect(!bytes.withUnsafeBufferPointer { StoredChangeSpan.scan($0, into: &spans) })
    }

    @Test func anEmptyChangesListHasNoSpans() {
        var spans = [StoredChangeSpan(attribute: 0..<1, old: nil, new: nil)]
        #expect(Array(" [ ] ".utf8).withUnsafeBufferPointer { StoredChangeSpan.scan($0, into: &spans) })
        #expect(spans.isEmpty)
    }
}
