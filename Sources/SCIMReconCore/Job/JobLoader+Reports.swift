import Yams

extension JobLoader {
    static let reportKeys = ["format", "output", "scope", "since", "until", "user", "action", "status"]

    /// `reports:`: a list of `{format, output, scope, since, until, user, action, status}`.
    static func parseReports(_ document: YAMLSection) throws(JobFileError) -> [JobReport] {
        guard let node = document.value("reports") else { return [] }
        guard case .sequence(let items) = node else {
            throw document.error(at: node, "reports: expected a list of reports")
        }
        var reports: [JobReport] = []
        for item in items {
            reports.append(try parseReport(try YAMLSection(file: document.file, keyPath: "reports", node: item)))
        }
        return reports
    }

    private static func parseReport(_ section: YAMLSection) throws(JobFileError) -> JobReport {
        try section.rejectUnknownKeys(reportKeys)
        let formatText = try section.string("format", required: true)!
        let formats = ReportFormat.allCases.map(\.rawValue)
        guard let format = ReportFormat(rawValue: formatText.lowercased()) else {
            throw section.error(
                section.line(of: "format"),
                "reports.format: unknown value '\(formatText)'" + Suggestion.hint(for: formatText, in: formats)
                    + " (expected \(YAMLSection.list(formats)))")
        }
        let output = try section.string("output", required: true)!
        try checkPlaceholders(output, section)
        var scope = ReportScope.run
        if let text = try section.string("scope") {
            let scopes = ReportScope.allCases.map(\.rawValue)
            guard let parsed = ReportScope(rawValue: text.lowercased()) else {
                throw section.error(
                    section.line(of: "scope"),
                    "reports.scope: unknown value '\(text)'" + Suggestion.hint(for: text, in: scopes)
                        + " (expected \(YAMLSection.list(scopes)))")
            }
            scope = parsed
        }
        let since = try section.string("since")
        let until = try section.string("until")
        for (key, value) in [("since", since), ("until", until)] {
            guard let value else { continue }
            do {
                _ = try TimeSpec.parse(value, now: Timestamp(millisecondsSince1970: 0))
            } catch {
                throw section.error(section.line(of: key), "reports.\(key): \(error)")
            }
        }
        if let since, let until, let from = try? TimeSpec.parse(since, now: Timestamp(millisecondsSince1970: 0)),
            let to = try? TimeSpec.parse(until, now: Timestamp(millisecondsSince1970: 0)), from > to
        {
            throw section.error(section.line(of: "since"), "reports.since: '\(since)' is later than until '\(until)'")
        }
        let actionWords = try section.strings("action") ?? []
        try checkWords(actionWords, allowed: ProvisioningAction.allCases.map(\.rawValue), key: "action", section)
        let statusWords = try section.strings("status") ?? []
        try checkWords(statusWords, allowed: EventStatus.allCases.map(\.rawValue), key: "status", section)
        return JobReport(
            format: format, output: output, scope: scope, since: since, until: until,
            users: try section.strings("user") ?? [],
            actions: actionWords.compactMap { ProvisioningAction(rawValue: $0.lowercased()) },
            statuses: statusWords.compactMap { EventStatus(rawValue: $0.lowercased()) }, line: section.line)
    }

    /// Every `{…}` in `output` must be one of `JobReport.placeholders`.
    private static func checkPlaceholders(_ output: String, _ section: YAMLSection) throws(JobFileError) {
        var rest = output[...]
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw section.error(section.line(of: "output"), "reports.output: unclosed '{'")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard JobReport.placeholders.contains(name) else {
                let expected = JobReport.placeholders.map { "{\($0)}" }
                throw section.error(
                    section.line(of: "output"),
                    "reports.output: unknown placeholder '{\(name)}'"
                        + Suggestion.hint(for: "{\(name)}", in: expected) + " (expected \(YAMLSection.list(expected)))")
            }
            rest = rest[rest.index(after: close)...]
        }
    }

    private static func checkWords(_ words: [String], allowed: [String], key: String, _ section: YAMLSection)
        throws(JobFileError)
    {
        for word in words where !allowed.contains(word.lowercased()) {
            throw section.error(
                section.line(of: key),
                "reports.\(key): unknown \(key) '\(word)'" + Suggestion.hint(for: word, in: allowed)
                    + " (expected \(YAMLSection.list(allowed)))")
        }
    }
}
