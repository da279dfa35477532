import SCIMKit

/// Lines up the provider's claims with the store's history (SPEC §6.1) and reports each
/// disagreement as a `CrosscheckFinding`.
///
/// Two passes, each streamed with indexed look-ups, so memory does not grow with the history:
/// the claims in time order (provider-only, outcome-mismatch, attribute-drift, provider-failure),
/// then, per application, the history's changes in time order (store-only) within the span the
/// provider's log covers (its first to its last record, widened by the tolerance): outside it
/// the provider's silence says nothing. A claim and an event are about the
/// same change when they name the same identity — the SCIM id (`targetIdentity.id`), else the
/// match keys userName (any case) or externalId — with compatible actions, at most the
/// filter's tolerance apart.
public struct Crosscheck {
    public typealias Store = ProvisioningStore & StoreQueries & ClaimStore

    let store: any Store
    let filter: CrosscheckFilter

    public init(store: any Store, filter: CrosscheckFilter) {
        self.store = store
        self.filter = filter
    }

    /// Runs both passes, calling `body` with each finding; returns the totals.
    @discardableResult
    public func run(_ body: (CrosscheckFinding) throws -> Void) throws -> CrosscheckTotals {
        var totals = CrosscheckTotals()
        func emit(_ finding: CrosscheckFinding) throws {
            totals.byKind[finding.kind, default: 0] += 1
            try body(finding)
        }
        let claimApps = try store.claimApps()
        let apps = filter.apps.isEmpty ? claimApps : filter.apps.filter { claimApps.contains($0) }
        guard !apps.isEmpty else { return totals }
        // What span of time the provider's log covers, per application: only there can its
        // silence about a change mean something.
        var covered: [String: (first: Timestamp, last: Timestamp)] = [:]
        try store.forEachClaim(apps: apps, since: filter.since, until: filter.until) { claim in
            let span = covered[claim.app]
            covered[claim.app] = (min(span?.first ?? claim.time, claim.time), max(span?.last ?? claim.time, claim.time))
            guard claim.action != .other else { return }
            totals.claimsCompared += 1
            for finding in try check(claim) { try emit(finding) }
        }
        for app in apps {
            guard let span = covered[app] else { continue }
            let changes = ReportFilter(
                apps: [app],
                since: Self.later(filter.since, span.first.adding(milliseconds: -filter.toleranceMilliseconds)),
                until: Self.earlier(filter.until, span.last.adding(milliseconds: filter.toleranceMilliseconds + 1)),
                actions: ProvisioningAction.allCases, statuses: [.success])
            try store.forEachEvent(changes) { event in
                totals.eventsCompared += 1
                if try !hasClaim(for: event) { try emit(Self.storeOnly(event, tolerance: filter.toleranceText)) }
            }
        }
        return totals
    }

    static func later(_ bound: Timestamp?, _ time: Timestamp) -> Timestamp { bound.map { max($0, time) } ?? time }
    static func earlier(_ bound: Timestamp?, _ time: Timestamp) -> Timestamp { bound.map { min($0, time) } ?? time }

    /// The identity a claim names.
    static func identity(of claim: ProviderClaim) -> ClaimIdentity {
        ClaimIdentity(id: claim.targetID, userName: claim.user, externalID: claim.externalID)
    }

    /// The identity an event names. A membership event names the member; the provider reports
    /// it as a change of the group, so it is looked up by the group's name (its `group` change).
    static func identity(of event: ProvisioningEvent) -> ClaimIdentity {
        if event.action == .memberAdd || event.action == .memberRemove {
            let group = event.changes.first { $0.attribute == "group" }.flatMap { $0.new ?? $0.old }
            return ClaimIdentity(id: nil, userName: group, externalID: nil)
        }
        return ClaimIdentity(id: event.userID, userName: event.user, externalID: event.externalID)
    }

