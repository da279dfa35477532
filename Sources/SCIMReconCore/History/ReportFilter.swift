import SCIMKit

/// What a `report` asks for (SPEC §2): values of one option are OR-ed, different options AND-ed;
/// an empty list or nil bound means "any".
public struct ReportFilter: Sendable, Hashable {
    /// `--user` patterns (`UserPattern`): userName, email, externalId or SCIM id.
    public var users: [String]
    /// `--app` names, compared case-insensitively (`AppName`).
    public var apps: [String]
    /// Inclusive lower bound on the event time.
    public var since: Timestamp?
    /// Exclusive upper bound on the event time.
    public var until: Timestamp?
    public var actions: [ProvisioningAction]
    public var statuses: [EventStatus]
    public var runs: [Int64]

    /// A filter; every part defaults to "any".
    public init(
        users: [String] = [], apps: [String] = [], since: Timestamp? = nil, until: Timestamp? = nil,
        actions: [ProvisioningAction] = [], statuses: [EventStatus] = [], runs: [Int64] = []
    ) {
        self.users = users
        self.apps = apps
        self.since = since
        self.until = until
        self.actions = actions
        self.statuses = statuses
        self.runs = runs
    }

    /// The `--user` values as patterns.
    public var userPatterns: [UserPattern] { users.map(UserPattern.init) }

    /// The reference semantics in memory, for tests and stores that cannot push a filter down:
    /// `since <= time < until`, and a user pattern matching any of the event's user, SCIM id,
    /// external id or the given email.
    public func matches(_ event: ProvisioningEvent, email: String? = nil) -> Bool {
        if let since, event.time < since { return false }
        if let until, event.time >= until { return false }
        if !apps.isEmpty, !apps.contains(where: { AppName.same($0, event.app) }) { return false }
        if !actions.isEmpty, !actions.contains(event.action) { return false }
        if !statuses.isEmpty, !statuses.contains(event.status) { return false }
        if !runs.isEmpty, !runs.contains(event.run) { return false }
        if !users.isEmpty {
            let identifiers = [event.user, event.userID, event.externalID, email].compactMap { $0 }
            guard userPatterns.contains(where: { pattern in identifiers.contains(where: pattern.matches) })
            else { return false }
        }
        return true
    }
}

extension ReportFilter {
    /// The filter as the JSON report echoes it: every key present, lists possibly empty, times
    /// as RFC 3339 UTC or null.
    public var jsonValue: JSONValue {
        func time(_ value: Timestamp?) -> JSONValue { value.map { .string($0.rfc3339) } ?? .null }
        return .object(
            JSONObject([
                "actions": .array(actions.map { .string($0.rawValue) }),
                "apps": .array(apps.map { .string($0) }),
                "runs": .array(runs.map { .number(String($0)) }),
                "since": time(since),
                "statuses": .array(statuses.map { .string($0.rawValue) }),
                "until": time(until),
                "users": .array(users.map { .string($0) }),
            ]))
    }

    /// The filter as (name, value) pairs in a fixed order, one pair per value given; the XML
    /// report writes one `<name>value</name>` element per pair.
    public var echoedValues: [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        pairs += users.map { ("user", $0) }
        pairs += apps.map { ("app", $0) }
        if let since { pairs.append(("since", since.rfc3339)) }
        if let until { pairs.append(("until", until.rfc3339)) }
        pairs += actions.map { ("action", $0.rawValue) }
        pairs += statuses.map { ("status", $0.rawValue) }
        pairs += runs.map { ("run", String($0)) }
        return pairs
    }

    /// One line for the human summary on stderr: `user=alice* app=Azure AD since=…`, or `all events`.
    public var summary: String {
        let pairs = echoedValues
        guard !pairs.isEmpty else { return "all events" }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }
}
