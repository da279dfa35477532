#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Generates the workloads and measures the release `scimrecon` on them, then the peers.
final class BenchSuite {
    let options: BenchOptions
    let binary: String
    let work: String
    let app = "Bench"
    var results: [BenchResult] = []
    var notes: [String] = []

    init(options: BenchOptions, binary: String, work: String) {
        self.options = options
        self.binary = binary
        self.work = work
    }

    var tag: String { "s\(options.seed)-n\(options.users)-m\(options.events)" }
    func logPath(events: Int) -> String { "\(work)/log-s\(options.seed)-m\(events).jsonl" }
    var logPath: String { logPath(events: options.events) }
    var snapshotPath: String { "\(work)/snapshot-\(tag).json" }
    var csvPath: String { "\(work)/users-\(tag).csv" }
    var errorPath: String { "\(work)/stderr.txt" }
    func store(_ name: String) -> String { "\(work)/\(name).sqlite" }

    /// The replay that goes into an empty store and into one holding the N users: 20k records
    /// (a tenth of M when M is smaller, so `--quick` has it too at a small size).
    var sliceEvents: Int { min(20_000, max(1, options.events / 10)) }
    /// The second replay size issue 12 names (200k records), measured beside M when M is larger.
    var secondReplayEvents: Int? { options.events > 200_000 ? 200_000 : nil }

    /// Writes the workload files that are not there yet (they are reused across invocations).
    func generate() throws(BenchError) {
        let generator = WorkloadGenerator(seed: options.seed, users: options.users, events: options.events)
        for events in [options.events, sliceEvents] + (secondReplayEvents.map { [$0] } ?? [])
        where !BenchFiles.exists(logPath(events: events)) {
            var sized = generator
            sized.events = events
            _ = try sized.writeLog(to: logPath(events: events))
        }
        if !BenchFiles.exists(snapshotPath) { try generator.writeSnapshot(to: snapshotPath) }
        if !BenchFiles.exists(csvPath) { try generator.writeCSV(to: csvPath) }
        let snapshotJob = """
            version: 1
            name: bench-snapshot
            app: \(app)
            inputs:
              - path: \(snapshotPath)
                format: scim-list
                mode: snapshot
            match: [externalId, userName]

            """
        try BenchFiles.write(snapshotJob, to: "\(work)/snapshot-\(tag).yml")
    }

    /// One measured command: what it is called, how much work it does, what runs before it.
    struct Workload {
        var name: String
        var items: Int
        var unit: String
        var stdout = "/dev/null"
        var prepare: () throws -> Void = {}
        var arguments: [String]
    }

    /// Runs `workload` `runs` times; its `prepare` runs (untimed) before each.
    @discardableResult
    func measure(
        _ name: String, items: Int, unit: String, runs: Int? = nil, stdout output: String = "/dev/null",
        prepare: @escaping () throws -> Void = {}, _ arguments: [String]
    ) throws -> BenchResult {
        let workload = Workload(
            name: name, items: items, unit: unit, stdout: output, prepare: prepare, arguments: arguments)
        return try measureAlternating([workload], runs: runs ?? options.runs)[0]
    }

    /// Runs the workloads in turn, `runs` rounds of one run each, so a ratio between them is taken
    /// under the same load on the machine (other builds share it).
    @discardableResult
    func measureAlternating(_ workloads: [Workload], runs: Int) throws -> [BenchResult] {
        var measured = workloads.map {
            BenchResult(name: $0.name, items: $0.items, unit: $0.unit, seconds: [], peakBytes: 0)
        }
        for _ in 0..<runs {
            for (index, workload) in workloads.enumerated() {
                try workload.prepare()
                let measurement = try ChildProcess.run(workload.arguments, stdout: workload.stdout, stderr: errorPath)
                guard measurement.status == 0 || measurement.status == 1 else {
                    throw BenchError(
                        "\(workload.name): \(workload.arguments[0]) exited \(measurement.status): "
                            + BenchFiles.firstLine(errorPath))
                }
                if measurement.status == 1 {
                    measured[index].note = "exit 1 (some records failed): \(BenchFiles.firstLine(errorPath))"
                }
                measured[index].seconds.append(measurement.seconds)
                measured[index].peakBytes = max(measured[index].peakBytes, measurement.peakBytes)
            }
        }
        for result in measured {
            results.append(result)
            let rate = result.items > 0 ? ", \(Figures.grouped(result.rate)) \(result.unit)/s" : ""
            print(
                "  \(result.name): \(Figures.duration(result.median))\(rate), "
                    + "peak \(Figures.megabytes(result.peakBytes)) MB",
                terminator: "\n")
        }
        fflush(nil)
        return measured
    }

    func importArguments(_ file: String, format: String, store: String) -> [String] {
        [binary, "import", file, "--app", app, "--format", format, "--store", store, "--force"]
    }

