import SCIMKit

/// One input of a run after glob expansion and format detection.
public struct ResolvedInput: Sendable, Hashable {
    public var path: String
    public var format: InputFormat
    public var mode: InputMode
    public var skip: Int
    /// CSV column → SCIM path; empty means the header names SCIM paths itself.
    public var columns: [CSVColumn]

    public init(path: String, format: InputFormat, mode: InputMode = .import, skip: Int = 0, columns: [CSVColumn] = [])
    {
        self.path = path
        self.format = format
        self.mode = mode
        self.skip = skip
        self.columns = columns
    }

    /// Whether absent users are deprovisioned after reading this input.
    public var isSnapshot: Bool { mode == .snapshot }
}

/// How a run is carried out.
public struct RunOptions: Sendable {
    /// Plan and record nothing: the transaction is rolled back.
    public var dryRun = false
    /// Apply even when a guard would stop the run.
    public var force = false
    /// Use and advance per-input checkpoints (job runs; `import` replays whole files).
    public var useCheckpoints = true
    /// Ignore checkpoints and read every input from its start (`run --full`).
    public var full = false
    /// The run's clock reading: when it started, and the `now` of every rule (grace periods,
    /// relative timespans).
    public var now: Timestamp
    /// Reads the clock when the run finishes (`runs` shows real start and finish times); the
    /// executable passes its clock, tests leave it at `now`.
    public var clock: @Sendable () -> Timestamp
    /// A test hook that kills, stops or fails the run at a phase (`SCIMRECON_CRASH_AT`…); nil in use.
    public var failPoint: FailPoint?

    public init(now: Timestamp) {
        self.now = now
        self.clock = { now }
    }
}

/// What a run did.
public struct RunResult: Sendable {
    public var run: RunRecord
    public var tally: RunTally
    /// Why a guard stopped the run or why it aborted.
    public var reason: String?
    /// The deprovisions a guard withheld, when it stopped the run.
    public var withheld: [ProvisioningEvent]
    public var warnings: [String]
    /// Why a snapshot looks incomplete (empty, truncated, fewer resources than `totalResults`),
    /// whether or not `--force` let the run go on.
    public var snapshotProblems: [String] = []
    /// Records read from each input, in the order the inputs were read.
    public var recordsByInput: [(path: String, records: Int)] = []
}

/// Runs a job: reads every input, reconciles in one transaction, checks the guards on the whole
/// plan, then commits, or rolls back and records why.
public final class RunEngine {
    /// The store as the run sees it: the real store behind the run's write-back cache.
    let store: RunState
    /// The job's settings; `execute` replaces the app by the spelling the store keeps for it.
    private(set) var settings: ReconcileSettings
    let options: RunOptions
    /// Called with every event as it is decided (the plan printer).
    public var observer: ((ProvisioningEvent) -> Void)?
    /// Called as inputs are read, with records read so far and bytes of the input (the progress display).
    public var progress: ((RunProgress) -> Void)?
    /// Called as the run reaches each phase (the progress display).
    public var phase: ((RunPhase) -> Void)?
    /// Called inside the run's transaction just before it commits (not in a dry run): the job's
    /// reports are written here, so they see the run's events, and a report that cannot be
    /// written rolls the whole run back.
    public var beforeCommit: ((RunRecord) throws -> Void)?
    var warnings: [String] = []
    var snapshotProblems: [String] = []
    var inputsRead: [String] = []
    var recordsByInput: [(path: String, records: Int)] = []
    /// Fires `options.failPoint` when its phase is reached.
    let failPoints: FailPointCounter

    public init(store: any ProvisioningStore, settings: ReconcileSettings, options: RunOptions) {
        self.store = RunState(base: store, spillLimit: store.runCacheBytes)
        self.settings = settings
        self.options = options
        self.failPoints = FailPointCounter(options.failPoint)
        let failPoints = self.failPoints
        self.store.willWriteBack = { () throws(StoreError) in try failPoints.reach(.flush) }
    }

