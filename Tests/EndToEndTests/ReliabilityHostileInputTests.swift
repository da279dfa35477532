import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// Hostile input: each bad record fails alone with a clear reason at its `file:line`, the good
/// records around it are applied, and the documented limits (line size, nesting depth, PATCH
/// operations) fail clearly in bounded memory.
@Suite struct ReliabilityHostileInputTests {
    let directory: String
    let runner: BinaryRunner
    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    init() throws {
        directory = try Fixtures.temporaryDirectory("hostile")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-12-01T00:00:00Z"])
    }

    static func post(_ name: String, id: String, extra: String = "") -> String {
        #"{"time":"2026-11-28T01:00:00Z","method":"POST","path":"/scim/v2/Users","status":201,"request":{"schemas":["\#(user)"],"userName":"\#(name)"\#(extra)},"response":{"id":"\#(id)"}}"#
    }

    static func patch(_ id: String, _ operations: String) -> String {
        #"{"time":"2026-11-28T01:00:01Z","method":"PATCH","path":"/scim/v2/Users/\#(id)","request":{"schemas":["\#(patchOp)"],"Operations":\#(operations)}}"#
    }

    static func delete(path: String, time: String = "2026-11-28T01:00:02Z") -> String {
        #"{"time":"\#(time)","method":"DELETE","path":"\#(path)"}"#
    }

    /// One hostile record between two good ones, and the reason its failure must carry.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var line: [UInt8]
        var reason: String
        var testDescription: String { name }

        init(_ name: String, _ line: String, _ reason: String) {
            self.init(name, Array(line.utf8), reason)
        }

