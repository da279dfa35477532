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

/// A target from the issue: our time against a peer's time (or an absolute bound).
struct BenchTarget {
    var name: String
    var ours: String
    /// The peer's result name; nil for an absolute target.
    var peer: String?
    /// The largest acceptable `ours / peer` time ratio, or the bound in seconds / MB.
    var bound: Double
    var kind: Kind

    enum Kind { case ratio, seconds, megabytes }
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

    static func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1_048_576, 1) }
}
