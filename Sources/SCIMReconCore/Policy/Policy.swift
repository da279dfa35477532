/// What a job may do to the local store, and when a run must stop (SPEC §4, §5).
///
/// Every field has the default an administrator gets without a `policy:` section: everything
/// enabled, deactivated users disabled rather than deleted, at most 500 deprovisions a run,
/// failures recorded and the run continued, the history kept forever.
public struct Policy: Sendable, Hashable {
    /// Whether users missing locally are created.
    public var create = true
    /// Whether changed users are updated (and disabled users re-enabled).
    public var update = true
    /// Whether deactivation and deletion in the source act locally at all.
    public var deprovision = true
    /// `true`: a deprovisioned user is deleted locally; `false`: it is disabled.
    public var deleteDeactivated = false
    /// Grace period before a deprovisioned user is deleted (with `deleteDeactivated`); `nil`: at once.
    public var deleteAfterMilliseconds: Int64?
    /// The most deprovisions one run may plan before the safety guard stops it.
    public var maxDeprovisions: DeprovisionLimit = .count(500)
    /// The fewest deprovisions a percentage `maxDeprovisions` allows: below it the count applies,
    /// so a small or new application can still lose a user or two without `--force`.
    public var deprovisionFloor: Int = 5
    /// What a failed record does to the run.
    public var onError: ErrorPolicy = .continue
    /// The failure rate (0...1) above which the run stops, once it has enough records.
    public var maxFailureRate: Double = 0.4
    /// The number of records a run needs before `maxFailureRate` is checked.
    public var failureRateMinimumRecords: Int = 1000
    /// How long provisioning history is kept; `nil`: forever.
    public var keepHistoryMilliseconds: Int64?

    /// A policy with every default.
    public init() {}

    /// The policy of a run without a job file (SPEC §2).
    public static let `default` = Policy()

    /// Whether `failures` out of `records` exceed the failure-rate guard.
    ///
    /// Runs with fewer than `failureRateMinimumRecords` records never trip it: a handful of bad
    /// rows in a small file is not a broken source.
    public func failureRateExceeded(failures: Int, of records: Int) -> Bool {
        guard records > 0, records >= failureRateMinimumRecords else { return false }
        return Double(failures) / Double(records) > maxFailureRate
    }
}

/// How many deprovisions one run may plan: a count, or a percentage of the app's users.
public enum DeprovisionLimit: Sendable, Hashable {
    case count(Int)
    /// A percentage (0...100) of the app's users: those active before the run plus those the run
    /// creates (a first run over a new app deprovisions against what it built).
    case percent(Double)

    /// The largest number of deprovisions allowed for an app of `total` users (active before the
    /// run plus created by it).
    ///
    /// A percentage is rounded down, and never allows fewer than `floor`: 10% of 250 users
    /// allows 25, 10% of 25 users allows 2 — raised to the floor, 5 by default.
    public func limit(ofUsers total: Int, floor: Int = 0) -> Int {
        switch self {
        case .count(let count):
            return count
        case .percent(let percent):
            // The small epsilon keeps 33.3% of 1000 at 333 despite binary fractions.
            return max(floor, Int((Double(max(total, 0)) * percent / 100 + 1e-9).rounded(.down)))
        }
    }

    /// Whether a run that deprovisions `deprovisions` users is allowed: at the limit it is,
    /// one more stops it.
    public func allows(_ deprovisions: Int, ofUsers total: Int, floor: Int = 0) -> Bool {
        deprovisions <= limit(ofUsers: total, floor: floor)
    }
}

extension DeprovisionLimit: CustomStringConvertible {
    /// The limit as written in a job file: `500` or `10%`.
    public var description: String {
        switch self {
        case .count(let count):
            return String(count)
        case .percent(let percent):
            return percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
        }
    }
}

/// What a failed record does to the run.
public enum ErrorPolicy: String, Sendable, Hashable, CaseIterable {
    /// Record the failure and go on with the next record.
    case `continue`
    /// Stop the run at the first failure and apply nothing.
    case abort
}
