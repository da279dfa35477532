import SCIMKit

/// One user's story for `explain` (SPEC §6.1): the stored state in every app, the events that
/// touched the user in time order, what the provider's log says about the user, and (with a
/// job) what the job's mapping and policy would do with the stored resource now.
public struct UserStory: Sendable {
    /// A stored user and its groups.
    public struct StoredUser: Sendable {
        public var user: LocalUser
        public var groups: [String]
    }

    /// What a job would do with one stored user now.
    public struct Replay: Sendable {
        public var app: String
        public var id: String
        /// `create` is never the answer (the user exists); nil when nothing would change.
        public var action: ProvisioningAction?
        public var status: EventStatus
        public var changes: [AttributeChange]
        /// A sentence: why, in the job's terms.
        public var explanation: String
    }

    public var query: String
    public var users: [StoredUser] = []
    public var events: [ProvisioningEvent] = []
    public var claims: [ProviderClaim] = []
    public var replays: [Replay] = []

    /// Whether nothing at all is known about the user.
    public var isEmpty: Bool { users.isEmpty && events.isEmpty && claims.isEmpty }

    /// Reads the story of `query` (a `--user` pattern: userName, email, externalId or SCIM id)
    /// from `store`, within `app` when given. Events are found by the pattern and by the SCIM
    /// ids of the matching users, so a renamed user's earlier events are part of it.
    public static func read(
        _ query: String, app: String?, from store: any StoreQueries, claims claimStore: (any ClaimStore)?
    ) throws -> UserStory {
        var story = UserStory(query: query)
        try store.forEachUser(app: app, user: query) { user, groups in
            story.users.append(StoredUser(user: user, groups: groups))
        }
        let patterns = [query] + story.users.map(\.user.id)
        try store.forEachEvent(ReportFilter(users: patterns, apps: app.map { [$0] } ?? [])) { story.events.append($0) }
        if let claimStore {
            var seen = Set<String>()
            let everything = (Timestamp(millisecondsSince1970: 0), Timestamp(millisecondsSince1970: Int64.max / 2))
            var identities = story.users.map { stored in
                (
                    stored.user.app,
                    ClaimIdentity(
                        id: stored.user.id, userName: stored.user.userName,
                        externalID: stored.user.externalID)
                )
            }
            for event in story.events where !story.users.contains(where: { $0.user.app == event.app }) {
                identities.append(
                    (event.app, ClaimIdentity(id: event.userID, userName: event.user, externalID: event.externalID)))
            }
            if identities.isEmpty, !UserPattern(query).hasWildcard {
                for claimApp in try claimStore.claimApps() where app == nil || app == claimApp {
                    identities.append((claimApp, ClaimIdentity(id: query, userName: query, externalID: query)))
                }
            }
            for (claimApp, identity) in identities {
                for claim in try claimStore.claims(
                    app: claimApp, about: identity, from: everything.0, to: everything.1)
                where seen.insert(claimApp + "\u{0}" + claim.id).inserted {
                    story.claims.append(claim)
                }
            }
            story.claims.sort { ($0.time, $0.source) < ($1.time, $1.source) }
        }
        return story
    }

    /// What `settings` (a job's app, mapping and policy) would do with each stored user of its
    /// app if the stored SCIM resource arrived again now. Pure: nothing is written.
    public mutating func replay(with settings: ReconcileSettings) {
        replays = users.filter { $0.user.app.caseInsensitiveEquals(settings.app) }.map { stored in
            Self.replay(stored.user, settings: settings)
        }
    }

    static func replay(_ user: LocalUser, settings: ReconcileSettings) -> Replay {
        let policy = settings.policy
        let incoming: IncomingUser
        do {
            incoming = try Reconciler.prepareUser(user.scim, mapping: settings.mapping, activeDefault: user.active)
        } catch {
            return Replay(
                app: user.app, id: user.id, action: .update, status: .failure, changes: [],
                explanation: "the stored resource no longer maps: \(error.reason)")
        }
        var stored = user.attributes
        stored["active"] = nil
        let changes = UserDecision.changes(
            from: stored, active: user.active, to: incoming.attributes,
            active: incoming.active)
        switch UserDecision.transition(wasActive: user.active, isActive: incoming.active) {
        case .deactivate:
            let deprovision = UserDecision.deprovision(policy: policy, wasActive: true, deleteAfter: user.deleteAfter)
            guard policy.deprovision else {
                return Replay(
                    app: user.app, id: user.id, action: deprovision.action, status: .skipped, changes: changes,
                    explanation: "the resource is inactive; deprovision is turned off for this job")
            }
            return Replay(
                app: user.app, id: user.id, action: deprovision.action, status: .success, changes: changes,
                explanation: deprovision == .delete
                    ? "the resource is inactive and delete_deactivated is true: the user would be deleted"
                    : "the resource is inactive: the user would be disabled"
                        + (policy.deleteDeactivated ? " and deleted after the grace period" : ""))
        case .reactivate:
            return Replay(
                app: user.app, id: user.id, action: .enable, status: policy.update ? .success : .skipped,
                changes: changes,
                explanation: policy.update
                    ? "the resource is active and the user disabled: the user would be enabled"
                    : "the resource is active; update is turned off for this job")
        case .unchanged:
            if changes.isEmpty {
                return Replay(
                    app: user.app, id: user.id, action: nil, status: .success, changes: [],
                    explanation: "the mapping gives the stored attributes: nothing would change")
            }
            return Replay(
                app: user.app, id: user.id, action: .update, status: policy.update ? .success : .skipped,
                changes: changes,
                explanation: policy.update
                    ? "the job's mapping gives other attributes than those stored: the user would be updated"
                    : "the mapping differs; update is turned off for this job")
        }
    }
}
