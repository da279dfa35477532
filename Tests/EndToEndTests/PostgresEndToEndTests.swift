import Foundation
import SCIMReconPostgres
import SCIMReconTestSupport
import Testing

/// The built binary against a real PostgreSQL server: the same deployment run into PostgreSQL
/// and into SQLite lists and reports the same, byte for byte; a second run applies nothing; a
/// store moves SQLite → PostgreSQL → SQLite whole; one writer per application; the password in
/// the URL never reaches any output; an unreachable server is exit 74 naming the host.
@Suite(.enabled(if: PostgresTestServer.enabled)) struct PostgresEndToEndTests {
    let directory: String
    let runner: BinaryRunner
    let server: PostgresTestServer

    init() throws {
        server = try PostgresTestServer.require()
        directory = try Fixtures.temporaryDirectory("e2e-postgres")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        try Fixtures.layOutDeployment(at: directory, jobs: ["entra-nightly.yml"])
    }

    /// Runs the binary and checks that the password in any URL never shows.
    func run(_ arguments: [String]) throws -> BinaryRunner.Result {
        let result = try runner.run(arguments)
        if let password = server.password {
            #expect(!result.stdout.contains(password), "\(arguments.first ?? ""): the password reached stdout")
            #expect(!result.stderr.contains(password), "\(arguments.first ?? ""): the password reached stderr")
        }
        return result
    }

    /// A job's runs, another app's replay, claims, a bulk request and a snapshot, into `store`.
    func populate(_ store: String) throws {
        let job = try run(["run", "jobs/entra-nightly.yml", "--store", store])
        #expect(job.status == 0 || job.status == 1, "\(job.stderr)")
        for (file, app) in [
            ("okta/2026-11-28.jsonl", "Okta"), ("entra-provisioning/graph-page-1.json", "Azure AD"),
            ("entra-provisioning/graph-page-2.json", "Azure AD"), ("bulk/adventure-works.json", "Adventure Works"),
            ("export/northwind-users.json", "Northwind"),
        ] {
            let imported = try run(["import", "samples/" + file, "--app", app, "--store", store])
            #expect(imported.status == 0 || imported.status == 1, "\(file): \(imported.stderr)")
        }
    }

    /// Everything a reader can see of a store, as text: listings and reports in every format.
    func everything(in store: String) throws -> [String: String] {
        var seen: [String: String] = [:]
        let commands: [String: [String]] = [
            "users": ["users", "--format", "jsonl"], "users json": ["users", "--format", "json"],
            "groups": ["groups", "--format", "jsonl"], "runs": ["runs", "--format", "jsonl"],
            "report json": ["report", "--format", "json"], "report csv": ["report", "--format", "csv"],
            "report xml": ["report", "--format", "xml"], "report html": ["report", "--format", "html"],
            "report by user": ["report", "--format", "jsonl", "--user", "A*"],
            "report by app": ["report", "--format", "jsonl", "--app", "okta"],
            "crosscheck": ["crosscheck", "--app", "Azure AD", "--format", "jsonl"],
            "explain": ["explain", "alice@contoso.com"], "duplicates": ["users", "--duplicates"],
        ]
        for (name, arguments) in commands {
            let result = try run(arguments + ["--store", store])
            #expect(
                result.status == 0 || (name == "crosscheck" && result.status == 1), "\(name): \(result.stderr)")
            seen[name] = "exit \(result.status)\n" + result.stdout
        }
        return seen
    }

    func expectSame(_ left: [String: String], _ right: [String: String], _ what: String) {
        for (name, text) in left {
            #expect(!text.isEmpty, "\(name) is empty: the comparison would prove nothing")
            #expect(right[name] == text, "\(name) differs: \(what)")
        }
    }

    @Test func theSameDeploymentListsAndReportsTheSameInPostgreSQLAsInSQLite() throws {
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        try populate(url)
        try populate(directory + "/same.sqlite")
        expectSame(try everything(in: directory + "/same.sqlite"), try everything(in: url), "PostgreSQL vs SQLite")
    }

    @Test func aSecondRunAppliesNothing() throws {
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        try populate(url)
        let again = try run(["run", "jobs/entra-nightly.yml", "--store", url])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("read 0, created 0, updated 0"), "checkpoints were not kept: \(again.stderr)")
        let replay = try run(["import", "samples/okta/2026-11-28.jsonl", "--app", "okta", "--store", url])
        #expect(replay.stderr.contains("created 0, updated 0, disabled 0, deleted 0"), "\(replay.stderr)")
    }

    @Test func aDryRunOnAnEmptyDatabaseCreatesNothing() throws {
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        let plan = try run(["run", "jobs/entra-nightly.yml", "--dry-run", "--store", url])
        #expect(plan.status == 0 || plan.status == 1, "\(plan.stderr)")
        let tables = try PostgresSession(url: url).execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables == [["0"]])
        let listing = try run(["users", "--store", url])
        #expect(listing.status == 4 && listing.stderr.contains("no store here yet"), "\(listing.stderr)")
    }

    @Test func aStoreMovesToPostgreSQLAndBackWhole() throws {
        let source = directory + "/source.sqlite"
        try populate(source)
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        let there = try run(["migrate", "--from", source, "--to", url])
        #expect(there.status == 0, "\(there.stderr)")
        let back = directory + "/back.sqlite"
        let returned = try run(["migrate", "--from", url, "--to", back])
        #expect(returned.status == 0, "\(returned.stderr)")
        let original = try everything(in: source)
        expectSame(original, try everything(in: url), "after SQLite → PostgreSQL")
        expectSame(original, try everything(in: back), "after SQLite → PostgreSQL → SQLite")
        let refused = try run(["migrate", "--from", source, "--to", url])
        #expect(refused.status == 2 && refused.stderr.contains("the target store is not empty"), "\(refused.stderr)")
        // Runs keep their ids, and the next run continues after them.
        let next = try run(["import", "samples/okta/2026-11-28.jsonl", "--app", "Okta", "--store", url])
        #expect(next.status == 0 || next.status == 1, "\(next.stderr)")
    }

    @Test func aSecondRunForTheSameApplicationExits75AndAnotherApplicationProceeds() throws {
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        try populate(url)
        // Another runner, somewhere, holds Azure AD's writer lock.
        let holder = try PostgresSession(url: url)
        try holder.execute("SELECT pg_advisory_lock(\(PostgresStore.lockKey(app: "azure ad")))")
        let locked = try run(["run", "jobs/entra-nightly.yml", "--store", url])
        #expect(locked.status == 75, "\(locked.stderr)")
        #expect(locked.stderr.contains("another run holds the lock for application 'Azure AD'"), "\(locked.stderr)")
        let other = try run(["import", "samples/okta/2026-11-28.jsonl", "--app", "Okta", "--store", url])
        #expect(other.status == 0 || other.status == 1, "\(other.stderr)")
        let reader = try run(["report", "--format", "csv", "--store", url])
        #expect(reader.status == 0, "readers are never blocked: \(reader.stderr)")
        try holder.execute("SELECT pg_advisory_unlock_all()")
        #expect(try run(["run", "jobs/entra-nightly.yml", "--store", url]).status == 0)
    }

    /// A ListResponse of these userNames.
    func snapshot(_ names: [String]) throws {
        let resources = names.enumerated().map { index, name in
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"s\#(index)","userName":"\#(name)","active":true}"#
        }
        try Fixtures.write(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":\#(names.count),"Resources":["#
                + resources.joined(separator: ",\n") + "]}\n", to: directory + "/export.json")
    }

    @Test func theDeprovisionGuardStopsAndNothingIsApplied() throws {
        let url = try server.freshDatabase()
        defer { server.drop(url) }
        let names = (1...5).map { "u\($0)@x" }
        try snapshot(names)
        try Fixtures.write(
            """
            version: 1
            name: guarded
            app: App
            inputs:
              - path: export.json
                format: scim-list
            policy:
              max_deprovisions: 2
            """, to: directory + "/jobs/guarded.yml")
        #expect(try run(["run", "jobs/guarded.yml", "--store", url]).status == 0)
        try snapshot(Array(names.dropFirst(3)))
        let before = try run(["users", "--store", url, "--format", "jsonl"]).stdout
        let stopped = try run(["run", "jobs/guarded.yml", "--store", url])
        #expect(stopped.status == 3, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("guard.max-deprovisions"), "\(stopped.stderr)")
        #expect(
            try run(["users", "--store", url, "--format", "jsonl"]).stdout == before, "a stopped run applied something")
        let withheld = try run(["report", "--store", url, "--status", "skipped", "--format", "jsonl"])
        #expect(withheld.stdout.split(separator: "\n").count == 3, "\(withheld.stdout)")
        let forced = try run(["run", "jobs/guarded.yml", "--store", url, "--force"])
        #expect(forced.status == 0 && forced.stderr.contains("disabled 3"), "\(forced.stderr)")
    }

    @Test func anUnreachableServerIsExit74NamingTheHostAndNeverThePassword() throws {
        let result = try runner.run([
            "report", "--store", "postgres://scimrecon:NeverShowThis@127.0.0.1:1/idm?connect_timeout=3",
        ])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("postgres://scimrecon:***@127.0.0.1:1/idm"), "\(result.stderr)")
        #expect(result.stderr.contains("cannot connect to 127.0.0.1"), "\(result.stderr)")
        #expect(!result.stderr.contains("NeverShowThis") && !result.stdout.contains("NeverShowThis"))
    }
}
