import SCIMKit
import SCIMReconCore
import Testing

@Suite struct ReportGoldenTests {
    @Test(arguments: ReportFormat.allCases)
    func eventReportMatchesItsGoldenFile(format: ReportFormat) throws {
        try Golden.expectMatches(try ReportFixtures.eventReport(format), named: "events.\(format.fileExtension)")
    }

    @Test(arguments: ReportFormat.allCases)
    func emptyEventReportMatchesItsGoldenFile(format: ReportFormat) throws {
        try Golden.expectMatches(
            try ReportFixtures.eventReport(format, events: []), named: "events-empty.\(format.fileExtension)")
    }

    @Test(arguments: ReportFormat.allCases)
    func userListingMatchesItsGoldenFile(format: ReportFormat) throws {
        try Golden.expectMatches(try ReportFixtures.recordReport(format), named: "users.\(format.fileExtension)")
    }

    @Test(arguments: ReportFormat.allCases)
    func runListingMatchesItsGoldenFile(format: ReportFormat) throws {
        try Golden.expectMatches(
            try ReportFixtures.recordReport(format, table: .runs, records: ReportFixtures.runs.map(\.record)),
            named: "runs.\(format.fileExtension)")
    }
}
