/// The one reader of durations: grace periods and retention in a job (`delete_after: 30d`), and
/// the spans back from now of `--since`/`--until` and a report's `since:` (`90m`, `24h`, `7d`).
///
/// A whole number followed by one unit: `s` seconds, `m` minutes, `h` hours, `d` days, `w` weeks.
public enum DurationText {
    /// The accepted forms, for error messages.
    public static let forms = "a whole number and a unit: s, m, h, d or w (e.g. 90m, 24h, 30d)"

    /// The duration in milliseconds, or nil when `text` is not a duration.
    public static func milliseconds(_ text: String) -> Int64? {
        guard let unit = text.last, text.count >= 2, text.count <= 20 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let count = Int64(digits) else {
            return nil
        }
        let unitMilliseconds: Int64
        switch unit {
        case "s": unitMilliseconds = 1000
        case "m": unitMilliseconds = 60_000
        case "h": unitMilliseconds = 3_600_000
        case "d": unitMilliseconds = 86_400_000
        case "w": unitMilliseconds = 604_800_000
        default: return nil
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: unitMilliseconds)
        return overflow ? nil : product
    }
}
