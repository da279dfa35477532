import Foundation
import SCIMKit
import SCIMReconCore
import SCIMReconTestSupport
import Testing

@testable import SCIMReconSQLite

/// What an administrator meets in the first week, through the built binary: one application
/// whatever its spelling, a damaged store that says so, `validate` agreeing with `run`, commands
/// that create nothing when they say so, and messages that explain an empty result.
@Suite struct AdministratorEndToEndTests {
    let directory: String
    let runner: BinaryRunner
    let store: String

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-admin")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
    }

    func users(app: String? = nil) throws -> [JSONObject] {
        let result = try runner.run(
            ["users", "--store", store, "--format", "json"] + (app.map { ["--app", $0] } ?? []))
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout).objectValue?["users"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    func write(_ name: String, _ lines: [String]) throws -> String {
        let path = directory + "/" + name
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: path)
        return path
    }

    /// Re-importing an applied log under another spelling of its app must not rewind the store.
    @Test func reImportingALogUnderAnotherSpellingOfItsAppChangesNothing() throws {
        let okta = Fixtures.samples + "/okta/2026-11-28.jsonl"
        #expect(try runner.run(["import", okta, "--app", "Okta", "--store", store]).status == 0)
        let gina = try #require(try users().first { $0["userName"] == "gina@fabrikam.com" })
        #expect(gina["active"] == .bool(false), "the sample deactivates gina")
        let later = try write(
            "okta-2026-11-29.jsonl",
            [
                #"{"time":"2026-11-29T03:00:00Z","method":"PATCH","path":"/scim/v2/Users/00u1gina","status":200,"#
                    + #""request":{"Operations":[{"op":"replace","value":{"active":true}}]}}"#
            ])
        #expect(try runner.run(["import", later, "--app", "OKTA", "--store", store]).status == 0)
        let again = try runner.run(["import", okta, "--app", "okta", "--store", store])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("(import, Okta): read 8, created 0, updated 0, disabled 0"), "\(again.stderr)")
        #expect(again.stderr.contains("already applied 7"), "\(again.stderr)")  // the eighth is a GET
        let after = try #require(try users(app: "oKtA").first { $0["userName"] == "gina@fabrikam.com" })
        #expect(after["active"] == .bool(true), "the re-import rewound gina")
        #expect(after["app"] == "Okta", "kept under the first spelling")
        let report = try runner.run(["report", "--store", store, "--app", "okta", "--format", "jsonl"])
        #expect(report.stdout.split(separator: "\n").allSatisfy { $0.contains(#""app":"Okta""#) })
    }

    /// A stored row that does not parse stops the run with nothing applied (exit 74), naming
    /// the store, table and key; a listing fails the same way instead of showing an empty user.
    @Test func aDamagedRowStopsTheRunAndTheListingNamingIt() throws {
        let okta = Fixtures.samples + "/okta/2026-11-28.jsonl"
        #expect(try runner.run(["import", okta, "--app", "Okta", "--store", store]).status == 0)
        do {
            let damaged = try SQLiteStore(path: store, writable: true)
            try damaged.db.execute("UPDATE users SET attributes = '{\"userName\": tru' WHERE id = '00u1gina'")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let later = try write(
            "delete.jsonl",
            [#"{"time":"2026-11-29T03:00:00Z","method":"DELETE","path":"/scim/v2/Users/00u1gina","status":204}"#])
        let run = try runner.run(["import", later, "--app", "Okta", "--store", store])
        #expect(run.status == 74, "\(run.stderr)")
        #expect(
            run.stderr.contains("the store is damaged: table users, row (app 'Okta', id '00u1gina')"), "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before, "a damaged store was written to")
        let listing = try runner.run(["users", "--store", store])
        #expect(listing.status == 74, "\(listing.stderr)")
        #expect(listing.stderr.contains("column attributes is not valid JSON"), "\(listing.stderr)")
    }

    /// `validate` reads every input the way `run` does: a BOM, a JSON Lines export, a bad line.
    @Test func validateAndRunAgreeOnEveryRecord() throws {
        let log = try write(
            "logs/day.jsonl",
            [
                "\u{FEFF}"
                    + #"{"time":"2026-11-28T02:00:00Z","method":"POST","path":"/Users","status":201,"#
                    + #""request":{"userName":"a@x","active":true},"response":{"id":"u1"}}"#,
                #"{"time":"2026-11-28T02:00:01Z","method":"PATCH","path":"/Users/u1","#,
                #"{"time":"2026-11-28T02:00:02Z","method":"POST","path":"/Users","request":{"displayName":"no name"}}"#,
            ])
        _ = log
        _ = try write(
            "exports/users.jsonl",
            [#"{"userName":"b@x","externalId":"e-b"}"#, #"{"userName":"c@x","externalId":"e-c"}"#])
        try Fixtures.write(
            """
            version: 1
            name: agree
            app: Agree
            inputs:
              - path: logs/*.jsonl
              - path: exports/*.jsonl
                format: scim-list
            policy:
              max_deprovisions: 10
            """, to: directory + "/job.yml")
        let validate = try runner.run(["validate", "job.yml"])
        #expect(validate.status == 1, "\(validate.stderr)")
        #expect(validate.stderr.contains("logs/day.jsonl: scim-log: 3 records, 2 invalid"), "\(validate.stderr)")
        #expect(validate.stderr.contains("logs/day.jsonl:2: record.invalid-json"), "\(validate.stderr)")
        #expect(validate.stderr.contains("logs/day.jsonl:3: schema.missing-attribute"), "\(validate.stderr)")
        #expect(validate.stderr.contains("exports/users.jsonl: scim-list, snapshot: 2 records, 0 invalid"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/output"), "validate created output/")
        let run = try runner.run(["run", "job.yml", "--store", store])
        #expect(run.status == 1, "\(run.stderr)")
        // a@x, created by the log, is absent from the snapshot: disabled.
        #expect(run.stderr.contains("read 5, created 3, updated 0, disabled 1, deleted 0, skipped 0, failed 2"))
        let failures = try runner.run(["report", "--store", store, "--status", "failure", "--format", "csv"])
        #expect(failures.stdout.contains("logs/day.jsonl:2") && failures.stdout.contains("logs/day.jsonl:3"))
    }

    /// `plan` and `validate` create nothing: no store, no folder, no lock file, no report.
    @Test func planAndValidateCreateNothing() throws {
        try Fixtures.layOutDeployment(at: directory, jobs: ["entra-nightly.yml"])
        let plan = try runner.run(["plan", "jobs/entra-nightly.yml"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("dry run (entra-nightly, Azure AD): read 20, created 4"), "\(plan.stderr)")
        #expect(plan.stdout.contains("create\tAzure AD\talice@contoso.com"), "\(plan.stdout)")
        #expect(try runner.run(["validate", "jobs/entra-nightly.yml"]).status == 0)
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(entries == ["jobs", "samples"], "created \(entries)")
    }

    /// A missing input is exit 4 under `run` as under `import`, and says where it looked.
    @Test func aMissingInputIsTheSameExitUnderRunAndImport() throws {
        try Fixtures.write(
            "version: 1\nname: n\napp: A\ninputs:\n  - path: logs/*.jsonl\n", to: directory + "/job.yml")
        let run = try runner.run(["run", "job.yml", "--store", store])
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("job.yml:5: input 'logs/*.jsonl' matches no file in "), "\(run.stderr)")
        let imported = try runner.run(["import", "logs/none.jsonl", "--app", "A", "--store", store])
        #expect(imported.status == 4, "\(imported.stderr)")
    }

    /// Filters that match nothing say why; the output file's extension picks the format.
    @Test func emptyResultsExplainThemselvesAndTheExtensionPicksTheFormat() throws {
        let okta = Fixtures.samples + "/okta/2026-11-28.jsonl"
        #expect(try runner.run(["import", okta, "--app", "Okta", "--store", store]).status == 0)
        let unknown = try runner.run(["report", "--store", store, "--app", "Azure AD"])
        #expect(unknown.status == 0)
        #expect(unknown.stderr.contains("no application named 'Azure AD'; the store has: Okta"), "\(unknown.stderr)")
        let run = try runner.run(["report", "--store", store, "--run", "12"])
        #expect(run.stderr.contains("no run 12; the last run is 1"), "\(run.stderr)")
        let backwards = try runner.run(["report", "--store", store, "--since", "2026-11-29", "--until", "2026-11-28"])
        #expect(backwards.status == 2, "\(backwards.stderr)")
        let csv = try runner.run(["report", "--store", store, "--output", "okta.csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let text = try String(contentsOfFile: directory + "/okta.csv", encoding: .utf8)
        #expect(text.contains("time,app,user,userId,externalId,action,status,reason,changes,run,source"), "\(text)")
        #expect(csv.stderr.contains("8 events (create 2"), "\(csv.stderr)")
    }

    /// `--version`, and every `--help` with an example, the store's default and the exit codes.
    @Test(arguments: ["run", "plan", "import", "report", "users", "groups", "runs", "validate"])
    func helpShowsAnExampleTheStoreAndTheExitCodes(_ command: String) throws {
        let help = try runner.run([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("EXAMPLES:\n  scimrecon \(command)"), "\(help.stdout)")
        #expect(help.stdout.contains("output/scimrecon.sqlite") && help.stdout.contains("$SCIMRECON_STORE"))
        #expect(help.stdout.contains("75\tanother run holds the store's lock"), "\(help.stdout)")
        let version = try runner.run(["--version"])
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }
}

/// `validate` and `run` agree on every bundled sample: the records `validate` calls invalid are
/// exactly the ones `run` records as failures (less those only a real store's state explains).
@Suite struct ValidateAgreesWithRunTests {
    static let samples: [(path: String, format: String)] = [
        ("entra/2026-11-27.jsonl", "scim-log"), ("entra/2026-11-28.jsonl", "scim-log"),
        ("okta/2026-11-28.jsonl", "scim-log"), ("faults/entra-faults.jsonl", "scim-log"),
        ("bulk/adventure-works.json", "scim-bulk"), ("export/northwind-users.json", "scim-list"),
        ("hostile", "scim-log"),
    ]

    /// Bad records between good ones: each must be named by both commands, at the same line.
    static let hostile = [
        #"{"time":"2026-11-28T02:00:00Z","method":"POST","path":"/Users","request":{"userName":"ok@x"},"#
            + #""response":{"id":"u1"}}"#,
        #"{"time":"2026-11-28T02:00:01Z","method":"POST","path":"/Users","request":{"userName":"a@x""#,
        #"{"time":"yesterday","method":"POST","path":"/Users","request":{"userName":"b@x"}}"#,
        #"{"time":"2026-11-28T02:00:02Z","method":"POST","path":"/Users","request":{"displayName":"x"}}"#,
        #"{"time":"2026-11-28T02:00:03Z","method":"POST","path":"/Users","request":{"userName":"c\u0000@x"}}"#,
        #"{"time":"2026-11-28T02:00:04Z","method":"PATCH","path":"/Users/u1","#
            + #""request":{"Operations":[{"op":"remove","path":"userName"}]}}"#,
        #"{"time":"2026-11-28T02:00:05Z","method":"PATCH","path":"/Users/../x","request":{}}"#,
        #"{"time":"2026-11-28T02:00:06Z","method":"POST","path":"/Users","request":{"userName":"d@x","active":"yes"}}"#,
        #"{"time":"2026-11-28T02:00:07Z","method":"POST","path":"/Users","request":{"userName":"e@x"}}"#,
    ]

    @Test(arguments: 0..<samples.count)
    func validateAndRunAgreeOnTheSample(_ index: Int) throws {
        let (path, format) = Self.samples[index]
        let directory = try Fixtures.temporaryDirectory("e2e-agree")
        let runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        var input = "\(Fixtures.samples)/\(path)"
        if path == "hostile" {
            input = directory + "/hostile.jsonl"
            try Fixtures.write(Self.hostile.joined(separator: "\n") + "\n", to: input)
        }
        try Fixtures.write(
            """
            version: 1
            name: agree
            app: Agree
            inputs:
              - path: \(input)
                format: \(format)
            policy:
              max_deprovisions: 1000
            """, to: directory + "/job.yml")
        let validate = try runner.run(["validate", "job.yml"])
        let invalid = validate.stderr.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(": ") }
            .map { String($0.dropFirst(2).prefix { $0 != " " }.dropLast()) }
        let run = try runner.run(["run", "job.yml", "--store", "store.sqlite", "--force"])
        #expect([0, 1].contains(run.status), "\(run.stderr)")
        let report = try runner.run(["report", "--store", "store.sqlite", "--status", "failure", "--format", "jsonl"])
        let failed = try report.stdout.split(separator: "\n").compactMap { line -> String? in
            let event = try JSONParser.parse(String(line)).objectValue
            let code = String((event?["reason"]?.stringValue ?? "").prefix { $0 != ":" })
            guard !InputValidator.stateDependentReasons.contains(code) else { return nil }
            return event?["source"]?.stringValue
        }
        #expect(invalid.sorted() == failed.sorted(), "validate: \(validate.stderr)\nrun: \(report.stdout)")
        #expect(validate.status == (failed.isEmpty ? 0 : 1), "\(validate.stderr)")
        if path == "hostile" { #expect(failed.count == 7, "\(report.stdout)") }
    }
}

/// A percentage guard on a new or small application, and the run's real times.
@Suite struct GuardAndRunTimesEndToEndTests {
    let directory: String
    let runner: BinaryRunner

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-guard")
        runner = BinaryRunner(directory: directory)
    }

    func job(_ limit: String) throws {
        try Fixtures.write(
            """
            version: 1
            name: small
            app: Azure AD
            inputs:
              - path: \(Fixtures.samples)/entra/*.jsonl
            policy:
              max_deprovisions: \(limit)
            """, to: directory + "/job.yml")
    }

    /// The job-format reference's own example (`10%`) must not stop the first run over the
    /// samples, which creates 4 users and disables 2 (the floor of 5 applies).
    @Test func tenPercentDoesNotStopTheFirstRunOfASmallApp() throws {
        try job("10%")
        let run = try runner.run(["run", "job.yml", "--store", "store.sqlite"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("disabled 2"), "\(run.stderr)")
    }

    @Test func aStoppedRunSaysItAppliedNothingAndCountsWhatItWithheld() throws {
        try job("1")
        let run = try runner.run(["run", "job.yml", "--store", "store.sqlite"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("(small, Azure AD) applied nothing; it would have: read 20"), "\(run.stderr)")
        #expect(run.stderr.contains("the run would deprovision 2 users, more than max_deprovisions allows: 1"))
        #expect(run.stderr.contains("2 deprovisions withheld, all 2 recorded as skipped"), "\(run.stderr)")
        let users = try runner.run(["users", "--store", "store.sqlite", "--format", "jsonl"])
        #expect(users.stdout.isEmpty, "a stopped run applied users: \(users.stdout)")
    }

    @Test func runsShowWhenARunReallyStartedAndFinished() throws {
        try job("500")
        #expect(try runner.run(["run", "job.yml", "--store", "store.sqlite"]).status == 0)
        let runs = try runner.run(["runs", "--store", "store.sqlite", "--format", "jsonl"])
        let run = try #require(try JSONParser.parse(runs.stdout).objectValue)
        let started = try #require(run["started"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))
        let finished = try #require(run["finished"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))
        #expect(finished > started, "started \(started), finished \(finished)")
        #expect(run["created"] == .number("4") && run["disabled"] == .number("2"), "\(runs.stdout)")
    }
}
