/// Counts of what a run read and decided, by `action.status` and a few reading counters.
public struct RunTally: Sendable, Hashable {
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    /// The tally a run recorded (`RunRecord.counts`).
    public init(counts: [String: Int]) { self.counts = counts }

    public mutating func add(_ key: String, _ amount: Int = 1) { counts[key, default: 0] += amount }

    public mutating func add(_ action: ProvisioningAction, _ status: EventStatus) {
        add("\(action.rawValue).\(status.rawValue)")
    }

    public subscript(key: String) -> Int { counts[key] ?? 0 }

    public func count(_ action: ProvisioningAction, _ status: EventStatus) -> Int {
        self["\(action.rawValue).\(status.rawValue)"]
    }

    /// Events of `action`, whatever their status.
    public func count(action: ProvisioningAction) -> Int {
        EventStatus.allCases.reduce(0) { $0 + count(action, $1) }
    }

    public func count(status: EventStatus) -> Int {
        ProvisioningAction.allCases.reduce(0) { $0 + count($1, status) }
    }

    /// Records read from the inputs (lines, operations, rows), whatever became of them.
    public var read: Int { self["read"] }
    public var failures: Int { count(status: .failure) }
    /// Deprovisions this run would apply (the guard counts these).
    public var deprovisions: Int { count(.disable, .success) + count(.delete, .success) }

    /// The counts the summary line and the `runs` listing both show, in that order, by name:
    /// one definition, so the two never disagree. `updated` includes re-enabled users;
    /// `alreadyApplied` counts records an earlier run applied (recognised, not applied again).
    public var summaryFields: [(name: String, value: Int)] {
        [
            ("read", read), ("created", count(.create, .success)),
            ("updated", count(.update, .success) + count(.enable, .success)),
            ("disabled", count(.disable, .success)), ("deleted", count(.delete, .success)),
            ("skipped", count(status: .skipped)), ("failed", failures), ("alreadyApplied", self["duplicate"]),
            ("groupsCreated", count(.groupCreate, .success)), ("groupsUpdated", count(.groupUpdate, .success)),
            ("groupsDeleted", count(.groupDelete, .success)), ("membersAdded", count(.memberAdd, .success)),
            ("membersRemoved", count(.memberRemove, .success)),
        ]
    }

    /// The summary line SPEC §4 promises on stderr.
    public var summary: String {
        let fields = Dictionary(uniqueKeysWithValues: summaryFields.map { ($0.name, $0.value) })
        var users =
            "read \(read), created \(fields["created"]!), updated \(fields["updated"]!), "
            + "disabled \(fields["disabled"]!), deleted \(fields["deleted"]!), "
            + "skipped \(fields["skipped"]!), failed \(failures)"
        if fields["alreadyApplied"]! > 0 { users += ", already applied \(fields["alreadyApplied"]!)" }
        let groupEvents = ["groupsCreated", "groupsUpdated", "groupsDeleted", "membersAdded", "membersRemoved"]
            .reduce(0) { $0 + fields[$1]! }
        // Provider claims (graph-logs) are kept, not applied: they get a clause of their own.
        if self["claim.stored"] + self["claim.duplicate"] > 0 {
            users += "; provider claims: kept \(self["claim.stored"]), already kept \(self["claim.duplicate"])"
        }
        guard groupEvents > 0 else { return users }
        return users
            + "; groups: created \(fields["groupsCreated"]!), updated \(fields["groupsUpdated"]!), "
            + "deleted \(fields["groupsDeleted"]!), members +\(fields["membersAdded"]!) "
            + "-\(fields["membersRemoved"]!)"
    }
}
