import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// `users --duplicates` through the built binary.
@Suite struct DuplicatesEndToEndTests {
    let directory: String
    let runner: BinaryRunner
    let store: String

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-duplicates")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
        // Portal: Ann twice by email (case differs), Eve twice by externalId (case differs).
        // Wiki: a user with Ann's externalId.
        let portal = directory + "/portal.csv"
        try Fixtures.write(
            """
            userName,externalId,emails[type eq "work"].value
            ann@fabrikam.test,e-ann,shared@fabrikam.test
            ann.lee@fabrikam.test,e-ann-2,SHARED@fabrikam.test
            eve@fabrikam.test,E-EVE,eve@fabrikam.test
            eve.old@fabrikam.test,e-eve,eve.old@fabrikam.test
            solo@fabrikam.test,e-solo,solo@fabrikam.test

            """, to: portal)
        let wiki = directory + "/wiki.csv"
        try Fixtures.write(
            """
            userName,externalId,emails[type eq "work"].value
            annl@wiki.test,e-ann,annl@wiki.test

            """, to: wiki)
        for (file, app) in [(portal, "Portal"), (wiki, "Wiki")] {
            let result = try runner.run(["import", file, "--app", app, "--store", store])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    func groups(_ extra: [String] = []) throws -> [JSONObject] {
        let result = try runner.run(["users", "--duplicates", "--store", store] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout).objectValue?["duplicates"]?.arrayValue?.compactMap(\.objectValue)
            ?? []
    }

    @Test func listsUsersSharingAnIdentifierInOneAppAndAcrossApps() throws {
        let all = try groups()
        #expect(all.count == 3, "\(all)")
        let email = try #require(all.first { $0["key"] == "email" && $0["scope"] == "app" })
        #expect(email["app"] == "Portal")
        #expect(email["value"] == "shared@fabrikam.test", "case-folded")
        #expect(email["count"] == 2)
        let names = email["users"]?.arrayValue?.compactMap { $0.objectValue?["userName"]?.stringValue }
        #expect(names?.sorted() == ["ann.lee@fabrikam.test", "ann@fabrikam.test"])
        let external = try #require(all.first { $0["key"] == "externalId" && $0["scope"] == "app" })
        #expect(external["value"] == "e-eve")
        let across = try #require(all.first { $0["scope"] == "across-apps" })
        #expect(across["key"] == "externalId")
        #expect(across["app"] == .null)
        #expect(across["users"]?.arrayValue?.compactMap { $0.objectValue?["app"]?.stringValue } == ["Portal", "Wiki"])
        let user = try #require(across["users"]?.arrayValue?.first?.objectValue)
        #expect(user.keys.sorted() == ["active", "app", "email", "externalId", "id", "userName"])
    }

    @Test func anAppNarrowsItToGroupsThatIncludeIt() throws {
        let wiki = try groups(["--app", "Wiki"])
        #expect(wiki.map { $0["scope"]?.stringValue } == ["across-apps"])
        let csv = try runner.run(["users", "--duplicates", "--store", store, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("scope,key,value,app,count,users\r\n"))
        #expect(csv.stderr.contains("3 groups of duplicate identities"))
    }

    @Test func theXMLListingValidatesAgainstTheRecordsSchema() throws {
        let path = directory + "/duplicates.xml"
        let result = try runner.run(["users", "--duplicates", "--store", store, "--format", "xml", "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.components(separatedBy: "<duplicate>").count - 1 == 3, "\(text)")
        guard let xmllint = HostTool.xmllint else {
            print("skipped: xmllint is not installed (apt-get install libxml2-utils); the XSD check did not run")
            return
        }
        let check = try HostTool.run(
            xmllint, ["--noout", "--schema", Fixtures.repositoryRoot + "/schemas/records.xsd", path])
        #expect(check.status == 0, "\(check.output)")
    }
}
