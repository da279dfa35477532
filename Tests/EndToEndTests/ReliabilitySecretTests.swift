import Foundation
import SCIMReconTestSupport
import Testing

/// Secrets (SPEC §3.1): canary tokens planted in headers, bodies, query strings and values that
/// provoke errors never reach any output: reports in every format, listings, stderr, the
/// report files of a job, or the store file and its WAL.
@Suite struct ReliabilitySecretTests {
    let directory: String
    let runner: BinaryRunner

    init() throws {
        directory = try Fixtures.temporaryDirectory("secrets")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-12-01T00:00:00Z"])
    }

    static let canaries = (1...12).map { "CANARY\($0)x7Qz" }
    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    /// Request-log lines carrying the canaries where secrets turn up in real logs.
    static var lines: [String] {
        let c = canaries
        let t = #""time":"2026-11-28T01:00:00Z""#
        return [
            // Headers: Authorization, a cookie, an API key.
            #"{\#(t),"method":"POST","path":"/scim/v2/Users","status":201,"headers":{"Authorization":"Bearer \#(c[0])","Cookie":"s=\#(c[1])","X-Api-Key":"\#(c[2])"},"request":{"schemas":["\#(user)"],"userName":"a@x","password":"\#(c[3])"},"response":{"id":"a"}}"#,
            // Bodies: a password in PATCH, in PUT, in an extension.
            #"{\#(t),"method":"PATCH","path":"/scim/v2/Users/a","request":{"schemas":["\#(patchOp)"],"Operations":[{"op":"replace","path":"password","value":"\#(c[4])"},{"op":"replace","value":{"password":"\#(c[5])"}}]}}"#,
            #"{\#(t),"method":"PUT","path":"/scim/v2/Users/a","request":{"schemas":["\#(user)","urn:x:ext"],"userName":"a@x","urn:x:ext":{"password":"\#(c[6])"}}}"#,
            // Query strings: an access token in the URL.
            #"{\#(t),"method":"GET","path":"/scim/v2/Users?access_token=\#(c[7])&filter=userName%20eq%20%22a%40x%22"}"#,
            #"{\#(t),"method":"DELETE","path":"/scim/v2/Users/nobody?access_token=\#(c[8])"}"#,
            // Error-provoking values: a token inside a bad filter, a bad path, a bad JSON line.
            #"{\#(t),"method":"PATCH","path":"/scim/v2/Users/a","request":{"schemas":["\#(patchOp)"],"Operations":[{"op":"replace","path":"emails[value eq \"Bearer \#(c[9])\" or 1 eq 1].value","value":"x"}]}}"#,
            #"{\#(t),"method":"DELETE","path":"/scim/v2/Users/../Bearer%20\#(c[10])"}"#,
            #"{\#(t),"method":"POST","headers":{"Authorization":"Bearer \#(c[11])"},"path":"/Users","request":{"#,
        ]
    }

    @Test func plantedTokensNeverReachAnyOutput() throws {
        try Fixtures.write(Self.lines.joined(separator: "\n") + "\n", to: directory + "/logs/app.jsonl")
        try Fixtures.write(
            """
            version: 1
            name: canary
            app: App
            store: store.sqlite
            inputs:
              - path: logs/app.jsonl
                format: scim-log
            reports:
              - format: csv
                output: reports/{name}.csv
            """, to: directory + "/jobs/canary.yml")
        var outputs: [(String, String)] = []
        for command in [["run", "jobs/canary.yml"], ["plan", "jobs/canary.yml", "--full"]] {
            let result = try runner.run(command)
            outputs += [("\(command[0]) stdout", result.stdout), ("\(command[0]) stderr", result.stderr)]
        }
        let imported = try runner.run(["import", "logs/app.jsonl", "--app", "Other", "--store", "store.sqlite"])
        outputs += [("import stderr", imported.stderr)]
        let failed = try runner.run(
            ["run", "jobs/canary.yml", "--full"], extraEnvironment: ["SCIMRECON_FAIL_AT": "before-commit"])
        outputs += [("failed run stderr", failed.stderr)]
        for format in ["json", "jsonl", "csv", "xml"] {
            for listing in ["report", "users", "groups", "runs"] {
                let result = try runner.run([listing, "--store", "store.sqlite", "--format", format])
                outputs += [("\(listing) \(format)", result.stdout + result.stderr)]
            }
        }
        for file in ["reports/canary.csv", "store.sqlite", "store.sqlite-wal"] {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))) ?? Data()
            outputs += [(file, String(decoding: data, as: UTF8.self))]
        }
        #expect(outputs.contains { $0.1.contains("record.invalid-json") }, "the error paths were exercised")
        #expect(outputs.contains { $0.1.contains("patch.invalid-path") })
        for (name, text) in outputs {
            for canary in Self.canaries {
                #expect(!text.contains(canary), "\(canary) reached \(name)")
            }
        }
    }
}
