/// A `--since` / `--until` value or a policy duration that could not be read.
public struct TimeSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was asked for: a point in time (`--since`, `since:`) or a duration (`delete_after:`).
    public enum Kind: Sendable, Hashable {
        case time
        case duration
    }

    /// The value as given (shortened if very long).
    public var value: String
    public var kind: Kind

    /// Creates an error for `value`.
    public init(value: String, kind: Kind) {
        self.value = value.count > 64 ? String(value.prefix(64)) + "…" : value
        self.kind = kind
    }

    /// Names the value and every accepted form.
    public var description: String {
        switch kind {
        case .time:
            return "invalid time '\(value)': expected RFC 3339 (2026-11-01T00:00:00Z or "
                + "2026-11-01T02:00:00+01:00), a date (2026-11-01, UTC midnight) or a span back from now "
                + "(90m, 24h, 7d, 2w)"
        case .duration:
            return "invalid duration '\(value)': expected \(DurationText.forms)"
        }
    }
}

/// The timespan forms of `--since`, `--until` and a job report's `since:` (SPEC §2).
public enum TimeSpec {
    /// Reads an RFC 3339 time (offsets allowed), a date (`2026-11-01`, UTC midnight), or a span
    /// back from `now` (`90m`, `24h`, `7d`, `2w` mean now minus that much).
    public static func parse(_ text: String, now: Timestamp) throws(TimeSpecError) -> Timestamp {
        if let time = Timestamp(rfc3339: text) { return time }
        if let date = Timestamp(date: text) { return date }
        guard let span = DurationText.milliseconds(text) else { throw TimeSpecError(value: text, kind: .time) }
        let (start, overflow) = now.millisecondsSince1970.subtractingReportingOverflow(span)
        guard !overflow else { throw TimeSpecError(value: text, kind: .time) }
        return Timestamp(millisecondsSince1970: start)
    }
}

/// Reads a policy duration (`delete_after: 30d`, `keep_history: 400d`, `12h`, `90m`, `2w`) as
/// milliseconds.
public func parseDuration(_ text: String) throws(TimeSpecError) -> Int64 {
    guard let milliseconds = DurationText.milliseconds(text) else {
        throw TimeSpecError(value: text, kind: .duration)
    }
    return milliseconds
}
