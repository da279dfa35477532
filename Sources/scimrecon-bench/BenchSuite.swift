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
    var logPath: String { "\(work)/log-s\(options.seed)-m\(options.events).jsonl" }
    var snapshotPath: String { "\(work)/snapshot-\(tag).json" }
    var csvPath: String { "\(work)/users-\(tag).csv" }
    var errorPath: String { "\(work)/stderr.txt" }
    func store(_ name: String) -> String { "\(work)/\(name).sqlite" }

    /// Writes the workload files that are not there yet (they are reused across invocations).
    func generate() throws(BenchError) {
        let generator = WorkloadGenerator(seed: options.seed, users: options.users, events: options.events)
        if !BenchFiles.exists(logPath) { _ = try generator.writeLog(to: logPath) }
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

    /// Runs `arguments` `runs` times; `prepare` runs (untimed) before each.
    @discardableResult
    func measure(
        _ name: String, items: Int, unit: String, runs: Int? = nil, stdout output: String = "/dev/null",
        prepare: () throws -> Void = {}, _ arguments: [String]
    ) throws -> BenchResult {
        var result = BenchResult(name: name, items: items, unit: unit, seconds: [], peakBytes: 0)
        for _ in 0..<(runs ?? options.runs) {
            try prepare()
            let measurement = try ChildProcess.run(arguments, stdout: output, stderr: errorPath)
            guard measurement.status == 0 || measurement.status == 1 else {
                throw BenchError(
                    "\(name): \(arguments[0]) exited \(measurement.status): \(BenchFiles.firstLine(errorPath))")
            }
            if measurement.status == 1 {
                result.note = "exit 1 (some records failed): \(BenchFiles.firstLine(errorPath))"
            }
            result.seconds.append(measurement.seconds)
            result.peakBytes = max(result.peakBytes, measurement.peakBytes)
        }
        results.append(result)
        let rate = result.items > 0 ? ", \(Figures.grouped(result.rate)) \(unit)/s" : ""
        print(
            "  \(name): \(Figures.duration(result.median))\(rate), peak \(Figures.megabytes(result.peakBytes)) MB",
            terminator: "\n")
        fflush(nil)
        return result
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

        try measure(
            "snapshot run, empty store", items: users, unit: "users",
            prepare: { BenchFiles.removeStore(scratch) },
            [binary, "run", "\(work)/snapshot-\(tag).yml", "--store", scratch, "--force"])
        try BenchFiles.copyStore(scratch, to: base)

        try measure(
            "snapshot run, unchanged", items: users, unit: "users",
            prepare: { try BenchFiles.copyStore(base, to: scratch) },
            [binary, "run", "\(work)/snapshot-\(tag).yml", "--store", scratch, "--force"])

        try measure(
            "import log, full store", items: events, unit: "events",
            prepare: { try BenchFiles.copyStore(base, to: scratch) },
            importArguments(logPath, format: "scim-log", store: scratch))

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
            "report --user (1 user), json", items: 0, unit: "", runs: max(5, options.runs),
            [binary, "report", "--store", history, "--user", "user\(users / 2)@contoso.example", "--format", "json"])
        try measure(
            "report --user --since 1d --action delete", items: 0, unit: "", runs: max(5, options.runs),
            [
                binary, "report", "--store", history, "--user", "user\(users / 3)*", "--since", "2026-12-02",
                "--action", "delete", "--format", "csv",
            ])
    }

    /// Replays a log four times as long once, to show peak memory does not follow input size.
    func measureMemory() throws {
        let events = options.memoryEvents ?? options.events * 4
        let path = "\(work)/log-s\(options.seed)-m\(events).jsonl"
        if !BenchFiles.exists(path) {
            let generator = WorkloadGenerator(seed: options.seed, users: options.users, events: events)
            _ = try generator.writeLog(to: path)
        }
        let scratch = store("scratch")
        try measure(
            "import log ×\(events / max(options.events, 1)), empty store", items: events, unit: "events", runs: 1,
            prepare: { BenchFiles.removeStore(scratch) }, importArguments(path, format: "scim-log", store: scratch))
        BenchFiles.removeStore(scratch)
    }
}
