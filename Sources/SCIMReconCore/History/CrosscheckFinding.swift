import SCIMKit

/// One disagreement between what the provider says it did and what the store recorded (SPEC §6.1).
public struct CrosscheckFinding: Sendable, Hashable {
    /// What kind of disagreement it is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The provider says it created, updated, disabled or deleted; no such event here.
        case providerOnly = "provider-only"
        /// Changed here; the provider reports nothing about it.
        case storeOnly = "store-only"
        /// The provider says success and the store recorded a failure or a skip, or the reverse.
        case outcomeMismatch = "outcome-mismatch"
        /// The provider's new value of an attribute differs from the one the store holds.
        case attributeDrift = "attribute-drift"
        /// The provider reports a failure (by its `errorCode`).
        case providerFailure = "provider-failure"
    }

    public var kind: Kind
    /// The claim's time, or the event's for `store-only`.
    public var time: Timestamp
    public var app: String
    /// The end-user identifier (userName) the finding is about.
    public var user: String?
    /// The SCIM id.
    public var userID: String?
    /// The provider's side, when there is one.
    public var claim: ProviderClaim?
    /// The store's side, when there is one.
    public var event: ProvisioningEvent?
    /// For `attribute-drift`: the provider's attribute name and both values (nil is absent).
    public var attribute: String?
    public var providerValue: String?
    public var storedValue: String?
    /// For `provider-failure`: the provider's error code (`EntryConflict`).
    public var errorCode: String?
    /// One sentence for people.
    public var message: String

    public init(
        kind: Kind, time: Timestamp, app: String, user: String?, userID: String?, claim: ProviderClaim? = nil,
        event: ProvisioningEvent? = nil, attribute: String? = nil, providerValue: String? = nil,
        storedValue: String? = nil, errorCode: String? = nil, message: String
    ) {
        self.kind = kind
        self.time = time
        self.app = app
        self.user = user
        self.userID = userID
        self.claim = claim
        self.event = event
        self.attribute = attribute
        self.providerValue = providerValue
        self.storedValue = storedValue
        self.errorCode = errorCode
        self.message = message
    }
}

/// What a crosscheck looks at: the applications, the timespan, and how far apart in time a
/// claim and an event may be and still be the same change.
public struct CrosscheckFilter: Sendable, Hashable {
    /// Applications (any when empty).
    public var apps: [String]
    /// Inclusive lower bound on claim and event times.
    public var since: Timestamp?
    /// Exclusive upper bound.
    public var until: Timestamp?
    /// How far apart (milliseconds) a claim and an event may be and still describe one change.
    public var toleranceMilliseconds: Int64

    /// The default tolerance: 15 minutes, past the few seconds between Entra's `activityDateTime`
    /// and the request reaching the endpoint, short of the next provisioning cycle (40 minutes).
    public static let defaultToleranceMilliseconds: Int64 = 15 * 60 * 1000

    public init(
        apps: [String] = [], since: Timestamp? = nil, until: Timestamp? = nil,
        toleranceMilliseconds: Int64 = CrosscheckFilter.defaultToleranceMilliseconds
    ) {
        self.apps = apps
        self.since = since
        self.until = until
        self.toleranceMilliseconds = toleranceMilliseconds
    }

    /// The filter as (name, value) pairs, for the reports' `filters`.
    public var echoedValues: [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = apps.map { ("app", $0) }
        if let since { pairs.append(("since", since.rfc3339)) }
        if let until { pairs.append(("until", until.rfc3339)) }
        pairs.append(("tolerance", "\(toleranceMilliseconds / 1000)s"))
        return pairs
    }

    /// The tolerance as people write it: `15m`, `90s`, `2h`.
    public var toleranceText: String {
        let seconds = toleranceMilliseconds / 1000
        if seconds % 3600 == 0, seconds > 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0, seconds > 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

/// The counts a crosscheck found, by kind, and how many claims and events it compared.
public struct CrosscheckTotals: Sendable, Hashable {
    public var byKind: [CrosscheckFinding.Kind: Int] = [:]
    public var claimsCompared = 0
    public var eventsCompared = 0

    public init() {}

    /// Every finding, of every kind.
    public var findings: Int { byKind.values.reduce(0, +) }

    public subscript(kind: CrosscheckFinding.Kind) -> Int { byKind[kind] ?? 0 }
}
