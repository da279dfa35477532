import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// `crosscheck` through the built binary: each finding kind, the timespan and app filters, and
/// every report format.
@Suite struct CrosscheckEndToEndTests {
    let directory: String
    let runner: BinaryRunner
    let store: String
    let app = GraphLogFixtures.app

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-crosscheck")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Fixtures.write(text, to: path)
        return path
    }

    /// A store where each kind of finding occurs once.
    ///
    /// Our endpoint created u1–u4 and refused u5 (409). Entra says: it created u1 (agrees), it
    /// disabled u2 (we never saw it: provider-only), it created u4 with givenName Gina (we hold
    /// G: attribute-drift), it created u5 (we refused it: outcome-mismatch), it failed on u6
    /// (provider-failure); it says nothing of u3 (store-only).
    func prepareEveryKind() throws {
        let users = (1...4).map { (name: "u\($0)@fabrikam.test", id: "scim-u\($0)", externalID: "ext-u\($0)") }
        var log = GraphLogFixtures.requestLog(users, time: "2026-11-26T07:00:00.000Z")
        log +=
            "{\"time\":\"2026-11-26T07:00:09.000Z\",\"method\":\"POST\",\"path\":\"/scim/v2/Users\",\"status\":409,"
            + "\"request\":{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
            + "\"userName\":\"u5@fabrikam.test\",\"active\":true}}\n"
        let requests = try write("requests.jsonl", log)
        let imported = try runner.run(["import", requests, "--app", app, "--store", store])
        #expect(imported.status == 0, "\(imported.stderr)")
        let claims = [
            GraphLogFixtures.summary(
                id: "k-1", time: "2026-11-26T07:00:00Z", action: "create", target: "scim-u1", user: "u1@fabrikam.test",
                properties: [("userName", nil, "u1@fabrikam.test"), ("name.givenName", nil, "G")]),
            GraphLogFixtures.summary(
                id: "k-2", time: "2026-11-26T07:00:01Z", action: "create", target: "scim-u2", user: "u2@fabrikam.test"),
            GraphLogFixtures.summary(
                id: "k-3", time: "2026-11-26T19:30:00Z", action: "disable", target: "scim-u2", user: "u2@fabrikam.test",
                properties: [("active", "True", "False")]),
            GraphLogFixtures.summary(
                id: "k-4", time: "2026-11-26T07:00:03Z", action: "create", target: "scim-u4", user: "u4@fabrikam.test",
                properties: [("name.givenName", nil, "Gina"), ("active", nil, "True")]),
            GraphLogFixtures.summary(
                id: "k-5", time: "2026-11-26T07:00:09Z", action: "create", target: "", user: "u5@fabrikam.test"),
            GraphLogFixtures.summary(
                id: "k-6", time: "2026-11-26T07:00:10Z", action: "create", status: "failure", target: "",
                user: "u6@fabrikam.test", errorCode: "DuplicateTargetEntries"),
        ]
        let page = try write("provisioning.json", GraphLogFixtures.page(claims, next: false))
        let kept = try runner.run(["import", page, "--app", app, "--store", store])
        #expect(kept.status == 0, "\(kept.stderr)")
    }

    func crosscheck(_ arguments: [String] = []) throws -> (BinaryRunner.Result, JSONObject?) {
        let result = try runner.run(["crosscheck", "--store", store] + arguments)
        return (result, try? JSONParser.parse(result.stdout).objectValue)
    }

    @Test func findsEachKindOfDisagreementOnceAndExitsOne() throws {
        try prepareEveryKind()
        let (result, document) = try crosscheck()
        #expect(result.status == 1, "findings exit 1: \(result.stderr)")
        let findings = document?["findings"]?.arrayValue?.compactMap(\.objectValue) ?? []
        func finding(_ kind: String) -> [JSONObject] { findings.filter { $0["kind"]?.stringValue == kind } }
        #expect(findings.count == 5, "\(result.stdout)")
        #expect(finding("provider-only").map { $0["user"]?.stringValue } == ["u2@fabrikam.test"])
        #expect(finding("provider-only").first?["claim"]?.objectValue?["action"] == "disable")
        #expect(finding("store-only").map { $0["user"]?.stringValue } == ["u3@fabrikam.test"])
        #expect(
            finding("store-only").first?["event"]?.objectValue?["source"]?.stringValue
                == "\(directory)/requests.jsonl:3")
        let mismatch = try #require(finding("outcome-mismatch").first)
        #expect(mismatch["user"] == "u5@fabrikam.test")
        #expect(mismatch["event"]?.objectValue?["status"] == "skipped")
        #expect(mismatch["claim"]?.objectValue?["status"] == "success")
        let drift = try #require(finding("attribute-drift").first)
        #expect(drift["attribute"] == "name.givenName")
        #expect(drift["providerValue"] == "Gina")
        #expect(drift["storedValue"] == "G")
        let failure = try #require(finding("provider-failure").first)
        #expect(failure["errorCode"] == "DuplicateTargetEntries")
        #expect(document?["totals"]?.objectValue?["provider-only"] == 1)
        #expect(document?["count"] == 5)
        #expect(
            result.stderr.contains("5 findings (provider-only 1, store-only 1, outcome-mismatch 1"), "\(result.stderr)")
    }

    @Test func theTimespanAndTheApplicationNarrowIt() throws {
        try prepareEveryKind()
        let (evening, document) = try crosscheck(["--since", "2026-11-26T12:00:00Z", "--until", "2026-11-27"])
        #expect(evening.status == 1)
        #expect(document?["findings"]?.arrayValue?.count == 1, "only the evening's disable: \(evening.stdout)")
        let (before, _) = try crosscheck(["--until", "2026-11-26"])
        #expect(before.status == 0, "nothing before the day: \(before.stderr)")
        let (other, otherDocument) = try crosscheck(["--app", "Okta"])
        #expect(other.status == 0)
        #expect(otherDocument?["count"] == 0)
        #expect(other.stderr.contains("no provider claims for application 'Okta'; the store has claims for: \(app)"))
        let (bad, _) = try crosscheck(["--tolerance", "soon"])
        #expect(bad.status == 2, "\(bad.stderr)")
    }

    @Test func historyOutsideTheSpanOfTheProvidersLogIsNotStoreOnly() throws {
        let early = try write(
            "early.jsonl",
            GraphLogFixtures.requestLog(
                [(name: "early@fabrikam.test", id: "scim-early", externalID: "ext-early")],
                time: "2026-11-20T07:00:00.000Z"))
        _ = try runner.run(["import", early, "--app", app, "--store", store])
        try prepareEveryKind()
        let (result, document) = try crosscheck()
        let storeOnly = document?["findings"]?.arrayValue?.compactMap(\.objectValue)
            .filter { $0["kind"] == "store-only" }.map { $0["user"]?.stringValue }
        #expect(storeOnly == ["u3@fabrikam.test"], "the 20th is before Entra's log begins: \(result.stdout)")
    }

    @Test func logsThatAgreeExitZero() throws {
        let users = [(name: "z@fabrikam.test", id: "scim-z", externalID: "ext-z")]
        let requests = try write("ok.jsonl", GraphLogFixtures.requestLog(users, time: "2026-11-26T07:00:00.000Z"))
        _ = try runner.run(["import", requests, "--app", app, "--store", store])
        let page = try write(
            "ok.json",
            GraphLogFixtures.page(
                [
                    GraphLogFixtures.summary(
                        id: "ok-1", time: "2026-11-26T07:00:02Z", action: "create", target: "scim-z",
                        user: "z@fabrikam.test")
                ], next: false))
        _ = try runner.run(["import", page, "--app", app, "--store", store])
        let (result, document) = try crosscheck()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(document?["count"] == 0)
    }

    @Test func everyFormatCarriesTheSameFindings() throws {
        try prepareEveryKind()
        let lines = try runner.run(["crosscheck", "--store", store, "--format", "jsonl"])
        #expect(lines.stdout.split(separator: "\n").count == 5)
        let csvPath = directory + "/findings.csv"
        let csv = try runner.run(["crosscheck", "--store", store, "--format", "csv", "--output", csvPath])
        #expect(csv.status == 1)
        let csvBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: csvPath)))
        #expect(csvBytes.starts(with: [0xEF, 0xBB, 0xBF, UInt8(ascii: "k")]), "a byte order mark, then the header")
        #expect(String(decoding: csvBytes, as: UTF8.self).split(separator: "\r\n").count == 6)
        let html = try runner.run(["crosscheck", "--store", store, "--format", "html"])
        for kind in ["provider-only", "store-only", "outcome-mismatch", "attribute-drift", "provider-failure"] {
            #expect(html.stdout.contains("<span class=\"badge \(kind)\">\(kind)</span>"), "\(kind)")
        }
        #expect(html.stdout.contains("DuplicateTargetEntries"))
        #expect(!html.stdout.contains("<script"), "no script")
        #expect(!html.stdout.contains("http://") || html.stdout.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        let xmlPath = directory + "/findings.xml"
        let xml = try runner.run(["crosscheck", "--store", store, "--format", "xml", "--output", xmlPath])
        #expect(xml.status == 1)
        let text = try String(contentsOfFile: xmlPath, encoding: .utf8)
        #expect(text.components(separatedBy: "<finding ").count == 6)
        if let xmllint = HostTool.xmllint {
            let schema = Fixtures.repositoryRoot + "/schemas/crosscheck-report.xsd"
            let check = try HostTool.run(xmllint, ["--noout", "--schema", schema, xmlPath])
            #expect(check.status == 0, "\(check.output)")
        } else {
            print("skipped: xmllint is not installed (apt-get install libxml2-utils); the XSD check did not run")
        }
    }
}
