import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// The first slice, through the built binary: replay request logs into a SQLite store.
@Suite struct ImportEndToEndTests {
    let directory: String
    let runner: BinaryRunner
    let store: String

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-import")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
    }

    func importEntra() throws -> [BinaryRunner.Result] {
        try ["2026-11-27.jsonl", "2026-11-28.jsonl"].map { name in
            try runner.run([
                "import", Fixtures.samples + "/entra/" + name, "--app", "Azure AD", "--store", store,
            ])
        }
    }

    func users() throws -> [JSONObject] {
        let result = try runner.run(["users", "--store", store, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONParser.parse(result.stdout)
        return document.objectValue?["users"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    func user(_ name: String, in users: [JSONObject]) -> JSONObject? {
        users.first { $0["userName"]?.stringValue?.lowercased() == name.lowercased() }
    }

    @Test func replayingTheEntraSampleGivesTheExpectedEndState() throws {
        let results = try importEntra()
        #expect(results[0].status == 0, "\(results[0].stderr)")
        #expect(results[1].status == 0, "\(results[1].stderr)")
        let all = try users()
        #expect(all.count == 4)

        let alice = try #require(user("alice@contoso.com", in: all))
        #expect(alice["givenName"] == "Alicia")
        #expect(alice["displayName"] == "Alicia Wong")
        #expect(alice["email"] == "alicia.wong@contoso.com")
        #expect(alice["active"] == .bool(true))
        #expect(alice["app"] == "Azure AD")
        #expect(alice["id"] == "5d48a0a8-e3a6-4a52-bd3c-1c2b1b6d1a01")
        #expect(alice["groups"] == ["Sales EMEA"])
        let enterprise = alice["scim"]?.objectValue?["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
        #expect(enterprise?.objectValue?["department"] == "Sales")

        let bob = try #require(user("bob.stone@contoso.com", in: all))
        #expect(bob["active"] == .bool(true), "re-activated on day two")
        #expect(bob["email"] == "bob.stone@contoso.com")
        #expect(bob["groups"] == [], "removed from Sales on day one")

        let dan = try #require(user("dan@contoso.com", in: all))
        #expect(dan["active"] == .bool(false), "DELETE disables by default")

        let erin = try #require(user("erin@contoso.com", in: all))
        #expect(erin["email"] == "erin.okafor@contoso.com", "the primary email wins after the add")
        #expect(erin["groups"] == ["Sales EMEA"])
        let erinEnterprise = erin["scim"]?.objectValue?["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
        #expect(erinEnterprise?.objectValue?["manager"] == ["value": "5d48a0a8-e3a6-4a52-bd3c-1c2b1b6d1a01"])
        let bobEnterprise = bob["scim"]?.objectValue?["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
        #expect(bobEnterprise?.objectValue?["manager"] == ["value": "5d48a0a8-e3a6-4a52-bd3c-1c2b1b6d1a01"])
        #expect(bobEnterprise?.objectValue?["department"] == "Field Sales")

        let groups = try runner.run(["groups", "--store", store])
        let group = try JSONParser.parse(groups.stdout).objectValue?["groups"]?.arrayValue?.first?.objectValue
        #expect(group?["displayName"] == "Sales EMEA")
        #expect(
            group?["members"] == ["ALICE@contoso.com", "erin@contoso.com"], "day two re-POSTed alice with a new case")
    }

    @Test func importingTheSameLogTwiceChangesNothingTheSecondTime() throws {
        _ = try importEntra()
        let before = try runner.run(["users", "--store", store, "--format", "jsonl"]).stdout
        let eventsBefore = try runner.run(["report", "--store", store, "--format", "jsonl"]).stdout
        let again = try importEntra()
        for result in again {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("created 0, updated 0, disabled 0, deleted 0, skipped 0, failed 0"))
        }
        #expect(try runner.run(["users", "--store", store, "--format", "jsonl"]).stdout == before)
        #expect(try runner.run(["report", "--store", store, "--format", "jsonl"]).stdout == eventsBefore)
    }

    @Test func rejectedAndUnknownRequestsAreRecordedWithTheirReasons() throws {
        _ = try importEntra()
        let report = try runner.run(["report", "--store", store, "--format", "jsonl", "--status", "skipped"])
        #expect(report.stdout.contains("request.rejected: the endpoint answered 409"))
        #expect(report.stdout.contains("carol@contoso.com"))
        // A PATCH of an unknown id and a PATCH removing userName: the records fail, the run goes on.
        let faults = try runner.run([
            "import", Fixtures.samples + "/faults/entra-faults.jsonl", "--app", "Azure AD", "--store", store,
        ])
        #expect(faults.status == 1)
        #expect(faults.stderr.contains("failed 2"))
        let failures = try runner.run(["report", "--store", store, "--format", "jsonl", "--status", "failure"])
        #expect(failures.stdout.contains("resource.unknown-id"))
        #expect(failures.stdout.contains("entra-faults.jsonl:1"))
        #expect(failures.stdout.contains("userName"))
        #expect(failures.stdout.contains("entra-faults.jsonl:2"))
    }

    @Test func noBearerTokenOrPasswordReachesAnyOutput() throws {
        var outputs = try importEntra().flatMap { [$0.stdout, $0.stderr] }
        let okta = try runner.run([
            "import", Fixtures.samples + "/okta/2026-11-28.jsonl", "--app", "Okta", "--store", store,
        ])
        outputs.append(okta.stderr)
        for format in ["json", "jsonl", "csv", "xml"] {
            outputs.append(try runner.run(["report", "--store", store, "--format", format]).stdout)
            outputs.append(try runner.run(["users", "--store", store, "--format", format]).stdout)
            outputs.append(try runner.run(["groups", "--store", store, "--format", format]).stdout)
            outputs.append(try runner.run(["runs", "--store", store, "--format", format]).stdout)
        }
        let storeBytes = try Data(contentsOf: URL(fileURLWithPath: store))
        var storeText = String(decoding: storeBytes, as: UTF8.self)
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: store + "-wal")) {
            storeText += String(decoding: wal, as: UTF8.self)
        }
        outputs.append(storeText)
        for secret in ["SAMPLE-CANARY-SIG", "eyJ0eXAiOiJKV1Qi", "Sample-Password-Never-Stored", "okta-sample-password"]
        {
            for output in outputs {
                #expect(!output.contains(secret), "a secret reached an output")
            }
        }
    }

    @Test func aSecondWriterExitsSeventyFiveAtOnce() throws {
        _ = try importEntra()
        let lock = open(store + ".lock", O_RDWR | O_CREAT, 0o644)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        let started = Date()
        let result = try runner.run([
            "import", Fixtures.samples + "/entra/2026-11-28.jsonl", "--app", "Azure AD", "--store", store,
        ])
        #expect(result.status == 75)
        #expect(result.stderr.contains("another run holds the store's lock"))
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func anXMLInputIsRefusedBeforeAnyParserSeesIt() throws {
        let path = directory + "/users.xml"
        try Fixtures.write(
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>", to: path)
        let result = try runner.run(["import", path, "--app", "X", "--store", store, "--format", "scim-log"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("the input is XML"))
        let untouched = try !FileManager.default.fileExists(atPath: store) || users().isEmpty
        #expect(untouched)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try runner.run(["import", "x.jsonl"]).status == 2, "missing --app")
        #expect(try runner.run(["report", "--since", "yesterday", "--store", store]).status == 2)
        #expect(try runner.run(["frobnicate"]).status == 2)
        let help = try runner.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("import"))
    }

    @Test func usersListsInEveryFormat() throws {
        _ = try importEntra()
        let csv = try runner.run(["users", "--store", store, "--format", "csv", "--app", "Azure AD"])
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\r\n")
        #expect(lines.first == "app,id,userName,externalId,displayName,givenName,familyName,email,active,groups")
        #expect(lines.count == 5)
        let jsonl = try runner.run(["users", "--store", store, "--format", "jsonl", "--user", "*@contoso.com"])
        #expect(jsonl.stdout.split(separator: "\n").count == 4)
        let one = try runner.run(["users", "--store", store, "--format", "jsonl", "--user", "BOB.STONE@contoso.com"])
        #expect(one.stdout.split(separator: "\n").count == 1)
    }
}

/// Bulk requests, snapshots and CSV through `import`.
@Suite struct BulkAndListImportTests {
    let directory: String
    let runner: BinaryRunner
    let store: String

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-bulk")
        runner = BinaryRunner(directory: directory)
        store = directory + "/store.sqlite"
    }

    func users() throws -> [JSONObject] {
        let result = try runner.run(["users", "--store", store])
        return try JSONParser.parse(result.stdout).objectValue?["users"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    @Test func aBulkRequestReplaysInDependencyOrderWithBulkIdsResolved() throws {
        let result = try runner.run([
            "import", Fixtures.samples + "/bulk/adventure-works.json", "--app", "Adventure", "--store", store,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("read 4, created 2, updated 1"), "\(result.stderr)")
        let all = try users()
        let oscar = try #require(all.first { $0["userName"] == "oscar@adventure.example" })
        let pia = try #require(all.first { $0["userName"] == "pia@adventure.example" })
        #expect(oscar["scim"]?.objectValue?["title"] == "Lead Guide")
        let enterprise = pia["scim"]?.objectValue?["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
        #expect(enterprise?.objectValue?["manager"]?.objectValue?["value"] == oscar["id"])
        #expect(oscar["groups"] == ["Tour Guides"])
        let groups = try runner.run(["groups", "--store", store, "--format", "jsonl"])
        #expect(groups.stdout.contains(#""members":["oscar@adventure.example","pia@adventure.example"]"#))
        let report = try runner.run(["report", "--store", store, "--format", "csv"])
        #expect(report.stdout.contains("adventure-works.json#2"), "sources name the operation")
        let again = try runner.run([
            "import", Fixtures.samples + "/bulk/adventure-works.json", "--app", "Adventure", "--store", store,
        ])
        #expect(again.stderr.contains("created 0, updated 0"), "\(again.stderr)")
    }

    @Test func aListResponseImportCreatesEveryUserWithItsLine() throws {
        let result = try runner.run([
            "import", Fixtures.samples + "/export/northwind-users.json", "--app", "Northwind", "--store", store,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try users().map { $0["userName"] } == [
                "lena@northwind.example", "mo@northwind.example", "nia@northwind.example",
            ])
        let report = try runner.run(["report", "--store", store, "--format", "jsonl", "--user", "mo@*"])
        #expect(report.stdout.contains("northwind-users.json:"))
    }

    @Test func aCSVExportImportsWithBOMAndSemicolons() throws {
        let path = directory + "/people.csv"
        try Fixtures.write(
            "\u{FEFF}userName;name.givenName;emails[type eq \"work\"].value;active\r\n"
                + "q@x;Quinn;q@x;yes\r\nr@x;\"Ro; Jr\";r@x;No\r\ns@x;Sam\r\n", to: path)
        let result = try runner.run(["import", path, "--app", "People", "--store", store])
        #expect(result.status == 1, "the ragged row fails")
        #expect(result.stderr.contains("created 2"), "\(result.stderr)")
        let all = try users()
        #expect(all.first { $0["userName"] == "r@x" }?["givenName"] == "Ro; Jr")
        #expect(all.first { $0["userName"] == "r@x" }?["active"] == .bool(false))
        let failure = try runner.run(["report", "--store", store, "--status", "failure", "--format", "csv"])
        #expect(failure.stdout.contains("csv.ragged-row"))
        #expect(failure.stdout.contains("people.csv:4"))
    }

    @Test func aBulkRequestOverTheOperationLimitFailsWhole() throws {
        let operation = #"{"method":"POST","path":"/Users","data":{"userName":"u@x"}}"#
        let body = #"{"Operations":["# + Array(repeating: operation, count: 10_001).joined(separator: ",") + "]}"
        try Fixtures.write(body, to: directory + "/big-bulk.json")
        let result = try runner.run(["import", directory + "/big-bulk.json", "--app", "B", "--store", store])
        #expect(result.status == 1, "\(result.stderr)")
        let failure = try runner.run(["report", "--store", store, "--status", "failure", "--format", "csv"])
        #expect(failure.stdout.contains("bulk.too-many-operations"))
        #expect(try users().isEmpty)
    }
}