    /// The store actions that can record the change a provider action describes.
    static func compatible(_ action: ProviderClaim.Action, group: Bool) -> Set<ProvisioningAction> {
        switch (action, group) {
        case (.create, false): return [.create, .update, .enable]
        case (.update, false): return [.update, .enable, .disable, .create]
        case (.disable, false): return [.disable, .delete, .update]
        case (.delete, false), (.stagedDelete, false): return [.delete, .disable]
        case (.create, true): return [.groupCreate, .groupUpdate, .memberAdd]
        case (.update, true): return [.groupUpdate, .memberAdd, .memberRemove, .groupCreate]
        case (.delete, true), (.stagedDelete, true), (.disable, true): return [.groupDelete]
        case (.other, _): return []
        }
    }

    static func isGroupAction(_ action: ProvisioningAction) -> Bool {
        switch action {
        case .groupCreate, .groupUpdate, .groupDelete, .memberAdd, .memberRemove: return true
        default: return false
        }
    }

    /// Whether the provider said it acted: a success or a warning (done, with a remark).
    static func providerActed(_ status: ProviderClaim.Status) -> Bool { status == .success || status == .warning }

    /// The findings one claim gives.
    func check(_ claim: ProviderClaim) throws -> [CrosscheckFinding] {
        var findings: [CrosscheckFinding] = []
        let user = claim.user
        if claim.status == .failure {
            let code = claim.errorCode ?? "unknown"
            findings.append(
                CrosscheckFinding(
                    kind: .providerFailure, time: claim.time, app: claim.app, user: user, userID: claim.targetID,
                    claim: claim, errorCode: code,
                    message: "the provider failed to \(claim.action.rawValue) \(user ?? "an identity"): \(code)"
                        + (claim.errorReason.map { ": \($0)" } ?? "")))
        }
        let identity = Self.identity(of: claim)
        guard !identity.isEmpty else { return findings }
        let tolerance = filter.toleranceMilliseconds
        let actions = Self.compatible(claim.action, group: claim.isGroup)
        let candidates = try store.events(
            app: claim.app, about: identity, from: claim.time.adding(milliseconds: -tolerance),
            to: claim.time.adding(milliseconds: tolerance)
        ).filter { actions.contains($0.action) }
        func distance(_ event: ProvisioningEvent) -> Int64 {
            abs(event.time.millisecondsSince1970 - claim.time.millisecondsSince1970)
        }
        let acted = Self.providerActed(claim.status)
        // Prefer the nearest event that agrees on the outcome; else the nearest at all.
        let agreeing = candidates.filter { ($0.status == .success) == acted }.min { distance($0) < distance($1) }
        let nearest = agreeing ?? candidates.min { distance($0) < distance($1) }
        let verb = Self.pastTense(claim.action)
        if acted, let event = nearest, event.status == .success {
            if !claim.isGroup { findings += try drift(claim, event: event) }
        } else if acted, nearest == nil {
            findings.append(
                CrosscheckFinding(
                    kind: .providerOnly, time: claim.time, app: claim.app, user: user, userID: claim.targetID,
                    claim: claim,
                    message: "the provider says it \(verb) \(user ?? claim.targetID ?? "an identity"); "
                        + "the store recorded no such change within \(filter.toleranceText)"))
        } else if let event = nearest, acted != (event.status == .success) {
            findings.append(
                CrosscheckFinding(
                    kind: .outcomeMismatch, time: claim.time, app: claim.app, user: user ?? event.user,
                    userID: claim.targetID ?? event.userID, claim: claim, event: event,
                    message: "the provider says \(claim.action.rawValue) \(claim.status.rawValue); the store "
                        + "recorded \(event.action.rawValue) \(event.status.rawValue)"
                        + (event.reason.map { " (\($0))" } ?? "") + " at \(event.source)"))
        }
        return findings
    }

