import Foundation
import SCIMReconTestSupport
import Testing

/// `migrate` through the built binary: a store copied whole reads back the same through every
/// listing and report, keeps its checkpoints and fingerprints (so nothing is applied twice), and
/// an occupied target is refused before anything is written.
@Suite struct MigrateEndToEndTests {
    let directory: String
    let runner: BinaryRunner

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-migrate")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        try Fixtures.layOutDeployment(at: directory, jobs: ["entra-nightly.yml"])
    }

    /// A store with a job's checkpointed runs, another app, groups, claims, a snapshot's seen marks.
    func populatedStore() throws -> String {
        let store = directory + "/source.sqlite"
        let job = try runner.run(["run", "jobs/entra-nightly.yml", "--store", store])
        #expect(job.status == 0 || job.status == 1, "\(job.stderr)")
        for (file, app) in [
            ("okta/2026-11-28.jsonl", "Okta"), ("entra-provisioning/graph-page-1.json", "Azure AD"),
            ("entra-provisioning/graph-page-2.json", "Azure AD"), ("bulk/adventure-works.json", "Adventure Works"),
            ("export/northwind-users.json", "Northwind"),
        ] {
            let imported = try runner.run(["import", "samples/" + file, "--app", app, "--store", store])
            #expect(imported.status == 0 || imported.status == 1, "\(file): \(imported.stderr)")
        }
        return store
    }

    /// Everything a reader can see of a store, as text.
    func everything(in store: String) throws -> [String: String] {
        var seen: [String: String] = [:]
        let commands: [String: [String]] = [
            "users": ["users", "--format", "jsonl"], "groups": ["groups", "--format", "jsonl"],
            "runs": ["runs", "--format", "jsonl"], "report jsonl": ["report", "--format", "jsonl"],
            "report csv": ["report", "--format", "csv"], "report xml": ["report", "--format", "xml"],
            "crosscheck": ["crosscheck", "--app", "Azure AD", "--format", "jsonl"],
            "explain": ["explain", "alice@contoso.com"],
        ]
        for (name, arguments) in commands {
            let result = try runner.run(arguments + ["--store", store])
            // crosscheck exits 1 when it has findings, which these samples have on purpose.
            #expect(result.status == 0 || (name == "crosscheck" && result.status == 1), "\(name): \(result.stderr)")
            seen[name] = "exit \(result.status)\n" + result.stdout
        }
        return seen
    }

    @Test func aCopiedStoreReadsBackTheSameThroughEveryListingAndReport() throws {
        let source = try populatedStore()
        let target = directory + "/copy/target.sqlite"
        let migrated = try runner.run(["migrate", "--from", source, "--to", target])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(
            migrated.stderr.contains("scimrecon: copied \(source) into \(target): 4 applications, "),
            "\(migrated.stderr)")
        let before = try everything(in: source)
        let after = try everything(in: target)
        for (name, text) in before {
            #expect(!text.isEmpty, "\(name) is empty: the comparison would prove nothing")
            #expect(after[name] == text, "\(name) differs after the copy")
        }
    }

    @Test func theCopyKeepsCheckpointsAndFingerprintsSoNothingIsAppliedTwice() throws {
        let source = try populatedStore()
        let target = directory + "/target.sqlite"
        #expect(try runner.run(["migrate", "--from", source, "--to", target]).status == 0)
        let again = try runner.run(["run", "jobs/entra-nightly.yml", "--store", target])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("read 0, created 0, updated 0"), "checkpoints were not copied: \(again.stderr)")
        let replay = try runner.run(["import", "samples/okta/2026-11-28.jsonl", "--app", "Okta", "--store", target])
        #expect(replay.stderr.contains("created 0, updated 0, disabled 0, deleted 0"), "\(replay.stderr)")
        let runs = try runner.run(["runs", "--format", "csv", "--store", target])
        #expect(runs.stdout.split(separator: "\n").last?.contains(",Okta,") == true, "\(runs.stdout)")
    }

    @Test func anOccupiedTargetIsRefusedAndLeftAsItWas() throws {
        let source = try populatedStore()
        let target = directory + "/occupied.sqlite"
        _ = try runner.run(["import", "samples/okta/2026-11-28.jsonl", "--app", "Okta", "--store", target])
        let before = try runner.run(["report", "--format", "jsonl", "--store", target]).stdout
        let refused = try runner.run(["migrate", "--from", source, "--to", target])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(target): the target store is not empty"), "\(refused.stderr)")
        #expect(try runner.run(["report", "--format", "jsonl", "--store", target]).stdout == before)
        let same = try runner.run(["migrate", "--from", source, "--to", source])
        #expect(same.status == 2 && same.stderr.contains("--from and --to name the same store"), "\(same.stderr)")
        let missing = try runner.run([
            "migrate", "--from", directory + "/nothing.sqlite", "--to", directory + "/t.sqlite",
        ])
        #expect(missing.status != 0 && missing.stderr.contains("nothing.sqlite"), "\(missing.stderr)")
    }
}
