import SCIMKit

/// What a run reconciles with: the job's application, mapping, policy and match order.
public struct ReconcileSettings: Sendable {
    public var job: String
    public var app: String
    public var mapping: Mapping
    public var policy: Policy
    public var match: [MatchKey]

    public init(job: String, app: String, mapping: Mapping, policy: Policy, match: [MatchKey]) {
        self.job = job
        self.app = app
        self.mapping = mapping
        self.policy = policy
        self.match = match
    }
}

/// A user by application and SCIM id.
struct UserRef: Hashable {
    var app: String
    var id: String
}

/// A set of users bounded like the run's other caches: past `limit` users it starts again, so a
/// run's memory does not grow with the users it touches. A user it forgot is treated as one it
/// never held (for `Reconciler.mappedThisRun`: mapped whole, which gives the same attributes).
struct MappedUsers {
    /// Three quarters of 65,536: the set's storage never grows past that many buckets.
    static let limit = 49_152
    private var refs: Set<UserRef> = []

    var count: Int { refs.count }

    func contains(_ ref: UserRef) -> Bool { refs.contains(ref) }

    mutating func insert(_ ref: UserRef) {
        if refs.count >= Self.limit && !refs.contains(ref) { refs.removeAll(keepingCapacity: true) }
        refs.insert(ref)
    }

    mutating func remove(_ ref: UserRef) { refs.remove(ref) }
}

/// A failing record under `on_error: abort`: the run stops and applies nothing.
public struct AbortRun: ClassifiedError, Sendable {
    public var event: ProvisioningEvent
    public var kind: FailureKind { .input }
    public var description: String { "\(event.source): \(event.reason ?? "failed") (on_error: abort)" }
}

/// Applies records to the store inside the run's transaction and records one event per decision.
///
/// The decisions themselves (`UserDecision`) are pure; this type fetches the state they need,
/// writes what they decide, and keeps the tally the guards check at the end of the run.
public final class Reconciler {
    public let store: any ProvisioningStore
    public let settings: ReconcileSettings
    public let run: Int64
    public let now: Timestamp
    public internal(set) var tally = RunTally()
    /// Deprovisions recorded so far, kept (up to `withheldLimit`) so a guard stop can list them.
    public private(set) var deprovisions: [ProvisioningEvent] = []
    public let withheldLimit = 10_000
    /// Called with every recorded event (the plan printer of a dry run).
    public var observer: ((ProvisioningEvent) -> Void)?
    /// The id of the user or group the last applied request created or matched.
    var lastResourceID: String?
    /// Work prepared ahead for the next `apply` (by the log pipeline); consumed by that call.
    var prepared = PreparedWork()
    /// The users this run saved with attributes its own mapping computed: a PATCH of one of them
    /// computes again only the mapping entries it touched (`preparePatched`). A user stored by an
    /// earlier run may have been mapped by another mapping, so it is mapped whole.
    var mappedThisRun = MappedUsers()
    /// Records' `app` values as the store spells them, by folded key.
    private var appSpellings: [String: String] = [:]

    public init(store: any ProvisioningStore, settings: ReconcileSettings, run: Int64, now: Timestamp) {
        self.store = store
        self.settings = settings
        self.run = run
        self.now = now
    }

    var policy: Policy { settings.policy }

    /// The application a record belongs to, as the store spells it: the record's own `app`, else
    /// the job's. Any letter case names the same application (SPEC §2).
    public func resolveApp(_ name: String?) throws(StoreError) -> String {
        guard let name, !AppName.same(name, settings.app) else { return settings.app }
        let key = AppName.key(name)
        if let known = appSpellings[key] { return known }
        let known = try store.canonicalApp(name)
        appSpellings[key] = known
        return known
    }

    /// Counts one record read from an input.
    public func countRead(_ key: String = "read") { tally.add(key) }

    /// Records an event: into the store, the tally, and the observer.
    func record(_ event: ProvisioningEvent, email: String?) throws {
        try store.appendEvent(event, email: email)
        tally.add(event.action, event.status)
        if event.status == .success, event.action.isDeprovision, deprovisions.count < withheldLimit {
            deprovisions.append(event)
        }
        observer?(event)
        if event.status == .failure, policy.onError == .abort {
            throw AbortRun(event: event)
        }
    }

    /// Records a record that could not be read or applied at all.
    public func recordFailure(
        _ error: IngestError, app: String? = nil, action: ProvisioningAction = .update, time: Timestamp? = nil,
        source: String, user: String? = nil, userID: String? = nil
    ) throws {
        let event = ProvisioningEvent(
            time: time ?? now, run: run, app: app ?? settings.app, user: user, userID: userID, externalID: nil,
            action: action, status: .failure, reason: error.reason, source: source)
        try record(event, email: nil)
    }

    /// Applies one replayed request (a log line or a bulk operation) that was not applied before.
    /// Returns the SCIM id of the resource it created or matched, when there is one.
    @discardableResult
    public func apply(_ request: SCIMRequest) throws -> String? {
        let app = try resolveApp(request.app)
        lastResourceID = nil
        let work = prepared
        prepared = PreparedWork()
        switch request.path.endpoint {
        case .users: try applyUserRequest(request, app: app, work: work)
        case .groups: try applyGroupRequest(request, app: app)
        case .bulk:
            try recordFailure(
                .rule("request.nested-bulk", "a bulk operation cannot itself be a /Bulk request"),
                app: app, time: request.time, source: request.source)
        }
        return lastResourceID
    }
}
