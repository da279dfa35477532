import SCIMKit
import SCIMReconCore

extension SQLiteStore {
    public func canonicalApp(_ name: String) throws(StoreError) -> String {
        let key = AppName.key(name)
        if let known = appNames[key] { return known }
        let select = try db.statement("SELECT name FROM apps WHERE key = ?")
        select.bind([.text(key)])
        if try select.step(), let known = select.text(0) {
            select.reset()
            appNames[key] = known
            return known
        }
        select.reset()
        try db.statement("INSERT INTO apps(key, name) VALUES(?, ?)").run([.text(key), .text(name)])
        // Not cached: a rolled-back transaction would take the row with it.
        return name
    }

    public func applications() throws(StoreError) -> [String] {
        let statement = try db.statement("SELECT name FROM apps ORDER BY key")
        var names: [String] = []
        while try statement.step() { names.append(statement.text(0) ?? "") }
        return names
    }

    /// `name` as the store spells it, or as given when the store does not know it.
    func storedSpelling(_ name: String) throws(StoreError) -> String {
        try applications().first { AppName.same($0, name) } ?? name
    }

    /// `filter` with its `--app` names spelled as the store keeps them, so that the SQL can
    /// compare them exactly (and use its indexes).
    func resolvingApps(_ filter: ReportFilter) throws(StoreError) -> ReportFilter {
        guard !filter.apps.isEmpty else { return filter }
        var copy = filter
        let (resolved, unknown) = AppName.resolve(filter.apps, known: try applications())
        copy.apps = resolved + unknown
        return copy
    }

    /// Migration 3 for a store written before applications were case-folded: registers each
    /// recorded application under its first spelling (the earliest run's, else any row's) and
    /// rewrites the other spellings to it, so one application's rows are found together.
    func registerRecordedApps() throws(StoreError) {
        var spellings: [String] = []
        for sql in [
            "SELECT app FROM runs GROUP BY app ORDER BY min(id)",
            "SELECT DISTINCT app FROM users", "SELECT DISTINCT app FROM groups",
            "SELECT DISTINCT app FROM events", "SELECT DISTINCT app FROM applied",
        ] {
            let statement = try db.uncachedStatement(sql)
            while try statement.step() {
                if let app = statement.text(0), !spellings.contains(app) { spellings.append(app) }
            }
        }
        var canonical: [String: String] = [:]
        for app in spellings {
            let key = AppName.key(app)
            guard let first = canonical[key] else {
                canonical[key] = app
                try db.statement("INSERT INTO apps(key, name) VALUES(?, ?)").run([.text(key), .text(app)])
                continue
            }
            guard first != app else { continue }
            // Keyed tables keep the first spelling's row where both exist (UPDATE OR IGNORE).
            for table in ["runs", "events"] {
                try db.statement("UPDATE \(table) SET app = ? WHERE app = ?").run([.text(first), .text(app)])
            }
            for table in ["users", "groups", "memberships", "applied"] {
                try db.statement("UPDATE OR IGNORE \(table) SET app = ? WHERE app = ?").run([.text(first), .text(app)])
                try db.statement("DELETE FROM \(table) WHERE app = ?").run([.text(app)])
            }
        }
    }
}
