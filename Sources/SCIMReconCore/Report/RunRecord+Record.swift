import SCIMKit

extension RunRecord {
    /// The members of a `runs` row, which are also its CSV columns: `id, job, app, started,
    /// finished, outcome, reason`, the counts of the run's summary line (`RunTally.summaryFields`:
    /// read, created, updated, … in that order, so `runs` and the summary agree), then `inputs`.
    public static let columns =
        ["id", "job", "app", "started", "finished", "outcome", "reason"] + RunTally().summaryFields.map(\.name)
        + ["inputs"]

    /// The record for `RecordWriter`: counts are numbers (0 when absent), times RFC 3339 UTC,
    /// `finished` null while unknown, `inputs` an array of the files read with their byte ranges.
    public var record: JSONObject {
        var object = JSONObject([
            "id": .number(String(id)), "job": .string(job), "app": .string(app), "started": .string(started.rfc3339),
            "finished": finished.map { .string($0.rfc3339) } ?? .null,
            "outcome": outcome.map { .string($0.rawValue) } ?? .null, "reason": reason.map(JSONValue.string) ?? .null,
        ])
        for field in RunTally(counts: counts).summaryFields {
            object.append(key: field.name, value: .number(String(field.value)))
        }
        object.append(key: "inputs", value: .array(inputs.map { .string($0) }))
        return object
    }
}
