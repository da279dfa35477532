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
            return "invalid duration '\(value)': expected a whole number followed by m (minutes), "
                + "h (hours), d (days) or w (weeks), such as 90m, 12h, 30d or 2w"
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
        guard let span = spanMilliseconds(text) else { throw TimeSpecError(value: text, kind: .time) }
        let (start, overflow) = now.millisecondsSince1970.subtractingReportingOverflow(span)
        guard !overflow else { throw TimeSpecError(value: text, kind: .time) }
        return Timestamp(millisecondsSince1970: start)
    }

    /// The milliseconds of `Nm`, `Nh`, `Nd` or `Nw`, or nil when `text` is not such a span.
    static func spanMilliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 20, let unit = bytes.last else { return nil }
        let unitMilliseconds: Int64
        switch unit {
        case UInt8(ascii: "m"): unitMilliseconds = 60_000
        case UInt8(ascii: "h"): unitMilliseconds = 3_600_000
        case UInt8(ascii: "d"): unitMilliseconds = 86_400_000
        case UInt8(ascii: "w"): unitMilliseconds = 604_800_000
        default: return nil
        }
        var count: Int64 = 0
        for byte in bytes.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = count.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            count = sum
        }
        let (total, overflow) = count.multipliedReportingOverflow(by: unitMilliseconds)
        return overflow ? nil : total
    }
}

/// Reads a policy duration (`delete_after: 30d`, `keep_history: 400d`, `12h`, `90m`, `2w`) as
/// milliseconds.
public func parseDuration(_ text: String) throws(TimeSpecError) -> Int64 {
    guard let milliseconds = TimeSpec.spanMilliseconds(text) else {
        throw TimeSpecError(value: text, kind: .duration)
    }
    return milliseconds
}