    /// Every scimrecon measurement.
    func measureScimrecon() throws {
        let users = options.users
        let events = options.events
        let history = store("history")
        let base = store("base")
        let scratch = store("scratch")
        print("scimrecon (\(binary)):")

        try measure(
            "import log, empty store", items: events, unit: "events",
            prepare: { BenchFiles.removeStore(scratch) }, importArguments(logPath, format: "scim-log", store: scratch))
        try BenchFiles.copyStore(scratch, to: history)
        if let second = secondReplayEvents {
            try measure(
                "import log (\(Figures.count(second))), empty store", items: second, unit: "events",
                prepare: { BenchFiles.removeStore(scratch) },
                importArguments(logPath(events: second), format: "scim-log", store: scratch))
        }

        let job = "\(work)/snapshot-\(tag).yml"
        let baseline = options.baselineBinary
        // With --baseline-binary each round runs the earlier binary first and ours last, so the
        // store left behind (the base of the next measurements) is ours.
        func snapshotRuns(_ name: String, prepare: @escaping () throws -> Void) -> [Workload] {
            let earlier = baseline.map { earlier in
                Workload(
                    name: Self.baselineName(name), items: users, unit: "users", prepare: prepare,
                    arguments: [earlier, "run", job, "--store", scratch, "--force"])
            }
            let ours = Workload(
                name: name, items: users, unit: "users", prepare: prepare,
                arguments: [binary, "run", job, "--store", scratch, "--force"])
            return (earlier.map { [$0] } ?? []) + [ours]
        }
        try measureAlternating(
            snapshotRuns("snapshot run, empty store") { BenchFiles.removeStore(scratch) }, runs: options.runs)
        try BenchFiles.copyStore(scratch, to: base)
        try measureAlternating(
            snapshotRuns("snapshot run, unchanged") { try BenchFiles.copyStore(base, to: scratch) },
            runs: options.runs)

        // The same slice of the log into an empty store and into the snapshot's store of N users,
        // alternating, at least 5 rounds: the work should follow the input, not the store.
        let slice = logPath(events: sliceEvents)
        let loaded = store("loaded")
        try measureAlternating(
            [
                Workload(
                    name: sliceName(loaded: false), items: sliceEvents, unit: "events",
                    prepare: { BenchFiles.removeStore(scratch) },
                    arguments: importArguments(slice, format: "scim-log", store: scratch)),
                Workload(
                    name: sliceName(loaded: true), items: sliceEvents, unit: "events",
                    prepare: { try BenchFiles.copyStore(base, to: loaded) },
                    arguments: importArguments(slice, format: "scim-log", store: loaded)),
            ], runs: max(5, options.runs))
        BenchFiles.removeStore(loaded)

        try measure(
            "import CSV, empty store", items: users, unit: "rows",
            prepare: { BenchFiles.removeStore(scratch) }, importArguments(csvPath, format: "csv", store: scratch))

        let reportFile = "\(work)/report.out"
        try measure(
            "report jsonl, all events", items: 0, unit: "rows", stdout: reportFile,
            [binary, "report", "--store", history, "--format", "jsonl"])
        let rows = BenchFiles.countLines(reportFile)
        results[results.count - 1].items = rows
        for format in ["json", "csv", "xml"] {
            try measure(
                "report \(format), all events", items: rows, unit: "rows", stdout: reportFile,
                [binary, "report", "--store", history, "--format", format])
        }
        unlink(reportFile)
        try measure(
            Self.oneUserReport, items: 0, unit: "", runs: max(5, options.runs), oneUserArguments(store: history))
        try measure(
            Self.wildcardReport, items: 0, unit: "", runs: max(5, options.runs), wildcardArguments(store: history))
    }

    /// The one user the one-user report asks for.
    var oneUser: String { "user\(options.users / 2)@contoso.example" }
    /// The wildcard report's user prefix (`--user PREFIX*`).
    var wildcardPrefix: String { "user\(options.users / 3)" }
    /// The wildcard report's `--since`, and the same instant in milliseconds (for SQL peers).
    static let wildcardSince = "2026-12-02"
    static let wildcardSinceMilliseconds: Int64 = 1_796_169_600_000

    func oneUserArguments(store: String) -> [String] {
        [binary, "report", "--store", store, "--user", oneUser, "--format", "json"]
    }

    func wildcardArguments(store: String) -> [String] {
        [
            binary, "report", "--store", store, "--user", wildcardPrefix + "*", "--since", Self.wildcardSince,
            "--action", "delete", "--format", "csv",
        ]
    }

    /// The name of a result measured with `--baseline-binary`.
    static func baselineName(_ name: String) -> String { "baseline: \(name)" }

    static let oneUserReport = "report --user (1 user), json"
    static let wildcardReport = "report --user 'user…*' --since --action delete, csv"

    /// The slice replay's result name.
    func sliceName(loaded: Bool) -> String {
        "import log (\(Figures.count(sliceEvents))), "
            + (loaded ? "store holding the \(Figures.count(options.users)) users" : "empty store")
    }

    /// Replays a log four times as long once, to show peak memory does not follow input size.
    func measureMemory() throws {
        let events = options.memoryEvents ?? options.events * 4
        let path = logPath(events: events)
        if !BenchFiles.exists(path) {
            let generator = WorkloadGenerator(seed: options.seed, users: options.users, events: events)
            _ = try generator.writeLog(to: path)
        }
        let scratch = store("scratch")
        try measure(
            memoryName, items: events, unit: "events", runs: 1,
            prepare: { BenchFiles.removeStore(scratch) }, importArguments(path, format: "scim-log", store: scratch))
        BenchFiles.removeStore(scratch)
    }

    var memoryEvents: Int { options.memoryEvents ?? options.events * 4 }
    var memoryName: String { "import log (\(Figures.count(memoryEvents))), empty store, memory check" }
}
