/// The steps of a run, in the order `RunEngine` reaches them, for a progress display.
public enum RunPhase: Sendable, Hashable {
    /// Reading the input at `path` (the run's inputs in order); records are applied as they are read.
    case reading(path: String)
    /// Work after the inputs: deprovisioning users absent from a snapshot, deleting expired ones.
    case applying
    /// Checking the safety guards against the whole plan.
    case checkingGuards
    /// Writing the job's reports, inside the run's transaction.
    case writingReports
    /// Committing the run's transaction (or recording a stopped run).
    case committing
}

/// How far the reading of one input has got: records read by the run so far, and bytes of the
/// current input read of its size.
public struct RunProgress: Sendable, Hashable {
    /// Records read from every input of the run so far, whatever became of them.
    public var records: Int
    /// Bytes of the current input read so far.
    public var bytesRead: Int64
    /// The current input's size in bytes.
    public var bytesTotal: Int64

    public init(records: Int, bytesRead: Int64, bytesTotal: Int64) {
        self.records = records
        self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal
    }
}
