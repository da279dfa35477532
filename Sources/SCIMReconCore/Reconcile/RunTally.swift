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

    /// The summary line SPEC §4 promises on stderr.
    public var summary: String {
        let users =
            "read \(read), created \(count(.create, .success)), "
            + "updated \(count(.update, .success) + count(.enable, .success)), "
            + "disabled \(count(.disable, .success)), deleted \(count(.delete, .success)), "
            + "skipped \(count(status: .skipped)), failed \(failures)"
        let groupEvents = [ProvisioningAction.groupCreate, .groupUpdate, .groupDelete, .memberAdd, .memberRemove]
            .reduce(0) { $0 + count($1, .success) }
        // Provider claims (graph-logs) are kept, not applied: they get a clause of their own.
        let claims =
            self["claim.stored"] + self["claim.duplicate"] > 0
            ? "; provider claims: kept \(self["claim.stored"]), already kept \(self["claim.duplicate"])" : ""
        guard groupEvents > 0 else { return users + claims }
        return users + claims
            + "; groups: created \(count(.groupCreate, .success)), updated \(count(.groupUpdate, .success)), "
            + "deleted \(count(.groupDelete, .success)), members +\(count(.memberAdd, .success)) "
            + "-\(count(.memberRemove, .success))"
    }
}
