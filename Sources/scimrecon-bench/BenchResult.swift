/// One line of the results table: a median over runs, its rate, peak memory, and how it
/// compares with a peer doing the same work.
struct BenchResult {
    var name: String
    /// How much work one run did (events, users, rows).
    var items: Int
    var unit: String
    var seconds: [Double]
    var peakBytes: Int
    var note: String?

    var median: Double {
        let sorted = seconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Items per second at the median.
    var rate: Double { median > 0 ? Double(items) / median : 0 }
}

/// A target from the issue: our time against a peer's time, a fixed baseline, or an absolute bound.
struct BenchTarget {
    var name: String
    /// Our result's name.
    var ours: String
    var kind: Kind
    /// The largest acceptable `ours / peer` (or `ours / baseline`) time ratio, else the bound in
    /// seconds or MB.
    var bound: Double

    enum Kind {
        /// Against a peer's result in the same run.
        case ratio(peer: String)
        /// Against a figure measured on earlier code (`scaled`: to this run's N).
        case baseline(seconds: Double, scaled: Bool)
        /// Our median under `bound` seconds.
        case seconds
        /// Our peak RSS under `bound` MB.
        case megabytes
        /// Our median under `bound` times the sum of these results' medians.
        case sum(of: [String])
    }
}

/// Formats numbers for the table without Foundation.
enum Figures {
    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(Int(rounded.rounded(.towardZero)))
        if rounded < 0 && !text.hasPrefix("-") { text = "-" + text }
        guard digits > 0 else { return text }
        let fraction = Int((abs(rounded) * scale).rounded()) % Int(scale)
        let digitsText = String(fraction)
        return text + "." + String(repeating: "0", count: digits - digitsText.count) + digitsText
    }

    /// A rate with thousands separators (`1,234,567`).
    static func grouped(_ value: Double) -> String {
        let whole = String(Int(value.rounded()))
        var out = ""
        for (index, character) in whole.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    /// Seconds as `12.3 s` or `45 ms`.
    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? "\(fixed(seconds * 1000, 1)) ms" : "\(fixed(seconds, 2)) s"
    }

    /// A size as `20k`, `1M`, `2.5M` or `950`.
    static func count(_ value: Int) -> String {
        if value >= 1_000_000 && value % 100_000 == 0 {
            return value % 1_000_000 == 0 ? "\(value / 1_000_000)M" : "\(fixed(Double(value) / 1e6, 1))M"
        }
        if value >= 1000 && value % 1000 == 0 { return "\(value / 1000)k" }
        return grouped(Double(value))
    }

    static func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1_048_576, 1) }
}