    /// Executes the run. Throws only for run-level problems (unreadable input, store errors),
    /// after rolling back; a guard stop or an abort is a result with that outcome.
    public func execute(_ inputs: [ResolvedInput]) throws -> RunResult {
        try store.begin()
        do {
            settings.app = try store.canonicalApp(settings.app)
        } catch {
            store.rollback()
            throw error
        }
        var runRecord = RunRecord(id: 0, job: settings.job, app: settings.app, started: options.now)
        let reconciler: Reconciler
        do {
            runRecord.id = try store.insertRun(runRecord)
            reconciler = Reconciler(store: store, settings: settings, run: runRecord.id, now: options.now)
            reconciler.observer = observer
            let activeBefore = try store.userCount(app: settings.app, activeOnly: true)
            for input in inputs {
                let before = reconciler.tally.read
                try read(input, into: reconciler)
                recordsByInput.append((input.path, reconciler.tally.read - before))
            }
            phase?(.applying)
            if inputs.contains(where: \.isSnapshot) {
                try reconciler.deprovisionAbsent(app: settings.app, time: options.now, source: "snapshot: absent")
            }
            try reconciler.deleteExpired(app: settings.app)
            phase?(.checkingGuards)
            if let stop = guardStop(reconciler.tally, activeBefore: activeBefore), !options.force {
                store.rollback()
                phase?(.committing)
                return try recordStopped(runRecord, reconciler: reconciler, reason: stop)
            }
        } catch let abort as AbortRun {
            store.rollback()
            return try recordAborted(runRecord, event: abort.event)
        } catch {
            store.rollback()
            throw error
        }
        runRecord.finished = options.clock()
        runRecord.counts = reconciler.tally.counts
        runRecord.inputs = inputsRead
        runRecord.outcome =
            options.dryRun ? .dryRun : reconciler.tally.failures > 0 ? .partial : .success
        if options.dryRun {
            store.rollback()
        } else {
            do {
                try store.updateRun(runRecord)
                // Reports read the store itself: everything the run holds goes there first.
                try store.flush()
                if let beforeCommit {
                    phase?(.writingReports)
                    try beforeCommit(runRecord)
                }
                try failPoints.reach(.beforeCommit)
                phase?(.committing)
                try store.commit()
            } catch {
                store.rollback()
                throw error
            }
            try failPoints.reach(.afterCommit)
        }
        return RunResult(
            run: runRecord, tally: reconciler.tally, reason: nil, withheld: [], warnings: warnings,
            snapshotProblems: snapshotProblems, recordsByInput: recordsByInput)
    }

    /// The first guard the plan trips, as a reason (`code: sentence`), or nil.
    func guardStop(_ tally: RunTally, activeBefore: Int) -> String? {
        let policy = settings.policy
        if let problem = snapshotProblems.first {
            return "guard.incomplete-snapshot: \(problem)"
        }
        let base = activeBefore + tally.count(.create, .success)
        if !policy.maxDeprovisions.allows(tally.deprovisions, ofUsers: base, floor: policy.deprovisionFloor) {
            let limit = policy.maxDeprovisions.limit(ofUsers: base, floor: policy.deprovisionFloor)
            var of = ""
            if case .percent = policy.maxDeprovisions {
                of =
                    " (\(policy.maxDeprovisions) of \(activeBefore) active users and \(base - activeBefore) created, "
                    + "at least \(policy.deprovisionFloor))"
            }
            return "guard.max-deprovisions: the run would deprovision \(tally.deprovisions) users, more than "
                + "max_deprovisions allows: \(limit)\(of)"
        }
        if policy.failureRateExceeded(failures: tally.failures, of: tally.read) {
            let percent = Int((Double(tally.failures) * 100 / Double(max(tally.read, 1))).rounded())
            return "guard.failure-rate: \(tally.failures) of \(tally.read) records failed (\(percent)%), "
                + "more than max_failure_rate \(Int((policy.maxFailureRate * 100).rounded()))%"
        }
        return nil
    }

    /// Records a stopped run and the actions it withheld, in a transaction of its own.
    func recordStopped(_ base: RunRecord, reconciler: Reconciler, reason: String) throws -> RunResult {
        var runRecord = base
        runRecord.finished = options.clock()
        runRecord.outcome = .stopped
        runRecord.reason = reason
        runRecord.counts = reconciler.tally.counts
        runRecord.inputs = inputsRead
        let code = String(reason.prefix { $0 != ":" })
        let withheld = reconciler.deprovisions.map { event -> ProvisioningEvent in
            var copy = event
            copy.status = .skipped
            copy.reason = "\(code): withheld, the run was stopped by a safety guard (use --force to apply)"
            return copy
        }
        if !options.dryRun {
            try store.begin()
            do {
                _ = try store.canonicalApp(settings.app)
                runRecord.id = try store.insertRun(runRecord)
                try store.updateRun(runRecord)
                for var event in withheld {
                    event.run = runRecord.id
                    try store.appendEvent(event, email: nil)
                }
                try store.commit()
            } catch {
                store.rollback()
                throw error
            }
        }
        return RunResult(
            run: runRecord, tally: reconciler.tally, reason: reason, withheld: withheld, warnings: warnings,
            snapshotProblems: snapshotProblems, recordsByInput: recordsByInput)
    }

    /// Records an aborted run and the failure that aborted it.
    func recordAborted(_ base: RunRecord, event: ProvisioningEvent) throws -> RunResult {
        var runRecord = base
        runRecord.finished = options.clock()
        runRecord.outcome = .aborted
        runRecord.reason = "\(event.source): \(event.reason ?? "failed")"
        var tally = RunTally()
        tally.add(event.action, event.status)
        runRecord.counts = tally.counts
        if !options.dryRun {
            try store.begin()
            do {
                _ = try store.canonicalApp(settings.app)
                runRecord.id = try store.insertRun(runRecord)
                try store.updateRun(runRecord)
                var copy = event
                copy.run = runRecord.id
                try store.appendEvent(copy, email: nil)
                try store.commit()
            } catch {
                store.rollback()
                throw error
            }
        }
        return RunResult(
            run: runRecord, tally: tally, reason: runRecord.reason, withheld: [], warnings: warnings)
    }
}
