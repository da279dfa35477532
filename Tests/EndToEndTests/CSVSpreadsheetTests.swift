import Foundation
import SCIMReconTestSupport
import Testing

/// CSV reports people open in a spreadsheet: a file starts with a UTF-8 byte order mark (Excel
/// reads it as UTF-8 only then), stdout does not (its reader is a program); LibreOffice reads
/// such a file with accents, `→` and `∅` intact.
@Suite struct CSVSpreadsheetTests {
    let directory: String
    let runner: BinaryRunner
    let store: String

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-spreadsheet")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A log that creates Élodie and renames her: accents, and `→`/`∅` in the changes cell.
    func writeLog() throws -> String {
        let path = directory + "/accents.jsonl"
        try Fixtures.write(
            """
            {"time":"2026-11-26T07:00:00.000Z","method":"POST","path":"/scim/v2/Users","status":201,"request":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"élodie@fabrikam.test","active":true,"displayName":"Élodie Müller","name":{"givenName":"Élodie","familyName":"Müller"}},"response":{"id":"scim-e"}}
            {"time":"2026-11-26T07:05:00.000Z","method":"PATCH","path":"/scim/v2/Users/scim-e","status":200,"request":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Élodie Dupré"}]}}

            """, to: path)
        return path
    }

    func importLog() throws {
        let result = try runner.run(["import", try writeLog(), "--app", "Fabrikam Portal", "--store", store])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aCSVReportFileStartsWithAByteOrderMarkAndStdoutDoesNot() throws {
        try importLog()
        let path = directory + "/report.csv"
        let toFile = try runner.run(["report", "--store", store, "--format", "csv", "--output", path])
        #expect(toFile.status == 0, "\(toFile.stderr)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes.prefix(7)) == Self.bom + Array("time".utf8))
        let toStdout = try runner.run(["report", "--store", store, "--format", "csv"])
        #expect(toStdout.stdout.hasPrefix("time,app,user,"), "no mark on stdout")
        #expect(Array(toStdout.stdout.utf8.dropFirst(0).prefix(3)) != Self.bom)
        #expect(Array(bytes.dropFirst(3)) == Array(toStdout.stdout.utf8), "the same report after the mark")
    }

    @Test func aJobsCSVReportHasTheMarkAndItsHTMLReportIsAPage() throws {
        let log = try writeLog()
        let job = directory + "/job.yml"
        try Fixtures.write(
            """
            version: 1
            name: spreadsheet
            app: Fabrikam Portal
            store: \(store)
            inputs:
              - path: \(log)
                format: scim-log
            reports:
              - format: csv
                output: \(directory)/out/{name}.csv
              - format: html
                output: \(directory)/out/{name}.html

            """, to: job)
        let result = try runner.run(["run", job])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/out/spreadsheet.csv")))
        #expect(csv.starts(with: Self.bom))
        let html = try String(contentsOfFile: directory + "/out/spreadsheet.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Élodie Dupré"))
    }

    @Test(
        .enabled(
            if: HostTool.soffice != nil,
            "skipped: LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"))
    func libreOfficeReadsAccentsArrowsAndEmptySetsIntact() throws {
        try importLog()
        let path = directory + "/people.csv"
        _ = try runner.run(["report", "--store", store, "--format", "csv", "--output", path])
        // The CSV filter's `UNICODE` character set is LibreOffice's "tell the encoding from the
        // byte order mark", which its Text Import dialog does when a person opens the file.
        let converted = try HostTool.run(
            HostTool.soffice!,
            [
                "-env:UserInstallation=file://\(directory)/lo-profile", "--headless", "--infilter=CSV:44,34,UNICODE,1",
                "--convert-to", "html", "--outdir", directory + "/lo", path,
            ])
        let page = try String(contentsOfFile: directory + "/lo/people.html", encoding: .utf8)
        #expect(converted.status == 0, "\(converted.output)")
        #expect(page.contains(">time<") || page.contains(">time\n"), "the mark is not part of the first header")
        #expect(!page.contains("\u{FEFF}") && !page.contains("ï»¿"), "no stray mark")
        #expect(page.contains("élodie@fabrikam.test"))
        #expect(page.contains("displayName: Élodie Müller → Élodie Dupré"), "arrows and accents intact")
        #expect(page.contains("familyName: ∅ → Müller"), "the empty set intact")
        #expect(!page.contains("Ã"), "no mojibake")
    }
}
