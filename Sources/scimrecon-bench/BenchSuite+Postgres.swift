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
        func reset() throws {
            let result = try ChildProcess.run(
                [
                    "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c",
                    "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public",
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
        // The last replay's history stays for the reports.
        let reportFile = "\(work)/report-postgres.out"
        for format in ["jsonl", "json", "csv", "xml"] {
            try measure(
                "PostgreSQL: report \(format), all events", items: events, unit: "rows", stdout: reportFile,
                [binary, "report", "--store", url, "--format", format])
        }
        unlink(reportFile)
        try measure(
            Self.postgres + Self.oneUserReport, items: 0, unit: "", runs: max(5, options.runs),
            [binary, "report", "--store", url, "--user", "user\(users / 2)@contoso.example", "--format", "json"])
        try measure(
            Self.postgres + Self.wildcardReport, items: 0, unit: "", runs: max(5, options.runs),
            [
                binary, "report", "--store", url, "--user", "user\(users / 3)*", "--since", "2026-12-02",
                "--action", "delete", "--format", "csv",
            ])

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

/// The bench's arguments as printed: a URL's password (`://user:password@`) as `***`.
func maskingPasswords(_ arguments: [String]) -> [String] {
    arguments.map { argument in
        guard let scheme = argument.firstRange(of: "://"), let at = argument[scheme.upperBound...].firstIndex(of: "@"),
            let colon = argument[scheme.upperBound..<at].firstIndex(of: ":")
        else { return argument }
        return String(argument[...colon]) + "***" + String(argument[at...])
    }
}
