import Yams

extension JobLoader {
    static let reportKeys = ["format", "output", "since", "until", "user", "action", "status"]

    /// `reports:`: a list of `{format, output, since, until, user, action, status}`.
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
        let format = try section.string("format", required: true)!
        guard JobReport.formats.contains(format) else {
            throw section.error(
                section.line(of: "format"),
                "reports.format: unknown value '\(format)'" + Suggestion.hint(for: format, in: JobReport.formats)
                    + " (expected \(YAMLSection.list(JobReport.formats)))")
        }
        let output = try section.string("output", required: true)!
        try checkPlaceholders(output, section)
        let actions = try section.strings("action") ?? []
        try checkWords(actions, allowed: ProvisioningAction.allCases.map(\.rawValue), key: "action", section)
        let statuses = try section.strings("status") ?? []
        try checkWords(statuses, allowed: EventStatus.allCases.map(\.rawValue), key: "status", section)
        return JobReport(
            format: format, output: output, since: try section.string("since"), until: try section.string("until"),
            users: try section.strings("user") ?? [], actions: actions, statuses: statuses, line: section.line)
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
        for word in words where !allowed.contains(word) {
            throw section.error(
                section.line(of: key),
                "reports.\(key): unknown \(key) '\(word)'" + Suggestion.hint(for: word, in: allowed)
                    + " (expected \(YAMLSection.list(allowed)))")
        }
    }
}
