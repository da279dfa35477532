import SCIMKit

extension RunRecord {
    /// The members of a `runs` row, which are also its CSV columns: `id, job, app, started,
    /// finished, outcome, reason`, one count per action and per status (named after it), then
    /// `read` and `inputs`.
    public static let columns =
        ["id", "job", "app", "started", "finished", "outcome", "reason"] + ProvisioningAction.allCases.map(\.rawValue)
        + EventStatus.allCases.map(\.rawValue) + ["read", "inputs"]

    /// The record for `RecordWriter`: counts are numbers (0 when absent), times RFC 3339 UTC,
    /// `finished` null while unknown, `inputs` an array of the files read with their byte ranges.
    public var record: JSONObject {
        var object = JSONObject([
            "id": .number(String(id)), "job": .string(job), "app": .string(app), "started": .string(started.rfc3339),
            "finished": finished.map { .string($0.rfc3339) } ?? .null,
            "outcome": outcome.map { .string($0.rawValue) } ?? .null, "reason": reason.map(JSONValue.string) ?? .null,
        ])
        let tally = RunTally(counts: counts)
        for action in ProvisioningAction.allCases {
            object.append(key: action.rawValue, value: .number(String(tally.count(action: action))))
        }
        for status in EventStatus.allCases {
            object.append(key: status.rawValue, value: .number(String(tally.count(status: status))))
        }
        object.append(key: "read", value: .number(String(tally.read)))
        object.append(key: "inputs", value: .array(inputs.map { .string($0) }))
        return object
    }
}
