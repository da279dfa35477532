import Foundation
import SCIMKit
import SCIMReconCore
import Testing

/// The CSV reports read back through a standard parser (Python's `csv` module) cell for cell.
@Suite struct CSVReportTests {
    /// Parses CSV bytes with Python's `csv` module and returns the rows.
    func pythonRows(_ bytes: [UInt8]) throws -> [[String]] {
        let script = """
            import csv, io, json, sys
            text = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline='')
            print(json.dumps(list(csv.reader(text))))
            """
        let result = try ExternalTool.run(ExternalTool.python3!, ["-c", script], stdin: bytes)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String]] ?? []
    }

    /// What a cell holds after neutralisation: a `'` before a formula starter.
    func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first, CSVCell.needsNeutralising(firstByte: first) else { return text }
        return "'" + text
    }

    @Test(.enabled(if: ExternalTool.python3 != nil, "python3 not installed"))
    func eventReportRoundTripsThroughPythonsCSVModule() throws {
        let rows = try pythonRows(try ReportFixtures.eventReport(.csv))
        #expect(rows.first == CSVEventReportWriter.columns)
        let expected = ReportFixtures.events.map { event in
            [
                event.time.rfc3339, event.app, event.user ?? "", event.userID ?? "", event.externalID ?? "",
                event.action.rawValue, event.status.rawValue, event.reason ?? "",
                CSVEventReportWriter.changesText(event.changes), String(event.run), event.source,
            ].map(neutralised)
        }
        #expect(Array(rows.dropFirst()) == expected)
    }

    @Test(.enabled(if: ExternalTool.python3 != nil, "python3 not installed"))
    func recordListingRoundTripsThroughPythonsCSVModule() throws {
        let rows = try pythonRows(try ReportFixtures.recordReport(.csv))
        #expect(rows.first == RecordTable.users.csvColumns)
        let expected = ReportFixtures.users.map { user in
            RecordTable.users.csvColumns.map { neutralised(CSVRecordWriter.cellText(user[$0])) }
        }
        #expect(Array(rows.dropFirst()) == expected)
        #expect(rows[1][2] == "'=HYPERLINK(\"http://x\")")
        #expect(rows[1][9] == #"["Admins","Sales, EMEA"]"#)
    }

    @Test(arguments: ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
    func neutralisesEveryFormulaStarter(cell: String) {
        var bytes: [UInt8] = []
        CSVCell.append(cell, to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("'") || text.hasPrefix("\"'"))
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("l1\nl2", "\"l1\nl2\""),
        ("", ""), ("Zoë 東京", "Zoë 東京"), ("=a,b", "\"'=a,b\""), ("x=1", "x=1"),
    ])
    func quotesOnlyWhenNeeded(cell: String, expected: String) {
        var bytes: [UInt8] = []
        CSVCell.append(cell, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func changesCellShowsAbsentAndEmptyValuesDistinctly() {
        let text = CSVEventReportWriter.changesText([
            AttributeChange(attribute: "email", old: "old@x", new: "new@y"),
            AttributeChange(attribute: "title", old: nil, new: ""),
        ])
        #expect(text == "email: old@x → new@y; title: ∅ → \"\"")
    }

    @Test func rowsEndInCRLF() throws {
        let text = String(decoding: try ReportFixtures.eventReport(.csv), as: UTF8.self)
        #expect(text.hasPrefix("time,app,user,userId,externalId,action,status,reason,changes,run,source\r\n"))
        #expect(text.hasSuffix("okta-bulk.json#3\r\n"))
    }
}
