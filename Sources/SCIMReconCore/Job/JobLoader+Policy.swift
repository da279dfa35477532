import Yams

extension JobLoader {
    static let policyKeys = [
        "create", "update", "deprovision", "delete_deactivated", "delete_after", "max_deprovisions",
        "deprovision_floor", "on_error",
        "max_failure_rate", "failure_rate_min_records", "keep_history",
    ]

    /// `policy:`: toggles, guards and retention; every key optional (SPEC §2's defaults).
    static func parsePolicy(_ document: YAMLSection) throws(JobFileError) -> Policy {
        var policy = Policy()
        guard let section = try document.section("policy") else { return policy }
        try section.rejectUnknownKeys(policyKeys)
        policy.create = try section.bool("create") ?? policy.create
        policy.update = try section.bool("update") ?? policy.update
        policy.deprovision = try section.bool("deprovision") ?? policy.deprovision
        policy.deleteDeactivated = try section.bool("delete_deactivated") ?? policy.deleteDeactivated
        if let text = try section.string("delete_after") {
            guard let milliseconds = DurationText.milliseconds(text) else {
                throw section.error(
                    section.line(of: "delete_after"), "policy.delete_after: expected \(DurationText.forms)")
            }
            guard policy.deleteDeactivated else {
                throw section.error(
                    section.line(of: "delete_after"),
                    "policy.delete_after: a grace period needs delete_deactivated: true")
            }
            policy.deleteAfterMilliseconds = milliseconds
        }
        if let text = try section.string("max_deprovisions") {
            guard let limit = deprovisionLimit(text) else {
                throw section.error(
                    section.line(of: "max_deprovisions"),
                    "policy.max_deprovisions: expected a number of users or a percentage like 10%")
            }
            policy.maxDeprovisions = limit
        }
        if let text = try section.string("deprovision_floor") {
            guard let floor = Int(text), floor >= 0 else {
                throw section.error(
                    section.line(of: "deprovision_floor"), "policy.deprovision_floor: expected a whole number of users")
            }
            policy.deprovisionFloor = floor
        }
        policy.onError = try section.choice("on_error", ErrorPolicy.self) ?? policy.onError
        if let text = try section.string("max_failure_rate") {
            guard let rate = failureRate(text) else {
                throw section.error(
                    section.line(of: "max_failure_rate"),
                    "policy.max_failure_rate: expected a percentage like 40% (or a fraction like 0.4)")
            }
            policy.maxFailureRate = rate
        }
        policy.failureRateMinimumRecords =
            try section.int("failure_rate_min_records", minimum: 0) ?? policy.failureRateMinimumRecords
        if let text = try section.string("keep_history") {
            if text == "forever" || text == "never" {
                policy.keepHistoryMilliseconds = nil
            } else if let milliseconds = DurationText.milliseconds(text), milliseconds > 0 {
                policy.keepHistoryMilliseconds = milliseconds
            } else {
                throw section.error(
                    section.line(of: "keep_history"), "policy.keep_history: expected forever or \(DurationText.forms)")
            }
        }
        return policy
    }

    /// `500` or `10%` (0 to 100, fractions allowed).
    static func deprovisionLimit(_ text: String) -> DeprovisionLimit? {
        if text.hasSuffix("%") {
            guard let percent = decimal(text.dropLast()), percent <= 100 else { return nil }
            return .percent(percent)
        }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(text) else { return nil }
        return .count(count)
    }

    /// `40%`, or a fraction `0.4`; as a fraction from 0 to 1.
    static func failureRate(_ text: String) -> Double? {
        if text.hasSuffix("%") {
            guard let percent = decimal(text.dropLast()), percent <= 100 else { return nil }
            return percent / 100
        }
        guard let fraction = decimal(text[...]), fraction <= 1 else { return nil }
        return fraction
    }

    /// A non-negative decimal written with digits and at most one point.
    private static func decimal(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != "."
        else { return nil }
        return Double(text)
    }
}
