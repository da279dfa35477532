import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// `graph-logs` through the built binary: every shape Entra ships its provisioning log in is
/// kept as the provider's claims, deduplicated, never applied to users.
@Suite struct GraphLogsEndToEndTests {
    let directory: String
    let runner: BinaryRunner
    let store: String
    let app = GraphLogFixtures.app

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-graph")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Fixtures.write(text, to: path)
        return path
    }

    func importFile(_ path: String, format: String? = nil) throws -> BinaryRunner.Result {
        try runner.run(["import", path, "--app", app, "--store", store] + (format.map { ["--format", $0] } ?? []))
    }

    /// The claims the store keeps about `user`, through `explain --format json`.
    func claims(about user: String) throws -> [JSONObject] {
        let result = try runner.run(["explain", user, "--store", store, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout).objectValue?["claims"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    @Test func graphPagesAreDetectedKeptAsClaimsAndNeverAppliedToUsers() throws {
        let first = try write(
            "page-1.json",
            GraphLogFixtures.page(
                [
                    GraphLogFixtures.summary(
                        id: "g-1", time: "2026-11-20T08:00:00Z", action: "create", target: "scim-ana",
                        user: "ana@fabrikam.test",
                        properties: [("userName", nil, "ana@fabrikam.test"), ("active", nil, "True")])
                ], next: true))
        let second = try write(
            "page-2.json",
            GraphLogFixtures.page(
                [
                    GraphLogFixtures.summary(
                        id: "g-2", time: "2026-11-21T08:00:00Z", action: "disable", target: "scim-ana",
                        user: "ana@fabrikam.test", properties: [("active", "True", "False")])
                ], next: false))
        for path in [first, second] {
            let result = try importFile(path)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("provider claims: kept 1, already kept 0"), "\(result.stderr)")
        }
        let users = try runner.run(["users", "--store", store])
        #expect(
            users.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "{\"users\":[]}", "claims create nobody")
        let kept = try claims(about: "ana@fabrikam.test")
        #expect(kept.map { $0["id"]?.stringValue } == ["g-1", "g-2"])
        #expect(kept.map { $0["action"]?.stringValue } == ["create", "disable"])
        #expect(kept[1]["targetId"] == "scim-ana")
        #expect(kept[1]["servicePrincipal"] == "Fabrikam Portal SCIM")
        #expect(kept[1]["source"]?.stringValue == "\(second):2")
        let active = kept[1]["changes"]?.arrayValue?.first?.objectValue
        #expect(active?["new"] == "false", "the string boolean False reads as false")
    }

    @Test func thePortalDownloadWithDeprecatedFieldsAndItsQuirksIsRead() throws {
        // The beta shape: `action` and `statusInfo` (error fields on it directly), the service
        // principal as a collection, step types and statuses in other letter cases.
        let download = """
            [
              {"id":"p-1","activityDateTime":"2026-11-22T09:30:00.1234567Z","action":"Disable",
               "statusInfo":{"@odata.type":"#microsoft.graph.statusDetails","status":"Failure",
                             "errorCode":"EntryConflict","reason":"two users share this userName\\nsecond line"},
               "servicePrincipal":[{"id":"sp-1","displayName":"Fabrikam Portal"},{"id":"sp-2","displayName":"Fabrikam Test"}],
               "sourceIdentity":{"id":"obj-bo","displayName":"Bo","identityType":"User","details":{}},
               "targetIdentity":{"id":"scim-bo","displayName":"bo@fabrikam.test","identityType":"User","details":{}},
               "modifiedProperties":[{"displayName":"active","oldValue":"TRUE","newValue":"false"}],
               "provisioningSteps":[{"name":"EntryImport","provisioningStepType":"IMPORT","status":"Success"},
                                    {"name":"EntryExport","provisioningStepType":"Export","status":"FAILURE",
                                     "description":"the export failed"}]}
            ]
            """
        let path = try write("download.json", download)
        let result = try importFile(path)
        #expect(result.status == 0, "\(result.stderr)")
        let kept = try claims(about: "bo@fabrikam.test")
        #expect(kept.count == 1)
        let claim = try #require(kept.first)
        #expect(claim["action"] == "disable")
        #expect(claim["status"] == "failure")
        #expect(claim["errorCode"] == "EntryConflict")
        #expect(claim["errorReason"] == "two users share this userName", "first line only")
        #expect(claim["servicePrincipal"] == "Fabrikam Portal, Fabrikam Test")
        #expect(claim["time"] == "2026-11-22T09:30:00.123Z")
        let change = claim["changes"]?.arrayValue?.first?.objectValue
        #expect(change?["old"] == "true")
        #expect(change?["new"] == "false")
    }

    @Test(arguments: ["records-document", "record-a-line", "records-message-a-line"])
    func azureMonitorRecordsAreReadInEachLayout(layout: String) throws {
        let records = [
            GraphLogFixtures.monitorRecord(
                id: "m-1", time: "2026-11-23T10:00:00.5000000Z", actionNumber: 1, statusNumber: 0, target: "scim-cy",
                user: "cy@fabrikam.test", active: "True"),
            GraphLogFixtures.monitorRecord(
                id: "m-2", time: "2026-11-23T11:00:00Z", actionNumber: 3, statusNumber: 2, target: "scim-cy",
                user: "cy@fabrikam.test", currentFields: false),
        ]
        let text: String
        switch layout {
        case "records-document": text = "{\n\"records\": [\n" + records.joined(separator: ",\n") + "\n]\n}\n"
        case "record-a-line": text = records.joined(separator: "\n") + "\n"
        default: text = records.map { "{\"records\":[\($0)]}" }.joined(separator: "\n") + "\n"
        }
        let path = try write("monitor-\(layout).json", text)
        let result = try importFile(path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("provider claims: kept 2"), "\(result.stderr)")
        let kept = try claims(about: "cy@fabrikam.test")
        #expect(kept.map { $0["action"]?.stringValue } == ["create", "disable"], "numbered actions")
        #expect(kept.map { $0["status"]?.stringValue } == ["success", "skipped"], "numbered statuses")
        #expect(kept.map { $0["targetId"]?.stringValue } == ["scim-cy", "scim-cy"], "Id keys")
        #expect(kept.first?["servicePrincipal"] == "Fabrikam Portal SCIM", "Name keys")
    }

    @Test func aDownloadWithAByteOrderMarkIsRead() throws {
        let record = GraphLogFixtures.summary(
            id: "bom-1", time: "2026-11-24T09:00:00Z", target: "scim-bom", user: "bom@fabrikam.test")
        let path = try write("bom.json", "\u{FEFF}[\n" + record + "\n]\n")
        let result = try importFile(path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try claims(about: "bom@fabrikam.test").map { $0["id"]?.stringValue } == ["bom-1"])
    }

    @Test func overlappingDownloadsAreKeptOnceByRecordID() throws {
        let records = (1...3).map { index in
            GraphLogFixtures.summary(
                id: "o-\(index)", time: "2026-11-24T0\(index):00:00Z", target: "scim-di", user: "di@fabrikam.test")
        }
        let monday = try write("monday.json", GraphLogFixtures.page(Array(records.prefix(2)), next: false))
        let tuesday = try write("tuesday.json", "[" + records.suffix(2).joined(separator: ",") + "]")
        #expect(try importFile(monday).stderr.contains("kept 2, already kept 0"))
        let overlap = try importFile(tuesday, format: "graph-logs")
        #expect(overlap.status == 0, "\(overlap.stderr)")
        #expect(overlap.stderr.contains("kept 1, already kept 1"), "\(overlap.stderr)")
        let again = try importFile(monday)
        #expect(again.stderr.contains("kept 0, already kept 2"), "\(again.stderr)")
        #expect(try claims(about: "di@fabrikam.test").map { $0["id"]?.stringValue } == ["o-1", "o-2", "o-3"])
    }

    @Test func aBadRecordFailsAloneWithItsFileAndLine() throws {
        let good = GraphLogFixtures.summary(
            id: "b-1", time: "2026-11-25T08:00:00Z", target: "scim-ed", user: "ed@fabrikam.test")
        let noID = good.replacingOccurrences(of: "\"id\":\"b-1\",", with: "")
        let badTime = good.replacingOccurrences(of: "\"b-1\"", with: "\"b-3\"")
            .replacingOccurrences(of: "2026-11-25T08:00:00Z", with: "yesterday")
        let path = try write(
            "bad.json",
            GraphLogFixtures.page([noID, good.replacingOccurrences(of: "b-1", with: "b-2"), badTime], next: false))
        let result = try importFile(path)
        #expect(result.status == 1, "records failed: \(result.stderr)")
        #expect(result.stderr.contains("provider claims: kept 1"), "\(result.stderr)")
        let report = try runner.run(["report", "--store", store, "--status", "failure", "--format", "csv"])
        #expect(report.stdout.contains("claim.missing-id: a provisioning record needs its 'id'"), "\(report.stdout)")
        #expect(report.stdout.contains("claim.invalid-time"), "\(report.stdout)")
        #expect(report.stdout.contains("\(path):2"), "the first record starts on line 2")
        #expect(try claims(about: "ed@fabrikam.test").map { $0["id"]?.stringValue } == ["b-2"])
    }

    @Test func aProviderLogIsValidatedByItsRecords() throws {
        let path = try write(
            "check.json",
            GraphLogFixtures.page(
                [GraphLogFixtures.summary(id: "v-1", time: "not a time", target: "t", user: "u@fabrikam.test")],
                next: false))
        let job = try write(
            "job.yml",
            "version: 1\nname: graph\napp: \(app)\nstore: \(store)\ninputs:\n  - path: \(path)\n    format: graph-logs\n"
        )
        let result = try runner.run(["validate", job])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("\(path):2: claim.invalid-time")
                || result.stdout.contains("\(path):2: claim.invalid-time"),
            "\(result.stdout)\(result.stderr)")
    }

    @Test func aJobKeepsClaimsAndPrunesThemWithItsHistory() throws {
        let path = try write(
            "job-page.json",
            GraphLogFixtures.page(
                [
                    GraphLogFixtures.summary(
                        id: "j-1", time: "2026-10-01T08:00:00Z", target: "scim-fa", user: "fa@fabrikam.test"),
                    GraphLogFixtures.summary(
                        id: "j-2", time: "2026-11-28T08:00:00Z", target: "scim-fa", user: "fa@fabrikam.test"),
                ], next: false))
        let job = try write(
            "keep.yml",
            "version: 1\nname: keep\napp: \(app)\nstore: \(store)\ninputs:\n  - path: \(path)\n    format: graph-logs\n"
                + "policy:\n  keep_history: 30d\n")
        let result = try runner.run(["run", job])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("pruned 1 provider claims older than keep_history"), "\(result.stderr)")
        #expect(try claims(about: "fa@fabrikam.test").map { $0["id"]?.stringValue } == ["j-2"])
    }
}
