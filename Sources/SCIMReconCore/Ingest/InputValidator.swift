import SCIMKit

/// What `validate` found in one input: how many records it read and which would fail.
public struct ValidationReport: Sendable {
    public var path: String
    public var format: InputFormat
    public var isSnapshot: Bool
    public var records = 0
    /// `file:line: code: sentence`, the first `limit` of them.
    public var problems: [String] = []
    public var problemCount = 0

    public init(path: String, format: InputFormat, isSnapshot: Bool) {
        self.path = path
        self.format = format
        self.isSnapshot = isSnapshot
    }
}

/// Checks a job's inputs by running them: the same record sources, mapping and rules as `run`,
/// against an empty store held in memory, so `validate` and `run` cannot disagree about a record
/// and nothing is created on disk.
///
/// A failure that only says something about the state of a real store (an id the empty store
/// does not have, an ambiguous match) is not a problem of the input, and is not counted.
public enum InputValidator {
    /// Reason codes that depend on what the store holds, not on the record.
    public static let stateDependentReasons: Set<String> = [
        "resource.unknown-id", "resource.already-deleted", "match.ambiguous",
    ]

    /// Reads every input in order; throws for an input that cannot be read at all, as `run` does.
    public static func validate(
        _ inputs: [ResolvedInput], settings: ReconcileSettings, now: Timestamp, limit: Int = 20
    ) throws -> [ValidationReport] {
        var reports = inputs.map { ValidationReport(path: $0.path, format: $0.format, isSnapshot: $0.isSnapshot) }
        var checked = settings
        checked.policy.onError = .continue
        var options = RunOptions(now: now)
        options.force = true
        options.useCheckpoints = false
        let engine = RunEngine(store: InMemoryStore(recordsHistory: false), settings: checked, options: options)
        func add(_ problem: String, at index: Int) {
            reports[index].problemCount += 1
            if reports[index].problems.count < limit { reports[index].problems.append(problem) }
        }
        engine.observer = { event in
            guard event.status == .failure, let reason = event.reason else { return }
            let code = String(reason.prefix { $0 != ":" })
            guard !stateDependentReasons.contains(code) else { return }
            guard let index = inputs.firstIndex(where: { owns($0.path, source: event.source) }) else { return }
            add("\(event.source): \(reason)", at: index)
        }
        let result = try engine.execute(inputs)
        for (offset, read) in result.recordsByInput.enumerated() where offset < reports.count {
            reports[offset].records = read.records
        }
        for problem in result.snapshotProblems {
            if let index = inputs.firstIndex(where: { owns($0.path, source: problem) }) {
                add(problem, at: index)
            }
        }
        return reports
    }

    /// Whether `source` (`path:line`, `path#operation`, `path: …`) names a record of `path`.
    static func owns(_ path: String, source: String) -> Bool {
        guard source.hasPrefix(path) else { return false }
        let rest = source.dropFirst(path.count)
        return rest.isEmpty || rest.first == ":" || rest.first == "#"
    }
}
