#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test hook: a named point in a run where the process kills itself, stops itself, or a write
/// fails on purpose, so the reliability tests can prove what a crash or a fault leaves behind.
///
/// The executable builds it from `SCIMRECON_CRASH_AT`, `SCIMRECON_FAIL_AT` or `SCIMRECON_PAUSE_AT`
/// (`<phase>` or `<phase>:<n>`, the n-th time the phase is reached) and hands it to the core in
/// `RunOptions`; the core never reads the environment. Without one, every check is a nil test.
public struct FailPoint: Sendable, Hashable {
    /// Where in a run the hook fires.
    public enum Phase: String, Sendable, CaseIterable {
        /// Each record of a request log, before it is parsed.
        case reading
        /// Each request, just before it is applied to the store.
        case applying
        /// Each input's checkpoint, just before it is saved (inside the run's transaction).
        case checkpoint
        /// Each write-back of the run's cache (`RunState`: users and events), inside the run's
        /// transaction.
        case flush
        /// After everything is applied and recorded, just before the commit.
        case beforeCommit = "before-commit"
        /// Just after the commit, before the reports.
        case afterCommit = "after-commit"
        /// Each report, when its content is written but before it is renamed into place.
        case reports
    }

    /// What happens when the point is reached.
    public enum Effect: String, Sendable {
        /// SIGKILL: the process dies at once, as with `kill -9` or a power cut of the process.
        case crash
        /// A write error is thrown (the exit-74 path).
        case fail
        /// SIGSTOP: the process stops until a SIGCONT (lock and isolation tests).
        case pause
    }

    /// The phase that fires.
    public var phase: Phase
    /// What it does.
    public var effect: Effect
    /// Fire the n-th time the phase is reached (1-based).
    public var occurrence: Int

    /// Creates a fail point.
    public init(phase: Phase, effect: Effect, occurrence: Int = 1) {
        self.phase = phase
        self.effect = effect
        self.occurrence = max(1, occurrence)
    }

    /// Parses `<phase>` or `<phase>:<n>`; nil when the text names no phase.
    public init?(_ text: String, effect: Effect) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let first = parts.first, let phase = Phase(rawValue: first) else { return nil }
        var occurrence = 1
        if parts.count == 2 {
            guard let number = Int(parts[1]), number >= 1 else { return nil }
            occurrence = number
        }
        self.init(phase: phase, effect: effect, occurrence: occurrence)
    }

    /// The accepted phase names, for a usage message.
    public static var phaseNames: String { Phase.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Fires when `phase` is this point's phase and `count` (how often it was reached, this time
    /// included) is the chosen occurrence.
    public func reached(_ phase: Phase, count: Int) throws(StoreError) {
        guard phase == self.phase, count == occurrence else { return }
        switch effect {
        case .crash:
            kill(getpid(), SIGKILL)
        case .pause:
            kill(getpid(), SIGSTOP)
        case .fail:
            throw StoreError(kind: .output, "injected write failure at \(phase.rawValue) (SCIMRECON_FAIL_AT)")
        }
    }
}

/// Counts how often each phase was reached in one process, and fires the fail point, if any.
public final class FailPointCounter {
    private let point: FailPoint?
    private var count = 0

    /// Counts for `point`; with nil, `reach` does nothing.
    public init(_ point: FailPoint?) { self.point = point }

    /// Marks `phase` as reached; kills, stops or throws when the fail point says so.
    @inline(__always)
    public func reach(_ phase: FailPoint.Phase) throws(StoreError) {
        guard let point, point.phase == phase else { return }
        count += 1
        try point.reached(phase, count: count)
    }
}
