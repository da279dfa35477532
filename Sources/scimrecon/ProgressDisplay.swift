import Foundation
import SCIMReconCore

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line status on stderr while a run works, redrawn in place: the phase, records read, bytes
/// of the current input, a rate and an estimate of the time left, fitted to the terminal's width.
///
/// It draws nothing until `activate` (called only when stderr is a terminal), so cron, pipes and
/// files get nothing. The line never reaches the last column (so it never wraps), is redrawn at
/// most ten times a second while reading, and is cleared before anything else is written to stderr.
final class ProgressDisplay {
    /// The longest wait between two redraws while reading goes on, in nanoseconds.
    static let redrawInterval: UInt64 = 100_000_000

    private var active = false
    private var phase: RunPhase = .applying
    /// The run's inputs, and which of them is being read (1-based).
    private var inputCount = 0
    private var inputIndex = 0
    private var progress: RunProgress?
    /// When reading began (for the rate), and when the current input began (for its estimate).
    private var readingStarted: UInt64?
    private var inputStarted: UInt64 = 0
    private var lastDraw: UInt64 = 0
    /// Whether the current phase has drawn a progress reading yet: the first is drawn at once.
    private var drawnProgressInPhase = false
    private var visible = false

    /// Starts drawing, for a run over `inputs` inputs.
    func activate(inputs: Int) {
        active = true
        inputCount = inputs
    }

    /// Shows that the run has reached `phase`; drawn at once.
    func enter(_ phase: RunPhase) {
        guard active else { return }
        let now = Self.monotonicNow()
        if case .reading = phase {
            if readingStarted == nil { readingStarted = now }
            inputStarted = now
            inputIndex += 1
            progress.map { progress = RunProgress(records: $0.records, bytesRead: 0, bytesTotal: 0) }
        }
        self.phase = phase
        drawnProgressInPhase = false
        draw(now: now)
    }

    /// Takes a new reading; redrawn when the last redraw is older than `redrawInterval`.
    func update(_ progress: RunProgress) {
        guard active else { return }
        self.progress = progress
        let now = Self.monotonicNow()
        guard !drawnProgressInPhase || now &- lastDraw >= Self.redrawInterval else { return }
        drawnProgressInPhase = true
        draw(now: now)
    }

    /// Removes the line, leaving the cursor at the start of an empty line.
    func clear() {
        guard visible else { return }
        Diagnostics.write("\r\u{1B}[K")
        visible = false
    }

    /// Clears the line, lets `body` write to stderr, then draws the line again.
    func interrupt(_ body: () -> Void) {
        let wasVisible = visible
        clear()
        body()
        if wasVisible { draw(now: Self.monotonicNow()) }
    }

    private func draw(now: UInt64) {
        lastDraw = now
        let seconds = { (start: UInt64) in Double(now &- start) / 1e9 }
        let line = ProgressLine.text(
            phase: phase, input: (inputIndex, inputCount), progress: progress,
            readingSeconds: readingStarted.map(seconds) ?? 0,
            inputSeconds: seconds(inputStarted), width: Self.terminalWidth())
        // Back to the first column, the line, then erase whatever a longer earlier line left.
        Diagnostics.write("\r" + line + "\u{1B}[K")
        visible = true
    }

    /// The terminal's width in columns, read on every redraw so a resized pane is followed;
    /// `$COLUMNS`, then 80, when the terminal does not say.
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 80
    }

    static func monotonicNow() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// The text of the status line: parts in a fixed order, the less useful ones left out (or
/// shortened) first when the width is short.
enum ProgressLine {
    /// One part of the line and the forms it may take, longest first.
    struct Part {
        /// Lower keeps its place longer when the width is short.
        var priority: Int
        var forms: [String]
        /// What goes between this part and the one before it.
        var joiner = ", "
    }

    /// The line for `width` columns: at most `width - 1` characters, so the cursor never reaches
    /// the last column (where a terminal would wrap).
    static func text(
        phase: RunPhase, input: (index: Int, count: Int), progress: RunProgress?, readingSeconds: Double,
        inputSeconds: Double, width: Int
    ) -> String {
        fit(
            parts(
                phase: phase, input: input, progress: progress, readingSeconds: readingSeconds,
                inputSeconds: inputSeconds),
            width: width - 1)
    }

