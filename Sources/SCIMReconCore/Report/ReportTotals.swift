/// What a report held, by action and by status: the human summary on stderr after `report` and
/// after each job report (the JSON and XML shapes stay as they are).
public struct ReportTotals: Sendable, Hashable {
    public private(set) var count = 0
    public private(set) var byAction: [ProvisioningAction: Int] = [:]
    public private(set) var byStatus: [EventStatus: Int] = [:]

    public init() {}

    /// Counts one event.
    public mutating func add(_ event: ProvisioningEvent) {
        add(action: event.action, status: event.status)
    }

    /// Counts one event by its action and status.
    public mutating func add(action: ProvisioningAction, status: EventStatus) {
        count += 1
        byAction[action, default: 0] += 1
        byStatus[status, default: 0] += 1
    }

    /// `20 events (create 4, update 7, disable 2; success 18, skipped 1, failure 1)`, or `0 events`.
    public var summary: String {
        guard count > 0 else { return "0 events" }
        let actions = ProvisioningAction.allCases.compactMap { action in
            byAction[action].map { "\(action.rawValue) \($0)" }
        }
        let statuses = EventStatus.allCases.compactMap { status in byStatus[status].map { "\(status.rawValue) \($0)" } }
        return "\(count) event\(count == 1 ? "" : "s") (\(actions.joined(separator: ", ")); "
            + "\(statuses.joined(separator: ", ")))"
    }
}
