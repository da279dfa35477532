/// Why a filter matched nothing, in words, with the nearest thing that exists (SPEC §2):
/// `no application named 'x'; the store has: Azure AD, Okta`, `no run 12; the last run is 9`.
public enum EmptyResultExplanation {
    /// The reasons `filter` selects no event, most specific first; empty when it does select some.
    public static func explain(_ filter: ReportFilter, in store: any StoreQueries) throws -> [String] {
        var reasons: [String] = []
        if let apps = try unknownApps(filter.apps, in: store) { reasons.append(apps) }
        if !filter.runs.isEmpty {
            var known = Set<Int64>()
            var last: Int64?
            try store.forEachRun { run in
                known.insert(run.id)
                last = run.id
            }
            for run in filter.runs where !known.contains(run) {
                reasons.append(
                    "no run \(run); " + (last.map { "the last run is \($0)" } ?? "the store has no runs yet"))
            }
        }
        guard reasons.isEmpty else { return reasons }
        guard try !store.hasEvents(filter) else { return [] }
        // Widen one part at a time and say which part excluded everything.
        var withoutTime = filter
        withoutTime.since = nil
        withoutTime.until = nil
        if filter.since != nil || filter.until != nil, let span = try store.eventSpan(withoutTime) {
            reasons.append(
                "no events in the timespan; without it \(span.count) match, "
                    + "from \(span.first.rfc3339) to \(span.last.rfc3339)")
            return reasons
        }
        // The action and status before the user: a user pattern is served by an index, while
        // a count without it reads every event of the timespan (`action` has no index).
        var withoutStatus = filter
        withoutStatus.actions = []
        withoutStatus.statuses = []
        if !filter.actions.isEmpty || !filter.statuses.isEmpty, try store.hasEvents(withoutStatus) {
            reasons.append(
                "no events with that action or status; without them \(try store.countEvents(withoutStatus)) match")
            return reasons
        }
        // The user on its own, over the indexes: widening everything else instead would read each
        // event of the timespan for its action (80 ms of a report on a 1M-event history).
        if !filter.users.isEmpty {
            let names = filter.users.map { "'\($0)'" }.joined(separator: ", ")
            let onlyUser = ReportFilter(users: filter.users, apps: filter.apps)
            if try store.hasEvents(onlyUser) {
                // Each other part widened alone matched nothing either: together they exclude them.
                var parts: [String] = []
                if filter.since != nil || filter.until != nil { parts.append("in the timespan") }
                if !filter.actions.isEmpty || !filter.statuses.isEmpty { parts.append("with that action or status") }
                if !filter.runs.isEmpty { parts.append("in \(filter.runs.count == 1 ? "that run" : "those runs")") }
                if !parts.isEmpty {
                    return ["user \(names) has events, but none " + parts.joined(separator: " and ")]
                }
            } else if try store.hasEvents(ReportFilter()) {
                let otherApps =
                    filter.apps.isEmpty ? 0 : try store.countEvents(ReportFilter(users: filter.users))
                return [
                    "no events for user \(names)"
                        + (otherApps > 0 ? "; \(otherApps) in other applications (drop --app to see them)" : "")
                ]
            }
        }
        if try !store.hasEvents(ReportFilter()) {
            reasons.append("the history is empty")
        }
        return reasons
    }

    /// `no application named 'x'; the store has: …` for the names the store does not know.
    public static func unknownApps(_ names: [String], in store: any StoreQueries) throws -> String? {
        guard !names.isEmpty else { return nil }
        let known = try store.applications()
        let unknown = AppName.resolve(names, known: known).unknown
        guard !unknown.isEmpty else { return nil }
        let list = unknown.map { "'\($0)'" }.joined(separator: ", ")
        let has =
            known.isEmpty ? "the store has no applications yet" : "the store has: " + known.joined(separator: ", ")
        return "no application named \(list); \(has)"
    }
}
