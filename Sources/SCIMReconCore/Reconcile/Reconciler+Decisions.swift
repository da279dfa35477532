import SCIMKit

extension Reconciler {
    /// Finds the local user an incoming one matches, following `match` in order.
    ///
    /// Every key is checked, so that two different local users matching on different keys is
    /// refused as ambiguous instead of silently merging them.
    func match(_ incoming: IncomingUser, app: String, preferredID: String?) throws -> LocalUser? {
        var found: [(key: MatchKey, user: LocalUser)] = []
        if let preferredID, let byID = try store.findUser(app: app, by: .id, value: preferredID).first {
            found.append((.id, byID))
        }
        for key in settings.match {
            let value: String?
            switch key {
            case .id: value = incoming.resource["id"]?.stringValue
            case .userName: value = incoming.attributes["userName"]
            case .externalId: value = incoming.attributes["externalId"]
            case .email: value = incoming.attributes["email"]
            }
            guard let value, !value.isEmpty else { continue }
            let users = try store.findUser(app: app, by: key, value: value)
            if users.count > 1 {
                throw IngestError.rule(
                    "match.ambiguous",
                    "\(key.rawValue) matches \(users.count) local users (\(users.map(\.id).joined(separator: ", ")))")
            }
            if let user = users.first { found.append((key, user)) }
        }
        guard let first = found.first else { return nil }
        if let other = found.first(where: { $0.user.id != first.user.id }) {
            throw IngestError.rule(
                "match.ambiguous",
                "\(first.key.rawValue) matches user \(first.user.id) but \(other.key.rawValue) matches user \(other.user.id)"
            )
        }
        return first.user
    }

    /// Whether a stateful row leaves the store as it is (`RowDigest`): the store has the user it
    /// gave, exactly, and no other user shares its look-up keys. Then, as reading it in full would,
    /// it counts as unchanged and (a snapshot's row) marks the user present; nothing else is done.
    func skipUnchangedRow(_ digest: Fingerprint, snapshot: Bool) throws -> Bool {
        guard let user = try userWritten(byRow: digest) else { return false }
        if snapshot { try store.markSeen(app: settings.app, id: user.id, run: run) }
        lastResourceID = user.id
        tally.add("unchanged")
        return true
    }

    /// The user a row with this digest would leave as it is (`ProvisioningStore.userWritten`).
    func userWritten(byRow digest: Fingerprint) throws(StoreError) -> RowWrittenUser? {
        // A match by id reads the row's own `id`, which the digest does not tie to the user's.
        guard !settings.match.contains(.id) else { return nil }
        return try store.userWritten(app: settings.app, byRow: digest, unsharedKeys: settings.match)
    }

    /// Notes that the user is now as the row with this digest gives it, if the record is a row.
    private func noteRow(_ digest: Fingerprint?, app: String, id: String) throws {
        guard let digest else { return }
        try store.setRowDigests(app: app, [(id, digest)])
    }

    /// Creates or updates a user from a full resource (POST, snapshot row, CSV row).
    ///
    /// - Parameter rowDigest: a stateful row's digest (`RowDigest`), kept with the user it leaves
    ///   as the row gives it.
    func upsert(
        _ incoming: IncomingUser, app: String, preferredID: String?, time: Timestamp, source: String,
        fingerprint: String, snapshot: Bool, stateful: Bool? = nil, rowDigest: Fingerprint? = nil
    ) throws {
        if let existing = try match(incoming, app: app, preferredID: preferredID) {
            var current = existing
            if let preferredID, preferredID != existing.id, !snapshot {
                // The endpoint answered with a new id: later paths use it, so the local user follows.
                try store.renameUser(app: app, from: existing.id, to: preferredID)
                current.id = preferredID
            }
            if snapshot { try store.markSeen(app: app, id: current.id, run: run) }
            lastResourceID = current.id
            try reconcile(
                current, with: incoming, time: time, source: source, stateful: stateful ?? snapshot,
                previousID: existing.id, rowDigest: rowDigest)
            return
        }
        let id =
            preferredID ?? (snapshot ? incoming.resource["id"]?.stringValue : nil)
            ?? {
                var hash = StableHash(); hash.combine(app); hash.combine(fingerprint); return hash.uuidString
            }()
        guard policy.create else {
            return try record(
                event(
                    .create, .skipped, app: app, userName: incoming.userName, id: id, attributes: incoming.attributes,
                    time: time, source: source, reason: "policy.create-disabled: create is turned off for this job"),
                email: incoming.attributes["email"])
        }
        var resource = incoming.resource
        resource["id"] = .string(id)
        lastResourceID = id
        let user = LocalUser(
            app: app, id: id, attributes: incoming.attributes, active: incoming.active, scim: resource,
            disabledAt: incoming.active ? nil : time)
        try store.createUser(user)
        try noteRow(rowDigest, app: app, id: id)
        mappedThisRun.insert(UserRef(app: app, id: id))
        if snapshot { try store.markSeen(app: app, id: id, run: run) }
        let changes = UserDecision.changes(
            from: [:], active: nil, to: incoming.attributes, active: incoming.active)
        try record(
            event(
                .create, .success, app: app, userName: user.userName, id: id, attributes: user.attributes,
                time: time, source: source, changes: changes),
            email: user.email)
    }

