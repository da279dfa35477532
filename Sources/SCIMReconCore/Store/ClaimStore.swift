import SCIMKit

/// The identity a claim or an event is about, as `crosscheck` joins them: the SCIM id, else the
/// match keys (userName case-insensitively, externalId).
public struct ClaimIdentity: Sendable, Hashable {
    public var id: String?
    public var userName: String?
    public var externalID: String?

    public init(id: String?, userName: String?, externalID: String?) {
        self.id = id
        self.userName = userName
        self.externalID = externalID
    }

    /// Whether nothing identifies it.
    public var isEmpty: Bool { id == nil && userName == nil && externalID == nil }
}

/// Where the provider's claims (`graph-logs`) are kept, beside the history (SPEC §3, §6.1).
///
/// Claims are written in the run's transaction (`ProvisioningStore.begin`) and read under
/// `StoreQueries.reading`. Implementations: `SQLiteStore`.
public protocol ClaimStore: AnyObject {
    /// Stores `claim` unless one with its id is already stored for its app (an overlapping
    /// download); returns whether it was new.
    func insertClaim(_ claim: ProviderClaim) throws(StoreError) -> Bool
    /// Claims of `apps` (any when empty) with `since <= time < until`, in time order.
    func forEachClaim(
        apps: [String], since: Timestamp?, until: Timestamp?, _ body: (ProviderClaim) throws -> Void
    ) throws
    /// Claims of `app` about `identity` with `from <= time <= to`, in time order.
    func claims(app: String, about identity: ClaimIdentity, from: Timestamp, to: Timestamp) throws(StoreError)
        -> [ProviderClaim]
    /// History events of `app` about `identity` with `from <= time <= to`, in time order.
    func events(app: String, about identity: ClaimIdentity, from: Timestamp, to: Timestamp) throws(StoreError)
        -> [ProvisioningEvent]
    /// The applications that hold claims, in the spelling first recorded.
    func claimApps() throws(StoreError) -> [String]
    /// Deletes claims older than `cutoff` (`keep_history`, like the events); returns how many.
    func pruneClaims(before cutoff: Timestamp) throws(StoreError) -> Int
}
