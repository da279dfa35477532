/// The pieces every HTML report shares: escaping, the page frame with its inline style, tables,
/// and the SVG chart of counts over time.
///
/// A page is one self-contained document: no script, and nothing fetched (no external style,
/// font or image), so it opens offline in any browser and a mail client shows it as sent.
/// Everything that comes from an input goes through `escape`.
public enum HTMLPage {
    /// Text safe in element content and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default:
                // Control characters (other than tab and newlines) have no place in a page.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// The status colours, shared by the chart, its legend and the table's badges.
    public static let statusColors: [(name: String, color: String)] = [
        ("success", "#2e7d32"), ("skipped", "#f9a825"), ("failure", "#c62828"),
    ]

    /// The document up to the opening of the page's flex column. The summary is written after
    /// the table (one pass over the history) and shown above it by CSS `order`.
    public static func opening(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f6f7f9}
        .page{display:flex;flex-direction:column;gap:16px;padding:20px 28px;max-width:1400px;margin:0 auto}
        header{order:0}
        .summary{order:1;display:flex;flex-wrap:wrap;gap:16px}
        .rows{order:2}
        h1{font-size:22px;margin:0 0 4px}
        h2{font-size:16px;margin:0 0 8px}
        .card{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:12px 16px}
        .wide{flex:1 1 100%}
        .filters{color:#4a5260}
        .filters code{background:#eef1f5;padding:1px 5px;border-radius:3px}
        table{border-collapse:collapse;font-size:13px}
        th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f0f2f5;font-weight:600}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .rows table{width:100%}
        .rows td{overflow-wrap:break-word}
        .rows td:first-child,.badge{white-space:nowrap}
        .badge{display:inline-block;padding:0 6px;border-radius:9px;color:#fff;font-size:12px}
        .success{background:#2e7d32}.skipped{background:#b07800}.failure{background:#c62828}
        .kind{background:#37474f}
        .provider-only{background:#6a1b9a}.store-only{background:#1565c0}.outcome-mismatch{background:#ef6c00}
        .attribute-drift{background:#00897b}.provider-failure{background:#c62828}
        .more{color:#4a5260;margin-top:8px}
        .legend span{display:inline-block;margin-right:14px}
        .legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
        </style>
        </head>
        <body>
        <div class="page">

        """
    }

    /// Closes the page.
    public static let closing = "</div>\n</body>\n</html>\n"

    /// The header: a title, when it was generated, and the filters it was made with.
    public static func header(title: String, generatedAt: Timestamp, filters: [(name: String, value: String)])
        -> String
    {
        let shown =
            filters.isEmpty
            ? "all of the history"
            : filters.map { "\(escape($0.name)) <code>\(escape($0.value))</code>" }.joined(separator: " · ")
        return "<header><h1>\(escape(title))</h1>"
            + "<div class=\"filters\">Generated \(escape(generatedAt.rfc3339)) · Filters: \(shown)</div></header>\n"
    }

    /// A table of rows of already escaped cells; `numeric` columns are right-aligned.
    public static func table(_ headings: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        var html = "<table><tr>"
        for (index, heading) in headings.enumerated() {
            html += numeric.contains(index) ? "<th class=\"n\">\(escape(heading))</th>" : "<th>\(escape(heading))</th>"
        }
        html += "</tr>"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                html += numeric.contains(index) ? "<td class=\"n\">\(cell)</td>" : "<td>\(cell)</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }

    /// A badge for a status or a kind.
    public static func badge(_ text: String, class name: String) -> String {
        "<span class=\"badge \(escape(name))\">\(escape(text))</span>"
    }
}

/// Counts over time in hourly buckets, per series (statuses, finding kinds), drawn as a stacked
/// SVG bar chart by hour (a span up to three days) or by day.
///
/// Memory is one small array per hour that has data, whatever the number of events.
public struct TimeSeriesChart {
    public let series: [(name: String, color: String)]
    private var hours: [Int64: [Int]] = [:]

    public init(series: [(name: String, color: String)]) { self.series = series }

    /// Counts one item of series `index` at `time`.
    public mutating func add(_ time: Timestamp, series index: Int) {
        let hour = Self.floorDiv(time.millisecondsSince1970, 3_600_000)
        hours[hour, default: Array(repeating: 0, count: series.count)][index] += 1
    }

    public var isEmpty: Bool { hours.isEmpty }

    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// Counts per day (`yyyy-mm-dd`), in order, for the "by day" table.
    public var days: [(day: String, counts: [Int])] {
        var byDay: [Int64: [Int]] = [:]
        for (hour, counts) in hours {
            let day = Self.floorDiv(hour, 24)
            var sum = byDay[day] ?? Array(repeating: 0, count: series.count)
            for index in counts.indices { sum[index] += counts[index] }
            byDay[day] = sum
        }
        return byDay.keys.sorted().map { day in
            (Timestamp(millisecondsSince1970: day * 86_400_000).dateString, byDay[day]!)
        }
    }

    /// The chart as inline SVG, with a legend; an empty history draws a note instead.
    public func svg(width: Int = 1100, height: Int = 220) -> String {
        guard let first = hours.keys.min(), let last = hours.keys.max() else {
            return "<p class=\"more\">Nothing to chart.</p>"
        }
        let hourly = last - first < 72
        let step: Int64 = hourly ? 1 : 24
        let start = hourly ? first : Self.floorDiv(first, 24) * 24
        let bucketCount = Int((last - start) / step) + 1
        var buckets = Array(repeating: Array(repeating: 0, count: series.count), count: bucketCount)
        for (hour, counts) in hours {
            let index = Int((hour - start) / step)
            for series in counts.indices { buckets[index][series] += counts[series] }
        }
        let maximum = max(1, buckets.map { $0.reduce(0, +) }.max() ?? 1)
        let left = 48
        let bottom = 28
        let plotWidth = width - left - 10
        let plotHeight = height - bottom - 10
        let slot = Double(plotWidth) / Double(bucketCount)
        let barWidth = max(1.0, slot * 0.8)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"events over time\" "
            + "width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
            + "style=\"max-width:100%;height:auto\">"
            + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>"
            + "<line x1=\"\(left)\" y1=\"\(10 + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(10 + plotHeight)\" "
            + "stroke=\"#8a929e\"/>"
            + "<text x=\"\(left - 6)\" y=\"18\" text-anchor=\"end\" font-size=\"11\" fill=\"#4a5260\">\(maximum)</text>"
            + "<text x=\"\(left - 6)\" y=\"\(10 + plotHeight)\" text-anchor=\"end\" font-size=\"11\" "
            + "fill=\"#4a5260\">0</text>"
        for (index, counts) in buckets.enumerated() {
            var y = Double(10 + plotHeight)
            let x = Double(left) + Double(index) * slot + (slot - barWidth) / 2
            for (series, count) in counts.enumerated() where count > 0 {
                let barHeight = Double(plotHeight) * Double(count) / Double(maximum)
                y -= barHeight
                svg +=
                    "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(barWidth))\" "
                    + "height=\"\(Self.number(barHeight))\" fill=\"\(self.series[series].color)\"/>"
            }
        }
        func label(_ bucket: Int64) -> String {
            let time = Timestamp(millisecondsSince1970: bucket * 3_600_000)
            return hourly ? String(time.rfc3339.prefix(13)).replacingT() + ":00" : time.dateString
        }
        svg +=
            "<text x=\"\(left)\" y=\"\(height - 8)\" font-size=\"11\" fill=\"#4a5260\">\(label(start))</text>"
            + "<text x=\"\(width - 10)\" y=\"\(height - 8)\" text-anchor=\"end\" font-size=\"11\" fill=\"#4a5260\">"
            + "\(label(start + Int64(bucketCount - 1) * step))</text></svg>"
        let legend = series.map {
            "<span><i style=\"background:\($0.color)\"></i>\(HTMLPage.escape($0.name))</span>"
        }.joined()
        return "<div class=\"legend\">\(legend) <span>(\(hourly ? "per hour" : "per day"), UTC)</span></div>" + svg
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

extension String {
    fileprivate func replacingT() -> String {
        String(map { $0 == "T" ? " " : $0 })
    }
}