        init(_ name: String, _ line: [UInt8], _ reason: String) {
            self.name = name
            self.line = line
            self.reason = reason
        }
    }

    static let cases: [Case] = [
        Case("a malformed line", #"{"time":"2026-11-28T01:00:00Z","method":"POST","#, "record.invalid-json"),
        Case(
            "invalid UTF-8",
            Array(#"{"time":"2026-11-28T01:00:00Z","method":"POST","path":"/Users","x":""#.utf8)
                + [0xFF, 0xFE] + Array(#""}"#.utf8), "invalid utf-8"),
        Case(
            "deep nesting",
            #"{"time":"2026-11-28T01:00:00Z","method":"POST","path":"/Users","request":"#
                + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
            "nesting deeper than 256 levels"),
        Case(
            "duplicate keys",
            #"{"time":"2026-11-28T01:00:00Z","time":"2030-01-01T00:00:00Z","method":"DELETE","path":"/Users/x"}"#,
            "duplicate key 'time'"),
        Case("wrong types in the record", #"{"time":12,"method":["POST"],"path":{"a":1}}"#, "record.missing-time"),
        Case(
            "wrong types in the body", post("w@x", id: "w", extra: #","active":"maybe""#),
            "'active' must be true or false"),
        Case(
            "a control character in userName", post(#"ctl\u001b[31m@x"#, id: "c"),
            "userName contains control characters"),
        Case(
            "a NUL in externalId", post("n@x", id: "n", extra: #","externalId":"a\u0000b""#),
            "externalId contains control characters"),
        Case(
            "filter injection in a PATCH path",
            patch("good1", #"[{"op":"replace","path":"emails[type eq \"work\" or 1 eq 1].value","value":"x@y"}]"#),
            "patch.invalid-path"),
        Case(
            "PATCH removing userName", patch("good1", #"[{"op":"remove","path":"userName"}]"#), "'userName' is required"
        ),
        Case("DELETE of an unknown id", delete(path: "/scim/v2/Users/nobody"), "resource.unknown-id"),
        Case("a path climbing out", delete(path: "/scim/v2/Users/../../etc/passwd"), "request.path"),
        Case("an encoded dot-dot id", delete(path: "/scim/v2/Users/%2e%2e"), "request.path"),
        Case("a NUL in the id", delete(path: "/scim/v2/Users/a%00b"), "request.path"),
        Case("bad percent-encoding", delete(path: "/scim/v2/Users/%ff%fe"), "request.path"),
        Case("a URL with no endpoint", delete(path: "https://evil.example/../etc"), "request.path"),
        Case("a month 13", delete(path: "/Users/x", time: "2026-13-01T00:00:00Z"), "record.invalid-time"),
        Case("February 30", delete(path: "/Users/x", time: "2026-02-30T00:00:00Z"), "record.invalid-time"),
        Case("epoch seconds", delete(path: "/Users/x", time: "1764291600"), "record.invalid-time"),
        Case("no seconds", delete(path: "/Users/x", time: "2026-11-28T01:00Z"), "record.invalid-time"),
        Case("a date only", delete(path: "/Users/x", time: "2026-11-28"), "record.invalid-time"),
        Case(
            "too many PATCH operations",
            patch(
                "good1",
                "["
                    + Array(repeating: #"{"op":"add","path":"title","value":"t"}"#, count: 10_001)
                    .joined(separator: ",") + "]"), "more than 10000 operations"),
    ]

    /// Imports good, hostile, good; returns the failure events and the users.
    func importAround(_ hostile: [UInt8]) throws -> (status: Int32, failures: [JSONObject], users: [String]) {
        var bytes = Array((Self.post("good1@x", id: "good1") + "\n").utf8)
        bytes += hostile + [0x0A]
        bytes += Array((Self.post("good2@x", id: "good2") + "\n").utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/in.jsonl"))
        let result = try runner.run([
            "import", "in.jsonl", "--app", "App", "--store", "s.sqlite", "--format", "scim-log",
        ])
        let report = try runner.run(["report", "--store", "s.sqlite", "--status", "failure", "--format", "jsonl"])
        let failures = try report.stdout.split(separator: "\n").compactMap {
            try JSONParser.parse(String($0)).objectValue
        }
        let users = try runner.run(["users", "--store", "s.sqlite", "--format", "jsonl"]).stdout
            .split(separator: "\n").compactMap {
                try JSONParser.parse(String($0)).objectValue?["userName"]?.stringValue
            }
        return (result.status, failures, users)
    }

    @Test(arguments: cases)
    func aHostileRecordFailsAloneWithItsReason(_ hostile: Case) throws {
        let (status, failures, users) = try importAround(hostile.line)
        #expect(status == 1)
        #expect(failures.count == 1)
        let failure = try #require(failures.first)
        #expect(failure["source"]?.stringValue == "in.jsonl:2")
        let reason = failure["reason"]?.stringValue ?? ""
        #expect(reason.contains(hostile.reason), "\(reason)")
        #expect(!reason.contains("\n"), "a reason is one line")
        #expect(users.contains("good1@x") && users.contains("good2@x"))
    }

    @Test func aFiftyMegabyteLineFailsAloneAndReadingGoesOn() throws {
        let huge =
            Array(#"{"time":"2026-11-28T01:00:00Z","method":"POST","path":"/Users","request":{"userName":""#.utf8)
            + [UInt8](repeating: 0x78, count: 50 << 20) + Array(#""}}"#.utf8)
        let (status, failures, users) = try importAround(huge)
        #expect(status == 1)
        #expect(
            failures.first?["reason"]?.stringValue?.hasPrefix("record.too-long: the line is longer than 16777216 bytes")
                == true)
        #expect(failures.first?["source"]?.stringValue == "in.jsonl:2")
        #expect(users.sorted() == ["good1@x", "good2@x"])
    }

    @Test(arguments: [
        ("2026-11-28T01:00:00Z", "2026-11-28T01:00:00.000Z"), ("2026-11-28t01:00:00z", "2026-11-28T01:00:00.000Z"),
        ("2026-11-28T03:00:00+02:00", "2026-11-28T01:00:00.000Z"), ("2026-11-28 01:00:00Z", "2026-11-28T01:00:00.000Z"),
        ("2026-11-28T01:00:00.123456789Z", "2026-11-28T01:00:00.123Z"),
        ("2026-11-28T23:59:60Z", "2026-11-28T23:59:59.000Z"),
    ])
    func acceptedTimestampFormsAreNormalisedToUTCMilliseconds(_ time: String, _ expected: String) throws {
        let (_, failures, _) = try importAround(Array(Self.delete(path: "/Users/nobody", time: time).utf8))
        #expect(failures.first?["time"]?.stringValue == expected)
    }

    @Test func oddButValidValuesAreKeptAsSent() throws {
        let line =
            #"{"time":"2026-11-28T01:00:00Z","method":"POST","path":"/Users","status":201,"request":{"schemas":["\#(Self.user)","urn:evil:schema"],"userName":"=cmd|' /C calc'!A0","displayName":"+SUM(1,2)","urn:evil:schema":{"n":1e999999,"big":123456789012345678901234567890}},"response":{"id":"f"}}"#
        let (status, failures, users) = try importAround(Array(line.utf8))
        #expect(status == 0, "\(failures)")
        #expect(users.contains("=cmd|' /C calc'!A0"))
        let csv = try runner.run(["report", "--store", "s.sqlite", "--format", "csv"]).stdout
        #expect(csv.contains(",'=cmd|"), "a formula-like cell is neutralised")
        #expect(!csv.contains(",=cmd|") && !csv.contains(",+SUM"))
        let users2 = try runner.run(["users", "--store", "s.sqlite", "--format", "json"]).stdout
        #expect(
            users2.contains("1e999999") && users2.contains("123456789012345678901234567890"), "numbers kept as text")
    }

    @Test func aTruncatedLastLineIsNeverConsumed() throws {
        let line = Self.post("late@x", id: "late")
        try Fixtures.write(Self.post("a@x", id: "a") + "\n" + line.prefix(50), to: directory + "/logs/app.jsonl")
        try Fixtures.write(
            "version: 1\nname: t\napp: App\nstore: s.sqlite\ninputs:\n  - path: logs/app.jsonl\n    format: scim-log\n",
            to: directory + "/jobs/t.yml")
        for _ in 0..<2 {
            let run = try runner.run(["run", "jobs/t.yml"])
            #expect(run.status == 0)
            #expect(run.stderr.contains("the last line is incomplete"))
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/logs/app.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line.dropFirst(50) + "\n").utf8))
        try handle.close()
        #expect(try runner.run(["run", "jobs/t.yml"]).stderr.contains("read 1, created 1"))
    }

    @Test func aByteOrderMarkBeforeTheFirstRecordIsAccepted() throws {
        let (status, failures, users) = try importAround(Array(Self.post("bom@x", id: "bom").utf8))
        #expect(status == 0 && failures.isEmpty)
        try Data([0xEF, 0xBB, 0xBF] + Array((Self.post("first@x", id: "first") + "\n").utf8))
            .write(to: URL(fileURLWithPath: directory + "/bom.jsonl"))
        let result = try runner.run(["import", "bom.jsonl", "--app", "App", "--store", "s.sqlite"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(users.contains("bom@x"))
    }

    @Test(arguments: [
        ("ragged", "userName,active\na@x,true\nb@x\nc@x,true,extra,more\n"),
        ("runaway quote", "userName,displayName\na@x,\"never closed\nb@x,B\n"),
    ])
    func raggedOrRunawayCSVFailsPerRowOrClearly(_ name: String, _ text: String) throws {
        try Fixtures.write(text, to: directory + "/u.csv")
        let result = try runner.run(["import", "u.csv", "--app", "App", "--store", "s.sqlite", "--format", "csv"])
        #expect([1, 4].contains(result.status), "\(name): \(result.status) \(result.stderr)")
        #expect(!result.stderr.contains("never closed"), "no raw input in messages")
    }

    @Test func xmlWithADoctypeIsRefusedBeforeParsing() throws {
        try Fixtures.write(
            "\u{FEFF}<?xml version=\"1.0\"?>\n<!DOCTYPE u [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><u>&x;</u>",
            to: directory + "/u.xml")
        for format in ["scim-log", "scim-list", "csv"] {
            let result = try runner.run(["import", "u.xml", "--app", "App", "--store", "s.sqlite", "--format", format])
            #expect(result.status == 4, "\(format)")
            #expect(!result.stderr.contains("root:"), "the entity was never expanded")
        }
    }
}
