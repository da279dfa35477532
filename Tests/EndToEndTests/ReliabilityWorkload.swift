import Foundation
import SCIMReconTestSupport

/// A deterministic, seeded random source (SplitMix64), so a failing trial can be replayed from
/// its seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A multi-run request-log workload: a log that grows by a chunk every run, plus one new daily
/// file per run, with creates, updates, PUTs, deactivations, re-activations, deletes, GETs,
/// groups and a few failing requests.
struct ReliabilityWorkload {
    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let patch = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"

    /// Lines appended to `logs/main.jsonl` by each run.
    var growing: [[String]] = []
    /// The new file `logs/daily-<run>.jsonl` of each run.
    var daily: [[String]] = []

    var runs: Int { growing.count }
    var lineCount: Int { growing.reduce(0) { $0 + $1.count } + daily.reduce(0) { $0 + $1.count } }

    /// Builds `runs` runs of about `linesPerRun` lines each.
    init(runs: Int, linesPerRun: Int, seed: UInt64 = 7) {
        var random = SeededRandom(seed: seed)
        var generator = LineGenerator()
        for _ in 0..<runs {
            let dailyCount = linesPerRun / 5
            growing.append((0..<(linesPerRun - dailyCount)).map { _ in generator.next(&random) })
            daily.append((0..<dailyCount).map { _ in generator.next(&random) })
        }
    }

    /// The job file that reads both inputs and writes one JSON report per run.
    static let job = """
        version: 1
        name: crash
        app: App
        store: store.sqlite
        inputs:
          - path: logs/*.jsonl
            format: scim-log
        policy:
          max_deprovisions: 1000000
        reports:
          - format: json
            output: reports/{name}-{run}.json
            since: 3650d
        """

    /// Writes the job and the inputs as they stand before run `run` (1-based) into `directory`.
    func stage(run: Int, in directory: String) throws {
        if run == 1 {
            try Fixtures.write(Self.job, to: directory + "/jobs/crash.yml")
            try Fixtures.write("", to: directory + "/logs/main.jsonl")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/logs/main.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((growing[run - 1].joined(separator: "\n") + "\n").utf8))
        try handle.close()
        try Fixtures.write(
            daily[run - 1].joined(separator: "\n") + "\n", to: directory + "/logs/daily-\(run).jsonl")
    }

    /// The state after `runs` uninterrupted runs, computed in a folder of its own.
    func state(afterRuns runs: Int) throws -> StoreState {
        guard runs > 0 else { return .empty }
        let directory = try Fixtures.temporaryDirectory("reference")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runner = ReliabilityCrashTests.runner(directory)
        for run in 1...runs {
            try stage(run: run, in: directory)
            _ = try runner.run(["run", "jobs/crash.yml"])
        }
        return try StoreState.capture(runner)
    }
}

/// Makes request-log lines over a growing population of users and groups.
struct LineGenerator {
    var created: [Int] = []
    var nextUser = 0
    var groups: [Int] = []
    var second = 0

    mutating func time() -> String {
        second += 1
        let date = Date(timeIntervalSince1970: 1_795_000_000 + Double(second))
        return ISO8601DateFormatter().string(from: date)
    }