    /// Applies an incoming state to an existing user: update, enable, or deprovision.
    ///
    /// - Parameter stateful: the record states what the user is (a snapshot or CSV row) rather
    ///   than what the provider did (a replayed request): an unchanged user then records nothing.
    func reconcile(
        _ existing: LocalUser, with incoming: IncomingUser, time: Timestamp, source: String, stateful: Bool,
        previousID: String? = nil, rowDigest: Fingerprint? = nil
    ) throws {
        var resource = incoming.resource
        resource["id"] = .string(existing.id)
        var updated = existing
        updated.attributes = incoming.attributes
        updated.scim = resource
        var changes = UserDecision.changes(
            from: existing.attributes, active: existing.active, to: incoming.attributes, active: incoming.active)
        if let previousID, previousID != existing.id {
            changes.insert(AttributeChange(attribute: "id", old: previousID, new: existing.id), at: 0)
        }
        switch UserDecision.transition(wasActive: existing.active, isActive: incoming.active) {
        case .deactivate:
            try deprovision(existing, updated: updated, time: time, source: source)
        case .reactivate:
            guard policy.update else {
                return try record(
                    event(
                        .enable, .skipped, user: existing, time: time, source: source,
                        reason: "policy.update-disabled: update is turned off for this job"),
                    email: existing.email)
            }
            updated.active = true
            updated.disabledAt = nil
            updated.deleteAfter = nil
            try store.saveUser(updated)
            try noteRow(rowDigest, app: updated.app, id: updated.id)
            mappedThisRun.insert(UserRef(app: updated.app, id: updated.id))
            try record(
                event(.enable, .success, user: updated, time: time, source: source, changes: changes),
                email: updated.email)
        case .unchanged:
            if changes.isEmpty && existing.scim == resource && stateful {
                try noteRow(rowDigest, app: existing.app, id: existing.id)
                tally.add("unchanged")
                return
            }
            guard policy.update else {
                return try record(
                    event(
                        .update, .skipped, user: existing, time: time, source: source,
                        reason: "policy.update-disabled: update is turned off for this job"),
                    email: existing.email)
            }
            try store.saveUser(updated)
            try noteRow(rowDigest, app: updated.app, id: updated.id)
            mappedThisRun.insert(UserRef(app: updated.app, id: updated.id))
            try record(
                event(.update, .success, user: updated, time: time, source: source, changes: changes),
                email: updated.email)
        }
    }

    /// Takes a user away: deleted when the policy says so, disabled otherwise (SPEC §5).
    func deprovision(_ existing: LocalUser, updated: LocalUser?, time: Timestamp, source: String) throws {
        let outcome = UserDecision.deprovision(
            policy: policy, wasActive: existing.active, deleteAfter: existing.deleteAfter)
        guard policy.deprovision else {
            return try record(
                event(
                    outcome.action, .skipped, user: existing, time: time, source: source,
                    reason: "policy.deprovision-disabled: deprovision is turned off for this job"),
                email: existing.email)
        }
        var target = updated ?? existing
        let changes = UserDecision.changes(
            from: existing.attributes, active: existing.active, to: target.attributes, active: false)
        switch outcome {
        case .delete:
            try store.deleteUser(app: existing.app, id: existing.id)
            try record(event(.delete, .success, user: existing, time: time, source: source), email: existing.email)
        case .disable(let graceMilliseconds):
            target.active = false
            // A DELETE or an absence leaves the resource as it was; the local copy says it is off.
            target.scim["active"] = .bool(false)
            target.disabledAt = existing.active ? time : (existing.disabledAt ?? time)
            if let graceMilliseconds {
                target.deleteAfter = existing.deleteAfter ?? target.disabledAt!.adding(milliseconds: graceMilliseconds)
            }
            try store.saveUser(target)
            // Without `updated` the resource changed (`active`) but was not mapped again.
            if updated != nil {
                mappedThisRun.insert(UserRef(app: target.app, id: target.id))
            } else {
                mappedThisRun.remove(UserRef(app: target.app, id: target.id))
            }
            try record(
                event(.disable, .success, user: target, time: time, source: source, changes: changes),
                email: target.email)
        }
    }

    /// Deletes the disabled users of `app` whose grace period has ended (`policy.delete_after`).
    public func deleteExpired(app: String) throws {
        guard policy.deleteDeactivated, policy.deleteAfterMilliseconds != nil, policy.deprovision else { return }
        for user in try store.usersDueForDeletion(app: app, now: now) {
            try store.deleteUser(app: app, id: user.id)
            try record(
                event(.delete, .success, user: user, time: now, source: "policy.delete_after"), email: user.email)
        }
    }

    /// Deprovisions the active users of `app` that a snapshot did not contain.
    public func deprovisionAbsent(app: String, time: Timestamp, source: String) throws {
        for user in try store.unseenUsers(app: app, run: run) {
            try deprovision(user, updated: nil, time: time, source: source)
        }
    }

    func event(
        _ action: ProvisioningAction, _ status: EventStatus, user: LocalUser, time: Timestamp, source: String,
        reason: String? = nil, changes: [AttributeChange] = []
    ) -> ProvisioningEvent {
        ProvisioningEvent(
            time: time, run: run, app: user.app, user: user.userName, userID: user.id, externalID: user.externalID,
            action: action, status: status, reason: reason, changes: changes, source: source)
    }

    func event(
        _ action: ProvisioningAction, _ status: EventStatus, app: String, userName: String, id: String,
        attributes: [String: String], time: Timestamp, source: String, reason: String? = nil,
        changes: [AttributeChange] = []
    ) -> ProvisioningEvent {
        ProvisioningEvent(
            time: time, run: run, app: app, user: userName, userID: id, externalID: attributes["externalId"],
            action: action, status: status, reason: reason, changes: changes, source: source)
    }
}
