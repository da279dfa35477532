import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// Scheduled runs through the built binary: checkpoints, guards, policies, dry runs.
@Suite struct JobRunEndToEndTests {
    let directory: String
    var runner: BinaryRunner

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-job")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
    }

    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"

    /// One request-log line creating a user with a response id.
    static func post(_ name: String, id: String, at time: String = "2026-11-28T01:00:00Z", active: Bool = true)
        -> String
    {
        """
        {"time":"\(time)","method":"POST","path":"/scim/Users","status":201,\
        "request":{"schemas":["\(user)"],"userName":"\(name)","externalId":"ext-\(id)","active":\(active),\
        "emails":[{"value":"\(name)","type":"work","primary":true}]},"response":{"id":"\(id)"}}
        """
    }

    static func delete(_ id: String, at time: String = "2026-11-28T02:00:00Z") -> String {
        #"{"time":"\#(time)","method":"DELETE","path":"/scim/Users/\#(id)","status":204}"#
    }

    static func deactivate(_ id: String, at time: String = "2026-11-28T02:00:00Z") -> String {
        #"{"time":"\#(time)","method":"PATCH","path":"/scim/Users/\#(id)","status":200,"request":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}}"#
    }

    func job(_ name: String, app: String = "App", inputs: String, policy: String = "") throws -> String {
        let path = directory + "/jobs/\(name).yml"
        try Fixtures.write(
            """
            version: 1
            name: \(name)
            app: \(app)
            store: store.sqlite
            inputs:
            \(inputs)
            policy:
            \(policy.isEmpty ? "  create: true" : policy)
            """, to: path)
        return path
    }

    func write(_ lines: [String], to name: String) throws {
        try Fixtures.write(lines.joined(separator: "\n") + "\n", to: directory + "/" + name)
    }

    func append(_ lines: [String], to name: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/" + name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        try handle.close()
    }

    func users(app: String? = nil) throws -> [JSONObject] {
        var arguments = ["users", "--store", "store.sqlite"]
        if let app { arguments += ["--app", app] }
        let result = try runner.run(arguments)
        return try JSONParser.parse(result.stdout).objectValue?["users"]?.arrayValue?.compactMap(\.objectValue) ?? []
    }

    func snapshot(_ names: [String], to file: String, total: Int? = nil) throws {
        let resources = names.enumerated().map { index, name in
            #"{"schemas":["\#(Self.user)"],"id":"s\#(index)","externalId":"ext-\#(name)","userName":"\#(name)","active":true}"#
        }
        let totalResults = total ?? names.count
        try Fixtures.write(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":\#(totalResults),"Resources":["#
                + resources.joined(separator: ",\n") + "]}\n", to: directory + "/" + file)
    }

    @Test func theNightlyJobRunsOnTheSamplesAndAgainChangesNothing() throws {
        try Fixtures.layOutDeployment(at: directory, jobs: ["entra-nightly.yml"])
        let first = try runner.run(["run", "jobs/entra-nightly.yml"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("read 20"), "\(first.stderr)")
        // The job's reports hold this run's own events, whatever the source's times (2026-11-27/28).
        let csv = try String(contentsOfFile: directory + "/output/entra-nightly-2026-11-29-run1.csv", encoding: .utf8)
        let rows = csv.split(whereSeparator: \.isNewline).dropFirst()
        #expect(rows.count == 20, "\(csv)")
        #expect(rows.allSatisfy { $0.contains(",Azure AD,") })
        let problems = try String(
            contentsOfFile: directory + "/output/entra-nightly-2026-11-29-run1-problems.json", encoding: .utf8)
        #expect(problems.contains(#""count":1"#) && problems.contains("request.rejected"), "\(problems)")
        #expect(first.stderr.contains("wrote output/entra-nightly-2026-11-29-run1.csv: 20 events"), "\(first.stderr)")
        let state = try runner.run(["users", "--store", "output/scimrecon.sqlite", "--format", "jsonl"]).stdout
        let second = try runner.run(["run", "jobs/entra-nightly.yml"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("read 0, created 0, updated 0"), "\(second.stderr)")
        #expect(try runner.run(["users", "--store", "output/scimrecon.sqlite", "--format", "jsonl"]).stdout == state)
        let full = try runner.run(["run", "jobs/entra-nightly.yml", "--full"])
        #expect(
            full.stderr.contains("read 20, created 0, updated 0, disabled 0, deleted 0, skipped 0"), "\(full.stderr)")
    }

    @Test func aGrowingLogIsReadFromWhereTheLastRunStopped() throws {
        try write([Self.post("a@x", id: "1"), Self.post("b@x", id: "2")], to: "logs/app.jsonl")
        let path = try job("grow", inputs: "  - path: logs/*.jsonl\n    format: scim-log")
        #expect(try runner.run(["run", path]).status == 0)
        try append([Self.post("c@x", id: "3")], to: "logs/app.jsonl")
        let second = try runner.run(["run", path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("read 1, created 1"), "\(second.stderr)")
        #expect(try users().count == 3)
        let report = try runner.run(["report", "--store", "store.sqlite", "--format", "csv", "--user", "c@x"])
        #expect(report.stdout.contains("logs/app.jsonl:3"), "line numbers continue across runs")
    }

    @Test func aRotatedLogIsReadAnewWithoutApplyingAnythingTwice() throws {
        try write([Self.post("a@x", id: "1"), Self.post("b@x", id: "2")], to: "logs/app.jsonl")
        let path = try job("rotate", inputs: "  - path: logs/*.jsonl\n    format: scim-log")
        #expect(try runner.run(["run", path]).status == 0)
        try FileManager.default.removeItem(atPath: directory + "/logs/app.jsonl")
        try write([Self.post("b@x", id: "2"), Self.post("d@x", id: "4")], to: "logs/app.jsonl")
        let second = try runner.run(["run", path])
        #expect(second.stderr.contains("rotated or rewritten"), "\(second.stderr)")
        #expect(second.stderr.contains("read 2, created 1, updated 0"), "\(second.stderr)")
        let events = try runner.run(["report", "--store", "store.sqlite", "--format", "jsonl"]).stdout
        #expect(events.split(separator: "\n").count == 3)
    }

    @Test func aHalfWrittenLastLineIsLeftForTheNextRun() throws {
        let second = Self.post("b@x", id: "2")
        try Fixtures.write(
            Self.post("a@x", id: "1") + "\n" + String(second.prefix(40)), to: directory + "/logs/app.jsonl")
        let path = try job("partial", inputs: "  - path: logs/app.jsonl\n    format: scim-log")
        let first = try runner.run(["run", path])
        #expect(first.status == 0)
        #expect(first.stderr.contains("the last line is incomplete"))
        // The writer finishes the line: the next run reads just that line.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/logs/app.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((String(second.dropFirst(40)) + "\n").utf8))
        try handle.close()
        let next = try runner.run(["run", path])
        #expect(next.stderr.contains("read 1, created 1"), "\(next.stderr)")
        #expect(!next.stderr.contains("rotated"))
    }

    @Test func aDryRunPrintsThePlanAndLeavesTheStoreByteIdentical() throws {
        try write([Self.post("a@x", id: "1")], to: "logs/app.jsonl")
        let path = try job("dry", inputs: "  - path: logs/app.jsonl\n    format: scim-log")
        #expect(try runner.run(["run", path]).status == 0)
        try append([Self.post("b@x", id: "2"), Self.delete("1")], to: "logs/app.jsonl")
        let before = try Data(contentsOf: URL(fileURLWithPath: directory + "/store.sqlite"))
        let plan = try runner.run(["plan", path])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("create\tApp\tb@x"))
        #expect(plan.stdout.contains("disable\tApp\ta@x"))
        let dry = try runner.run(["run", path, "--dry-run"])
        #expect(dry.stdout == plan.stdout)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/store.sqlite")) == before)
        let real = try runner.run(["run", path])
        #expect(real.stderr.contains("read 2, created 1, updated 0, disabled 1"), "\(real.stderr)")
    }

    @Test(arguments: [(limit: 2, missing: 2, stops: false), (limit: 2, missing: 3, stops: true)])
    func theDeprovisionGuardStopsAboveTheLimitOnly(limit: Int, missing: Int, stops: Bool) throws {
        let names = (1...5).map { "u\($0)@x" }
        try snapshot(names, to: "export.json")
        let path = try job(
            "guard", inputs: "  - path: export.json\n    format: scim-list", policy: "  max_deprovisions: \(limit)")
        #expect(try runner.run(["run", path]).status == 0)
        try snapshot(Array(names.dropFirst(missing)), to: "export.json")
        let before = try runner.run(["users", "--store", "store.sqlite", "--format", "jsonl"]).stdout
        let result = try runner.run(["run", path])
        if stops {
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stderr.contains("guard.max-deprovisions"))
            #expect(try runner.run(["users", "--store", "store.sqlite", "--format", "jsonl"]).stdout == before)
            let withheld = try runner.run([
                "report", "--store", "store.sqlite", "--status", "skipped", "--format", "jsonl",
            ])
            #expect(withheld.stdout.split(separator: "\n").count == missing)
            #expect(withheld.stdout.contains("guard.max-deprovisions"))
            let forced = try runner.run(["run", path, "--force"])
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(forced.stderr.contains("disabled \(missing)"))
        } else {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("disabled \(missing)"))
        }
    }

    @Test func anEmptyOrIncompleteSnapshotIsStopped() throws {
        try snapshot(["a@x", "b@x"], to: "export.json")
        let path = try job("snap", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", path]).status == 0)
        try snapshot(["a@x"], to: "export.json", total: 2)
        let incomplete = try runner.run(["run", path])
        #expect(incomplete.status == 3)
        #expect(incomplete.stderr.contains("totalResults is 2"))
        try snapshot([], to: "export.json")
        let empty = try runner.run(["run", path])
        #expect(empty.status == 3)
        #expect(empty.stderr.contains("the snapshot is empty"))
        try Fixtures.write(
            #"{"totalResults":2,"Resources":[{"userName":"a@x"},{"userName":"#, to: directory + "/export.json")
        let truncated = try runner.run(["run", path])
        #expect(truncated.status == 3)
        #expect(truncated.stderr.contains("truncated"))
        #expect(try users().allSatisfy { $0["active"] == .bool(true) })
    }

    @Test func disableDeleteAndGracePeriodFollowThePolicy() throws {
        try write(
            [Self.post("a@x", id: "1"), Self.post("b@x", id: "2"), Self.delete("1"), Self.deactivate("2")],
            to: "logs/app.jsonl")
        let disable = try job("disable", app: "Disable", inputs: "  - path: logs/app.jsonl")
        let delete = try job(
            "delete", app: "Delete", inputs: "  - path: logs/app.jsonl", policy: "  delete_deactivated: true")
        let grace = try job(
            "grace", app: "Grace", inputs: "  - path: logs/app.jsonl",
            policy: "  delete_deactivated: true\n  delete_after: 30d")
        for path in [disable, delete, grace] { #expect(try runner.run(["run", path]).status == 0) }
        #expect(try users(app: "Disable").map { $0["active"] } == [.bool(false), .bool(false)])
        #expect(try users(app: "Delete").isEmpty)
        #expect(try users(app: "Grace").map { $0["active"] } == [.bool(false), .bool(false)])
        var later = runner
        later.environment["SCIMRECON_NOW"] = "2027-01-15T00:00:00Z"
        let expired = try later.run(["run", grace])
        #expect(expired.stderr.contains("deleted 2"), "\(expired.stderr)")
        #expect(try users(app: "Grace").isEmpty)
        #expect(try users(app: "Disable").count == 2, "other applications are untouched")
    }

    @Test func reactivatingADisabledUserIsAnEnable() throws {
        try write(
            [Self.post("a@x", id: "1"), Self.deactivate("1"), Self.post("a@x", id: "1", at: "2026-11-28T03:00:00Z")],
            to: "logs/app.jsonl")
        let path = try job("enable", inputs: "  - path: logs/app.jsonl")
        let result = try runner.run(["run", path])
        #expect(result.stderr.contains("created 1, updated 1, disabled 1"), "\(result.stderr)")
        let enabled = try runner.run(["report", "--store", "store.sqlite", "--action", "enable", "--format", "jsonl"])
        #expect(enabled.stdout.split(separator: "\n").count == 1)
        #expect(try users().first?["active"] == .bool(true))
    }

    @Test func aSnapshotNeverDeprovisionsAnotherApplicationsUsers() throws {
        try write([Self.post("other@x", id: "9")], to: "logs/other.jsonl")
        let other = try job("other", app: "Other", inputs: "  - path: logs/other.jsonl")
        #expect(try runner.run(["run", other]).status == 0)
        try snapshot(["a@x"], to: "export.json")
        let path = try job("mine", app: "Mine", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", path]).status == 0)
        #expect(try users(app: "Other").first?["active"] == .bool(true))
    }

    @Test func ambiguousMatchesAreFailuresNamingBothUsers() throws {
        try write(
            [
                Self.post("a@x", id: "1"), Self.post("b@x", id: "2"),
                #"{"time":"2026-11-28T05:00:00Z","method":"POST","path":"/Users","status":201,"request":{"userName":"b@x","externalId":"ext-1"}}"#,
            ], to: "logs/app.jsonl")
        let path = try job("ambiguous", inputs: "  - path: logs/app.jsonl")
        let result = try runner.run(["run", path])
        #expect(result.status == 1)
        let failure = try runner.run(["report", "--store", "store.sqlite", "--status", "failure", "--format", "jsonl"])
        #expect(failure.stdout.contains("match.ambiguous"))
        #expect(failure.stdout.contains("user 1"))
        #expect(failure.stdout.contains("user 2"))
    }

    @Test func turnedOffOperationsAreSkippedWithTheirReason() throws {
        try write([Self.post("a@x", id: "1")], to: "logs/app.jsonl")
        let path = try job("nocreate", inputs: "  - path: logs/app.jsonl", policy: "  create: false")
        let result = try runner.run(["run", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("skipped 1"))
        let skipped = try runner.run(["report", "--store", "store.sqlite", "--format", "csv"])
        #expect(skipped.stdout.contains("policy.create-disabled: create is turned off for this job"))
        #expect(try users().isEmpty)
    }

    @Test func onErrorAbortAppliesNothing() throws {
        try write([Self.post("a@x", id: "1"), "{not json"], to: "logs/app.jsonl")
        let path = try job(
            "abort", inputs: "  - path: logs/app.jsonl\n    format: scim-log", policy: "  on_error: abort")
        let result = try runner.run(["run", path])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("logs/app.jsonl:2"))
        #expect(try users().isEmpty)
    }

    @Test func aBadJobFileNamesTheFileAndLine() throws {
        let path = directory + "/jobs/bad.yml"
        try Fixtures.write(
            "version: 1\nname: bad\napp: X\ninputs:\n  - path: x.jsonl\npolicy:\n  delete_deactivatd: true\n", to: path)
        for command in ["run", "plan", "validate"] {
            let result = try runner.run([command, path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("bad.yml:7"), "\(result.stderr)")
            #expect(result.stderr.contains("delete_deactivated"))
        }
    }

    @Test func theCSVImportJobMapsColumnsAndTransforms() throws {
        try FileManager.default.createSymbolicLink(
            atPath: directory + "/samples", withDestinationPath: Fixtures.samples)
        try FileManager.default.createDirectory(atPath: directory + "/jobs", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Fixtures.repositoryRoot + "/jobs/hr-csv-import.yml", toPath: directory + "/jobs/hr.yml")
        let result = try runner.run(["run", "jobs/hr.yml", "--store", "hr.sqlite"])
        #expect(result.status == 0, "\(result.stderr)")
        let listed = try runner.run(["users", "--store", "hr.sqlite"])
        let all = try JSONParser.parse(listed.stdout).objectValue?["users"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(all.count == 4)
        let ivan = all.first { $0["userName"] == "ivan.petrov@contoso.com" }
        #expect(ivan?["department"] == "Research; Development")
        #expect(ivan?["displayName"] == "Ivan Petrov")
        #expect(ivan?["active"] == .bool(true))
        #expect(all.first { $0["userName"] == "jo.brennan@contoso.com" }?["active"] == .bool(false))
        let again = try runner.run(["run", "jobs/hr.yml", "--store", "hr.sqlite"])
        #expect(again.stderr.contains("created 0, updated 0"), "\(again.stderr)")
    }

    @Test func aRePostAnsweredWithANewIdMovesTheUserAndItsMemberships() throws {
        try write(
            [
                Self.post("a@x", id: "1"),
                #"{"time":"2026-11-28T01:10:00Z","method":"POST","path":"/Groups","status":201,"request":{"displayName":"G","members":[{"value":"1"}]},"response":{"id":"g"}}"#,
                Self.post("a@x", id: "9", at: "2026-11-28T01:20:00Z"),
                #"{"time":"2026-11-28T01:30:00Z","method":"PATCH","path":"/Users/9","status":200,"request":{"Operations":[{"op":"replace","path":"displayName","value":"A"}]}}"#,
            ], to: "logs/app.jsonl")
        let path = try job("rekey", inputs: "  - path: logs/app.jsonl")
        let result = try runner.run(["run", path])
        #expect(result.status == 0, "\(result.stderr)")
        let all = try users()
        #expect(all.map { $0["id"] } == ["9"])
        #expect(all.first?["groups"] == ["G"])
        #expect(all.first?["displayName"] == "A")
        let report = try runner.run(["report", "--store", "store.sqlite", "--format", "csv", "--action", "update"])
        #expect(report.stdout.contains("id: 1 → 9"))
    }
}