    mutating func next(_ random: inout SeededRandom) -> String {
        let roll = Int.random(in: 0..<100, using: &random)
        let time = time()
        let user = ReliabilityWorkload.user
        let patch = ReliabilityWorkload.patch
        guard !created.isEmpty, roll >= 30 else {
            let index = nextUser
            nextUser += 1
            created.append(index)
            return
                #"{"time":"\#(time)","method":"POST","path":"/scim/v2/Users","status":201,"headers":{"Authorization":"Bearer wl-\#(index)"},"request":{"schemas":["\#(user)"],"userName":"user\#(index)@example.test","externalId":"ext-\#(index)","active":true,"displayName":"User \#(index)","name":{"givenName":"Given\#(index)","familyName":"Family\#(index)"},"emails":[{"value":"user\#(index)@example.test","type":"work","primary":true}]},"response":{"id":"id-\#(index)"}}"#
        }
        let target = created[Int.random(in: 0..<created.count, using: &random)]
        switch roll {
        case 30..<55:
            let name = Int.random(in: 0..<1000, using: &random)
            return
                #"{"time":"\#(time)","method":"PATCH","path":"/scim/v2/Users/id-\#(target)","status":200,"request":{"schemas":["\#(patch)"],"Operations":[{"op":"Replace","path":"displayName","value":"Renamed \#(name)"}]}}"#
        case 55..<65:
            let active = Bool.random(using: &random)
            return
                #"{"time":"\#(time)","method":"PATCH","path":"/scim/v2/Users/id-\#(target)","status":200,"request":{"schemas":["\#(patch)"],"Operations":[{"op":"replace","path":"active","value":"\#(active ? "True" : "False")"}]}}"#
        case 65..<72:
            return
                #"{"time":"\#(time)","method":"PUT","path":"/scim/v2/Users/id-\#(target)","status":200,"request":{"schemas":["\#(user)"],"userName":"user\#(target)@example.test","externalId":"ext-\#(target)","active":true,"displayName":"Put \#(roll)","name":{"givenName":"G\#(roll)","familyName":"F\#(target)"}}}"#
        case 72..<76:
            created.removeAll { $0 == target }
            return #"{"time":"\#(time)","method":"DELETE","path":"/scim/v2/Users/id-\#(target)","status":204}"#
        case 76..<82:
            return
                #"{"time":"\#(time)","method":"GET","path":"/scim/v2/Users?filter=userName%20eq%20%22user\#(target)%40example.test%22","status":200}"#
        case 82..<86:
            let index = groups.count
            groups.append(index)
            return
                #"{"time":"\#(time)","method":"POST","path":"/scim/v2/Groups","status":201,"request":{"schemas":["\#(ReliabilityWorkload.group)"],"displayName":"Group \#(index)","members":[{"value":"id-\#(target)"}]},"response":{"id":"grp-\#(index)"}}"#
        case 86..<92 where !groups.isEmpty:
            let group = groups[Int.random(in: 0..<groups.count, using: &random)]
            let op = Bool.random(using: &random) ? "add" : "remove"
            let value = op == "add" ? #","value":[{"value":"id-\#(target)"}]"# : ""
            let path = op == "add" ? "members" : #"members[value eq \"id-\#(target)\"]"#
            return
                #"{"time":"\#(time)","method":"PATCH","path":"/scim/v2/Groups/grp-\#(group)","status":200,"request":{"schemas":["\#(patch)"],"Operations":[{"op":"\#(op)","path":"\#(path)"\#(value)}]}}"#
        case 92..<95:
            return
                #"{"time":"\#(time)","method":"PATCH","path":"/scim/v2/Users/id-unknown-\#(roll)","status":200,"request":{"schemas":["\#(patch)"],"Operations":[{"op":"replace","path":"active","value":false}]}}"#
        case 95..<97:
            return
                #"{"time":"\#(time)","method":"POST","path":"/scim/v2/Users","status":409,"request":{"schemas":["\#(user)"],"userName":"user\#(target)@example.test"}}"#
        default:
            return
                #"{"time":"\#(time)","method":"PATCH","path":"/scim/v2/Users/id-\#(target)","status":200,"request":{"schemas":["\#(patch)"],"Operations":[{"op":"add","path":"emails[type eq \"home\"].value","value":"home\#(roll)@example.test"}]}}"#
        }
    }
}

/// What a store holds, as the commands print it: users, groups, and the events without their
/// run ids (a crashed run's id may be reused), sorted.
struct StoreState: Equatable {
    var users: [String]
    var groups: [String]
    var events: [String]

    static func capture(_ runner: BinaryRunner, store: String = "store.sqlite") throws -> StoreState {
        func lines(_ arguments: [String]) throws -> [String] {
            let result = try runner.run(arguments + ["--store", store, "--format", "jsonl"])
            // A first run killed before its schema committed leaves no store: the state of 0 runs.
            if result.status == 4 && result.stderr.contains("no store here yet") { return [] }
            guard result.status == 0 else { return ["<\(arguments[0]) exited \(result.status)>"] }
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        let runID = try NSRegularExpression(pattern: #""run":[0-9]+"#)
        let events = try lines(["report"]).map { line in
            runID.stringByReplacingMatches(
                in: line, range: NSRange(line.startIndex..., in: line), withTemplate: #""run":0"#)
        }
        return StoreState(users: try lines(["users"]), groups: try lines(["groups"]), events: events.sorted())
    }

    static let empty = StoreState(users: [], groups: [], events: [])

    /// How many events each source (`file:line`) produced, for the "recorded once" check.
    var eventsPerSource: [String: Int] {
        var counts: [String: Int] = [:]
        for event in events {
            guard let range = event.range(of: #""source":"[^"]*""#, options: .regularExpression) else { continue }
            counts[String(event[range]), default: 0] += 1
        }
        return counts
    }
}

/// Store file checks with the `sqlite3` command-line tool.
enum StoreFile {
    /// `PRAGMA integrity_check` of the store file (after the writer is gone).
    static func integrity(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, "PRAGMA integrity_check;"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var hasSQLiteTool: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") }
}
