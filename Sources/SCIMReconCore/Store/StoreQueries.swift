/// The read side of the store: reports, `users`, `groups`, `runs`, and history retention.
///
/// Each `forEach` streams rows to its body one at a time; none collects the result set.
public protocol StoreQueries: AnyObject {
    /// Runs `body` inside one read transaction, so a count and the rows it counts agree and a
    /// concurrent run is seen wholly before or wholly after.
    func reading<T>(_ body: () throws -> T) throws -> T

    /// The applications the store knows, as it spells them, sorted by their folded names.
    func applications() throws(StoreError) -> [String]

    func countEvents(_ filter: ReportFilter) throws(StoreError) -> Int
    /// Whether any event matches `filter`: stops at the first, where a count reads them all.
    func hasEvents(_ filter: ReportFilter) throws(StoreError) -> Bool
    /// How many events match `filter` and the times of the first and last (nil when none
    /// does), from the indexes rather than by reading the events.
    func eventSpan(_ filter: ReportFilter) throws(StoreError) -> EventSpan?
    /// Events matching `filter` in time order (then the order they were recorded).
    func forEachEvent(_ filter: ReportFilter, _ body: (ProvisioningEvent) throws -> Void) throws
    /// Users by app then userName; `user` is a `--user` pattern over userName, email, externalId, id.
    func forEachUser(app: String?, user: String?, _ body: (LocalUser, [String]) throws -> Void) throws
    /// Groups by app then displayName, with their members' userNames (ids where unknown).
    func forEachGroup(app: String?, _ body: (LocalGroup, [String]) throws -> Void) throws
    /// Runs in id order.
    func forEachRun(_ body: (RunRecord) throws -> Void) throws
    /// Deletes events older than `cutoff`; returns how many.
    func pruneEvents(before cutoff: Timestamp) throws(StoreError) -> Int
}

/// The events a filter matches, in brief: how many, and when the first and the last happened.
public struct EventSpan: Equatable, Sendable {
    public var count: Int
    public var first: Timestamp
    public var last: Timestamp

    public init(count: Int, first: Timestamp, last: Timestamp) {
        self.count = count
        self.first = first
        self.last = last
    }

    /// The span an aggregate row gives (`count(*)`, `min(time_ms)`, `max(time_ms)`): nil when
    /// it counted nothing.
    public init?(count: Int64?, firstMilliseconds: Int64?, lastMilliseconds: Int64?) {
        guard let count, count > 0, let firstMilliseconds, let lastMilliseconds else { return nil }
        self.init(
            count: Int(count), first: Timestamp(millisecondsSince1970: firstMilliseconds),
            last: Timestamp(millisecondsSince1970: lastMilliseconds))
    }
}