    /// `attribute-drift` findings: each provider value that differs from the user's stored
    /// resource, judged only for the last change the store recorded for that user (a later
    /// event may rightly have changed the value since) and unless a later claim about the same
    /// user set that attribute again.
    func drift(_ claim: ProviderClaim, event: ProvisioningEvent) throws -> [CrosscheckFinding] {
        let changed = claim.changes.filter { $0.new != nil }
        guard !changed.isEmpty, let id = event.userID,
            let stored = try store.findUser(app: claim.app, by: .id, value: id).first
        else { return [] }
        let farFuture = Timestamp(millisecondsSince1970: Int64.max / 2)
        let laterChanges = try store.events(
            app: claim.app, about: ClaimIdentity(id: id, userName: nil, externalID: nil),
            from: event.time.adding(milliseconds: 1), to: farFuture
        ).filter { $0.status == .success && !Self.isGroupAction($0.action) }
        guard laterChanges.isEmpty else { return [] }
        var later: [ProviderClaim]?
        var findings: [CrosscheckFinding] = []
        for change in changed {
            guard let path = try? SCIMPathReader.parse(change.attribute), !path.isPassword,
                let providerValue = change.new
            else { continue }
            let values = SCIMPathReader.values(at: path, in: stored.scim)
            let storedValue = values.first.flatMap { Self.comparable($0, boolean: path.isBoolean) }
            if let storedValue, Self.same(providerValue, storedValue, attribute: path.path.attribute) { continue }
            if later == nil {
                later = try store.claims(
                    app: claim.app, about: Self.identity(of: claim), from: claim.time.adding(milliseconds: 1),
                    to: filter.until ?? farFuture
                ).filter { Self.providerActed($0.status) }
            }
            if later!.contains(where: { $0.changes.contains { $0.attribute.caseInsensitiveEquals(change.attribute) } })
            {
                continue
            }
            findings.append(
                CrosscheckFinding(
                    kind: .attributeDrift, time: claim.time, app: claim.app, user: claim.user ?? stored.userName,
                    userID: id, claim: claim, event: event, attribute: change.attribute,
                    providerValue: providerValue, storedValue: storedValue,
                    message: "the provider set \(change.attribute) to '\(providerValue)'; the store holds "
                        + (storedValue.map { "'\($0)'" } ?? "no value")))
        }
        return findings
    }

    /// Whether any claim describes the change `event` recorded.
    func hasClaim(for event: ProvisioningEvent) throws -> Bool {
        let tolerance = filter.toleranceMilliseconds
        let group = Self.isGroupAction(event.action)
        return try store.claims(
            app: event.app, about: Self.identity(of: event), from: event.time.adding(milliseconds: -tolerance),
            to: event.time.adding(milliseconds: tolerance)
        ).contains { claim in
            claim.isGroup == group && Self.compatible(claim.action, group: group).contains(event.action)
        }
    }

    static func storeOnly(_ event: ProvisioningEvent, tolerance: String) -> CrosscheckFinding {
        CrosscheckFinding(
            kind: .storeOnly, time: event.time, app: event.app, user: event.user, userID: event.userID, event: event,
            message: "the store recorded \(event.action.rawValue) of \(event.user ?? event.userID ?? "an identity") "
                + "at \(event.source); the provider reports nothing about it within \(tolerance)")
    }

    static func pastTense(_ action: ProviderClaim.Action) -> String {
        switch action {
        case .create: return "created"
        case .update: return "updated"
        case .delete: return "deleted"
        case .disable: return "disabled"
        case .stagedDelete: return "soft-deleted"
        case .other: return "acted on"
        }
    }

    /// A stored SCIM value as the provider would write it.
    static func comparable(_ value: JSONValue, boolean: Bool) -> String? {
        if boolean, let flag = SCIMBoolean.coerce(value) { return flag ? "true" : "false" }
        return GraphLogRecord.text(value)
    }

    /// Equal values: userName ignoring case (it is not case-exact in SCIM), the rest exactly.
    static func same(_ provider: String, _ stored: String, attribute: String) -> Bool {
        if attribute.caseInsensitiveEquals("userName") || attribute.caseInsensitiveEquals("emails") {
            return provider.lowercased() == stored.lowercased()
        }
        return provider == stored
    }
}
