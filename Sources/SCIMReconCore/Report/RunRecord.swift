import SCIMKit

/// One row of `scimrecon runs`: a run, what it did and what it read.
public struct RunRecord: Sendable, Hashable {
    public var id: Int64
    /// The job's `name:` (or `import` for a run without a job).
    public var job: String
    public var app: String
    public var started: Timestamp
    /// Nil while the run is going on or when it never finished.
    public var finished: Timestamp?
    /// How it ended: `success`, `partial`, `guarded`, `aborted`, … as the store records it.
    public var outcome: String
    /// Events recorded per action; actions without events may be left out.
    public var actionCounts: [ProvisioningAction: Int]
    /// Events recorded per status.
    public var statusCounts: [EventStatus: Int]
    /// The input files the run read, in the order it read them.
    public var inputs: [String]

    /// A run row.
    public init(
        id: Int64, job: String, app: String, started: Timestamp, finished: Timestamp?, outcome: String,
        actionCounts: [ProvisioningAction: Int] = [:], statusCounts: [EventStatus: Int] = [:], inputs: [String] = []
    ) {
        self.id = id
        self.job = job
        self.app = app
        self.started = started
        self.finished = finished
        self.outcome = outcome
        self.actionCounts = actionCounts
        self.statusCounts = statusCounts
        self.inputs = inputs
    }

    /// The members of a run record, which are also the CSV columns: `id, job, app, started,
    /// finished, outcome`, one count per action and per status (named after it), then `inputs`.
    public static let columns =
        ["id", "job", "app", "started", "finished", "outcome"] + ProvisioningAction.allCases.map(\.rawValue)
        + EventStatus.allCases.map(\.rawValue) + ["inputs"]

    /// The record for `RecordWriter`: counts are numbers (0 when absent), times RFC 3339 UTC,
    /// `finished` null while unknown, `inputs` an array of paths.
    public var record: JSONObject {
        var object = JSONObject([
            "id": .number(String(id)), "job": .string(job), "app": .string(app), "started": .string(started.rfc3339),
            "finished": finished.map { .string($0.rfc3339) } ?? .null, "outcome": .string(outcome),
        ])
        for action in ProvisioningAction.allCases {
            object.append(key: action.rawValue, value: .number(String(actionCounts[action] ?? 0)))
        }
        for status in EventStatus.allCases {
            object.append(key: status.rawValue, value: .number(String(statusCounts[status] ?? 0)))
        }
        object.append(key: "inputs", value: .array(inputs.map { .string($0) }))
        return object
    }
}