    static func parts(
        phase: RunPhase, input: (index: Int, count: Int), progress: RunProgress?, readingSeconds: Double,
        inputSeconds: Double
    ) -> [Part] {
        var parts = [Part(priority: 9, forms: ["scimrecon:"], joiner: "")]
        let records = progress?.records ?? 0
        switch phase {
        case .reading:
            let (index, count) = input
            parts.append(Part(priority: 0, forms: ["reading"], joiner: " "))
            if count > 1 {
                parts.append(
                    Part(priority: 6, forms: ["input \(index) of \(count)", "\(index)/\(count)"], joiner: " "))
            }
            if let progress, progress.bytesTotal > 0 {
                let fraction = min(1, Double(progress.bytesRead) / Double(progress.bytesTotal))
                parts.append(Part(priority: 1, forms: ["\(Int(fraction * 100))%"], joiner: " "))
                parts.append(recordsPart(records, priority: 3, joiner: ", "))
                parts.append(Part(priority: 7, forms: [bytes(progress.bytesRead, of: progress.bytesTotal)]))
                if readingSeconds >= 0.5, records > 0 {
                    let rate = Double(records) / readingSeconds
                    parts.append(Part(priority: 5, forms: [grouped(Int(rate)) + " records/s", compact(rate) + "/s"]))
                }
                // The estimate needs a little history to mean anything.
                if inputSeconds >= 0.5, fraction > 0.001, fraction < 1 {
                    let left = inputSeconds * (1 - fraction) / fraction
                    parts.append(Part(priority: 2, forms: ["eta " + duration(left)]))
                }
            } else if progress != nil {
                parts.append(recordsPart(records, priority: 3))
            }
        case .applying:
            parts.append(Part(priority: 0, forms: ["applying"], joiner: " "))
            parts.append(recordsPart(records, priority: 3))
        case .checkingGuards:
            parts.append(Part(priority: 0, forms: ["checking guards", "guards"], joiner: " "))
            parts.append(recordsPart(records, priority: 3))
        case .writingReports:
            parts.append(Part(priority: 0, forms: ["writing reports", "reports"], joiner: " "))
            parts.append(recordsPart(records, priority: 3))
        case .committing:
            parts.append(Part(priority: 0, forms: ["committing", "commit"], joiner: " "))
            parts.append(recordsPart(records, priority: 3))
        }
        return parts
    }

    static func recordsPart(_ records: Int, priority: Int, joiner: String = " ") -> Part {
        Part(
            priority: priority,
            forms: ["\(grouped(records)) record\(records == 1 ? "" : "s")", "\(compact(Double(records))) rec"],
            joiner: joiner)
    }

    /// Keeps the parts that fit, most important first, each in its longest form that still fits;
    /// writes them in their original order. When some part fits in no form, the parts are tried
    /// again joined by single spaces, which often makes room for a more important one.
    static func fit(_ parts: [Part], width: Int) -> String {
        guard width > 0 else { return "" }
        let chosen = choose(parts, width: width)
        if chosen.contains(nil) {
            let tight = parts.map { Part(priority: $0.priority, forms: $0.forms, joiner: $0.joiner.isEmpty ? "" : " ") }
            let tighter = choose(tight, width: width)
            // Better when it keeps a more important part: compare the kept priorities, best first.
            let kept = { (choice: [String?]) in
                parts.indices.filter { choice[$0] != nil }.map { parts[$0].priority }.sorted()
            }
            if kept(tighter).lexicographicallyPrecedes(kept(chosen))
                || kept(tighter).count > kept(chosen).count
                    && kept(tighter).starts(with: kept(chosen))
            {
                return String(render(tight, tighter).prefix(width))
            }
        }
        return String(render(parts, chosen).prefix(width))
    }

    /// For each part, its longest form that fits beside the more important ones, or nil.
    static func choose(_ parts: [Part], width: Int) -> [String?] {
        var chosen = [String?](repeating: nil, count: parts.count)
        for index in parts.indices.sorted(by: { parts[$0].priority < parts[$1].priority }) {
            chosen[index] = parts[index].forms.first { form in
                var trial = chosen
                trial[index] = form
                return render(parts, trial).count <= width
            }
        }
        return chosen
    }

    /// The chosen forms in the parts' order, each after its joiner (the first after none).
    static func render(_ parts: [Part], _ chosen: [String?]) -> String {
        var line = ""
        for (part, form) in zip(parts, chosen) {
            guard let form else { continue }
            if !line.isEmpty { line += part.joiner }
            line += form
        }
        return line
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    /// 1234567 as "1.2M", 81234 as "81k".
    static func compact(_ value: Double) -> String {
        switch value {
        case ..<1000: return String(Int(value))
        case ..<10_000: return String(format: "%.1fk", value / 1000)
        case ..<1_000_000: return "\(Int(value / 1000))k"
        default: return String(format: "%.1fM", value / 1_000_000)
        }
    }

    /// "54.1/120.0 MB", in the unit that suits the total.
    static func bytes(_ done: Int64, of total: Int64) -> String {
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024)]
        guard let (name, size) = units.first(where: { Double(total) >= $0.1 }) else { return "\(done)/\(total) B" }
        return String(format: "%.1f/%.1f ", Double(done) / size, Double(total) / size) + name
    }

    /// 75 seconds as "1:15", 3725 as "1:02:05".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}
