#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--postgres URL`: the replay, CSV import and report workloads against a PostgreSQL store, and
/// two applications' replays at once against their sum (several runners on one server).
///
/// Between measurements the database is emptied with `psql` (`DROP SCHEMA public CASCADE`), so
/// the URL must name a database the bench may wipe. Names print without the URL (its password).
extension BenchSuite {
    func measurePostgres(_ url: String) throws {
        guard ChildProcess.available("psql") else {
            notes.append("PostgreSQL: skipped, psql is not on PATH (it empties the database between runs)")
            return
        }
        // Each measurement starts on a quiet server: the checkpoint writes out the pages the last
        // run dirtied, which would otherwise be written while the next one is timed.
        func reset() throws {
            let result = try ChildProcess.run(
                [
                    "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c",
                    "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public", "-c", "CHECKPOINT",
                ], stderr: errorPath)
            guard result.status == 0 else { throw BenchError("psql: \(BenchFiles.firstLine(errorPath))") }
        }
        let users = options.users
        let events = options.events
        print("scimrecon on PostgreSQL:")
        try measure(
            "PostgreSQL: import CSV, empty store", items: users, unit: "rows", prepare: reset,
            importArguments(csvPath, format: "csv", store: url))
        try measure(
            "PostgreSQL: import log, empty store", items: events, unit: "events", prepare: reset,
            importArguments(logPath, format: "scim-log", store: url))
        // The last replay's history stays for the reports. Each alternates, round by round (five
        // at least), with the same report of SQLite's history of the same log, so their ratio is
        // taken under the same load (the machine's noise between one minute and the next is ±25%).
        let reportFile = "\(work)/report-postgres.out"
        for format in ["jsonl", "json", "csv", "xml"] {
            try measureAlternating(
                [
                    Workload(
                        name: Self.postgres + "report \(format), all events", items: events, unit: "rows",
                        stdout: reportFile, arguments: [binary, "report", "--store", url, "--format", format]),
                    Workload(
                        name: Self.besidePostgres("report \(format), all events"), items: events, unit: "rows",
                        stdout: reportFile,
                        arguments: [binary, "report", "--store", store("history"), "--format", format]),
                ], runs: max(5, options.runs))
        }
        try measure(
            Self.psqlReport, items: events, unit: "rows", stdout: reportFile,
            [
                "psql", "-X", "-q", "--csv", "-d", url, "-c",
                "SELECT \(Self.psqlColumns) FROM events ORDER BY time_ms, seq",
            ])
        unlink(reportFile)
        try measure(
            Self.postgres + Self.oneUserReport, items: 0, unit: "", runs: max(5, options.runs),
            oneUserArguments(store: url))
        try measure(
            Self.postgres + Self.wildcardReport, items: 0, unit: "", runs: max(5, options.runs),
            wildcardArguments(store: url))
        // The same rows by psql: what an administrator would type instead, and below it what
        // any client pays before its first row (start, connect, authenticate, one statement).
        func userClause(_ comparison: String, _ value: String) -> String {
            "("
                + ["user_key", "email_key", "external_id_key", "user_id_key"].map { "\($0) \(comparison) '\(value)'" }
                .joined(separator: " OR ") + ")"
        }
        try measure(
            Self.psqlOneUser, items: 0, unit: "", runs: max(5, options.runs),
            [
                "psql", "-X", "-q", "--csv", "-d", url, "-c",
                "SELECT \(Self.psqlColumns) FROM events WHERE \(userClause("=", oneUser)) ORDER BY time_ms, seq",
            ])
        try measure(
            Self.psqlWildcard, items: 0, unit: "", runs: max(5, options.runs),
            [
                "psql", "-X", "-q", "--csv", "-d", url, "-c",
                "SELECT \(Self.psqlColumns) FROM events WHERE action = 'delete' "
                    + "AND time_ms >= \(Self.wildcardSinceMilliseconds) "
                    + "AND \(userClause("LIKE", wildcardPrefix + "%")) ORDER BY time_ms, seq",
            ])
        let connection = try measure(
            Self.psqlConnection, items: 0, unit: "", runs: max(5, options.runs),
            ["psql", "-X", "-q", "-At", "-d", url, "-c", "SELECT 1"])
        for report in [Self.oneUserReport, Self.wildcardReport] {
            guard let ours = results.first(where: { $0.name == Self.postgres + report }),
                let embedded = results.first(where: { $0.name == report })
            else { continue }
            notes.append(
                "PostgreSQL: \(report) took \(Figures.duration(ours.median)) against "
                    + "\(Figures.duration(embedded.median)) on SQLite; psql's SELECT 1 alone took "
                    + Figures.duration(connection.median))
        }

        // Two runners: the same log replayed for two applications, one after the other, then at once.
        let one = [binary, "import", logPath, "--format", "scim-log", "--store", url, "--force", "--app"]
        let first = try measure(
            "PostgreSQL: import log, app A alone", items: events, unit: "events", prepare: reset, one + ["A"])
        let second = try measure(
            "PostgreSQL: import log, app B alone", items: events, unit: "events", prepare: reset, one + ["B"])
        let both = try measure(
            "PostgreSQL: import log, apps A and B at once", items: events * 2, unit: "events", prepare: reset,
            [
                "/bin/sh", "-c",
                "\"$0\" import \"$1\" --format scim-log --store \"$2\" --force --app A & "
                    + "\"$0\" import \"$1\" --format scim-log --store \"$2\" --force --app B & wait",
                binary, logPath, url,
            ])
        notes.append(
            "PostgreSQL: two apps at once took \(Figures.duration(both.median)) against "
                + "\(Figures.duration(first.median + second.median)) for the two one after the other")
        try reset()
    }
}

extension BenchSuite {
    /// SQLite's figure for `name` measured alternating with PostgreSQL's.
    static func besidePostgres(_ name: String) -> String { "SQLite: \(name), beside PostgreSQL" }
}

/// The bench's arguments as printed: a URL's password (`://user:password@`) as `***`.
func maskingPasswords(_ arguments: [String]) -> [String] {
    arguments.map { argument in
        guard let scheme = argument.firstRange(of: "://"), let at = argument[scheme.upperBound...].firstIndex(of: "@"),
            let colon = argument[scheme.upperBound..<at].firstIndex(of: ":")
        else { return argument }
        return String(argument[...colon]) + "***" + String(argument[at...])
    }
}
