#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The peers: plain tools doing the floor of the same work, on the same files, in the same run.
extension BenchSuite {
    static let reportColumns =
        "time_ms, run, app, user, user_id, external_id, action, status, reason, changes, source"

    /// Runs every peer whose tool is installed; a missing one is skipped with a note.
    func measurePeers(replayScript: String?) throws {
        print("peers:")
        let scratch = store("peer")
        if ChildProcess.available("jq") {
            try measure("peer: jq -c . (log)", items: options.events, unit: "events", ["jq", "-c", ".", logPath])
        } else {
            notes.append("jq not installed: the JSON-reading floor was skipped")
        }
        if let replayScript, ChildProcess.available("python3") {
            try measure(
                "peer: python3 replay.py (log)", items: options.events, unit: "events",
                prepare: { BenchFiles.removeStore(scratch) }, ["python3", replayScript, logPath, scratch, app])
        } else {
            notes.append("python3 or bench/replay.py not found: the Python replay peer was skipped")
        }
        guard ChildProcess.available("sqlite3") else {
            notes.append("sqlite3 not installed: the SQLite CLI peers were skipped")
            return
        }
        try measure(
            "peer: sqlite3 .import (CSV)", items: options.users, unit: "rows",
            prepare: { BenchFiles.removeStore(scratch) }, ["sqlite3", scratch, ".import --csv \(csvPath) users"])
        let reportFile = "\(work)/report.out"
        try measure(
            "peer: sqlite3 -csv SELECT (all events)",
            items: results.first { $0.name == "report csv, all events" }?
                .items ?? 0, unit: "rows", stdout: reportFile,
            ["sqlite3", "-csv", store("history"), "SELECT \(Self.reportColumns) FROM events ORDER BY time_ms, seq"])
        unlink(reportFile)
        BenchFiles.removeStore(scratch)
    }

    /// The targets, checked against this run's medians.
    static let targets: [BenchTarget] = [
        BenchTarget(
            name: "log replay ≥ 3× faster than Python", ours: "import log, empty store",
            peer: "peer: python3 replay.py (log)", bound: 1.0 / 3.0, kind: .ratio),
        BenchTarget(
            name: "log replay within 2× of jq", ours: "import log, empty store", peer: "peer: jq -c . (log)",
            bound: 2, kind: .ratio),
        BenchTarget(
            name: "CSV import within 1.5× of sqlite3 .import", ours: "import CSV, empty store",
            peer: "peer: sqlite3 .import (CSV)", bound: 1.5, kind: .ratio),
        BenchTarget(
            name: "full CSV report within 1.5× of sqlite3 -csv", ours: "report csv, all events",
            peer: "peer: sqlite3 -csv SELECT (all events)", bound: 1.5, kind: .ratio),
        BenchTarget(
            name: "filtered report under 50 ms", ours: "report --user (1 user), json", peer: nil, bound: 0.05,
            kind: .seconds),
    ]
}
