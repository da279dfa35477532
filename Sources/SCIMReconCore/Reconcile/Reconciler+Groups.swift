import SCIMKit

extension Reconciler {
    func applyGroupRequest(_ request: SCIMRequest, app: String) throws {
        if request.wasRejected {
            try recordRejected(request, app: app)
            return
        }
        let failureAction: ProvisioningAction =
            request.method == "POST" ? .groupCreate : request.method == "DELETE" ? .groupDelete : .groupUpdate
        do {
            switch request.method {
            case "POST":
                guard request.path.id == nil, let body = request.body?.objectValue else {
                    throw IngestError.rule("request.invalid-body", "POST /Groups carries no group object")
                }
                let incoming = try normalizedGroup(body)
                // A POST creates (RFC 7644 §3.3), and a group's displayName is not unique (RFC 7643
                // §4.2): another group of that name is another group. Only the same id answered
                // again is the same group (a replayed create).
                let existing = try request.responseID.flatMap { id throws(StoreError) in
                    try store.group(app: app, id: id)
                }
                if let existing {
                    try replaceGroup(existing, with: incoming, time: request.time, source: request.source)
                } else {
                    var hash = StableHash()
                    hash.combine(app)
                    hash.combine(request.fingerprint)
                    try createGroup(
                        incoming, app: app, id: request.responseID ?? hash.uuidString, time: request.time,
                        source: request.source)
                }
            case "PUT", "PATCH":
                guard let id = request.path.id, let existing = try store.group(app: app, id: id) else {
                    throw IngestError.rule("resource.unknown-id", "no group of this application has that id")
                }
                guard let body = request.body else {
                    throw IngestError.rule("request.missing-body", "\(request.method) carries no body")
                }
                if request.method == "PUT" {
                    guard let object = body.objectValue else {
                        throw IngestError.rule("request.invalid-body", "PUT carries no group object")
                    }
                    try replaceGroup(
                        existing, with: try normalizedGroup(object), time: request.time, source: request.source)
                } else {
                    try patchGroup(existing, body: body, time: request.time, source: request.source)
                }
            case "DELETE":
                guard let id = request.path.id, let existing = try store.group(app: app, id: id) else {
                    throw IngestError.rule("resource.unknown-id", "no group of this application has that id")
                }
                guard policy.deprovision else {
                    return try record(
                        groupEvent(
                            .groupDelete, .skipped, existing, time: request.time, source: request.source,
                            reason: "policy.deprovision-disabled: deprovision is turned off for this job"),
                        email: nil)
                }
                try store.deleteGroup(app: app, id: existing.id)
                try record(
                    groupEvent(.groupDelete, .success, existing, time: request.time, source: request.source),
                    email: nil)
            default:
                break
            }
        } catch let error as IngestError {
            try recordFailure(
                error, app: app, action: failureAction, time: request.time, source: request.source,
                user: request.body?.objectValue?["displayName"]?.stringValue, userID: request.path.id)
        }
    }

    func normalizedGroup(_ object: JSONObject) throws(IngestError) -> JSONObject {
        do {
            return try SCIMResource.normalizedGroup(object)
        } catch let error as SCIMError {
            throw IngestError.scim(error)
        } catch {
            throw .rule("schema.invalid", "the group resource is not valid")
        }
    }

    func createGroup(_ incoming: JSONObject, app: String, id: String, time: Timestamp, source: String) throws {
        let name = SCIMResource.displayName(incoming) ?? id
        lastResourceID = id
        guard policy.create else {
            let group = LocalGroup(app: app, id: id, displayName: name, externalID: nil, scim: incoming)
            return try record(
                groupEvent(
                    .groupCreate, .skipped, group, time: time, source: source,
                    reason: "policy.create-disabled: create is turned off for this job"), email: nil)
        }
        var scim = incoming
        scim["id"] = .string(id)
        scim["members"] = nil
        let group = LocalGroup(
            app: app, id: id, displayName: name, externalID: incoming["externalId"]?.stringValue, scim: scim)
        try store.saveGroup(group)
        try record(
            groupEvent(
                .groupCreate, .success, group, time: time, source: source,
                changes: [AttributeChange(attribute: "displayName", old: nil, new: name)]), email: nil)
        try updateMembers(of: group, from: [], to: SCIMResource.members(of: incoming), time: time, source: source)
    }

    /// Applies a PATCH to a stored group, its members listed as the store has them.
    ///
    /// A PATCH that only adds members (what providers send for each assignment) is applied to
    /// the group without its stored members: only the added ones are built, patched and
    /// normalised, and they join the stored list. A group of thousands no longer costs
    /// thousands of objects per added member, and the events are the same.
    func patchGroup(_ existing: LocalGroup, body: JSONValue, time: Timestamp, source: String) throws {
        let incoming: JSONObject
        let before = try store.members(app: existing.app, groupID: existing.id)
        let onlyAdds: Bool
        do {
            let patch = try PatchRequest(json: body)
            onlyAdds = patch.operations.allSatisfy(Self.addsMembers)
            var current = existing.scim
            current["id"] = .string(existing.id)
            current["members"] = .array(onlyAdds ? [] : before.map { .object(JSONObject(["value": .string($0)])) })
            incoming = try normalizedGroup(try PatchApplier.apply(patch, to: current, type: .group))
        } catch let error as SCIMError {
            throw IngestError.scim(error)
        }
        try replaceGroup(existing, with: incoming, time: time, source: source, before: before, adding: onlyAdds)
    }

    /// Whether an operation adds values to `members` and does nothing else.
    static func addsMembers(_ operation: PatchOperation) -> Bool {
        guard operation.op == .add, let path = operation.path else { return false }
        return path.schemaURN == nil && path.valueFilter == nil && path.subAttribute == nil
            && path.attribute.caseInsensitiveEquals("members")
    }

    /// Replaces a stored group with `incoming`, members included; with `adding`, the members of
    /// `incoming` are added to `before` (the stored ones) instead of replacing them.
    func replaceGroup(
        _ existing: LocalGroup, with incoming: JSONObject, time: Timestamp, source: String,
        before known: [String]? = nil,
        adding: Bool = false
    ) throws {
        var scim = incoming
        scim["id"] = .string(existing.id)
        scim["members"] = nil
        lastResourceID = existing.id
        let name = SCIMResource.displayName(incoming) ?? existing.displayName
        // A PUT replaces the whole group, so an omitted externalId is cleared, as for users; a
        // PATCH starts from the stored resource, which carries the externalId it keeps.
        let group = LocalGroup(
            app: existing.app, id: existing.id, displayName: name, externalID: incoming["externalId"]?.stringValue,
            scim: scim)
        let before = try known ?? store.members(app: existing.app, groupID: existing.id)
        let after = adding ? before + SCIMResource.members(of: incoming) : SCIMResource.members(of: incoming)
        guard policy.update else {
            return try record(
                groupEvent(
                    .groupUpdate, .skipped, existing, time: time, source: source,
                    reason: "policy.update-disabled: update is turned off for this job"), email: nil)
        }
        if group != existing {
            try store.saveGroup(group)
            var changes: [AttributeChange] = []
            if name != existing.displayName {
                changes.append(AttributeChange(attribute: "displayName", old: existing.displayName, new: name))
            }
            if group.externalID != existing.externalID {
                changes.append(
                    AttributeChange(attribute: "externalId", old: existing.externalID, new: group.externalID))
            }
            try record(
                groupEvent(.groupUpdate, .success, group, time: time, source: source, changes: changes),
                email: nil)
        }
        try updateMembers(of: group, from: before, to: after, time: time, source: source)
    }

    /// Applies the difference between two member lists, one event per added or removed member.
    func updateMembers(of group: LocalGroup, from before: [String], to after: [String], time: Timestamp, source: String)
        throws
    {
        let old = Set(before)
        var seen = Set<String>()
        for id in after where !old.contains(id) && seen.insert(id).inserted {
            try store.addMember(app: group.app, groupID: group.id, userID: id)
            try recordMembership(.memberAdd, group: group, userID: id, time: time, source: source)
        }
        let new = Set(after)
        for id in before where !new.contains(id) {
            try store.removeMember(app: group.app, groupID: group.id, userID: id)
            try recordMembership(.memberRemove, group: group, userID: id, time: time, source: source)
        }
    }

    func recordMembership(
        _ action: ProvisioningAction, group: LocalGroup, userID: String, time: Timestamp, source: String
    ) throws {
        let member = try store.findUser(app: group.app, by: .id, value: userID).first
        let change =
            action == .memberAdd
            ? AttributeChange(attribute: "group", old: nil, new: group.displayName)
            : AttributeChange(attribute: "group", old: group.displayName, new: nil)
        let event = ProvisioningEvent(
            time: time, run: run, app: group.app, user: member?.userName, userID: userID,
            externalID: member?.externalID, action: action, status: .success, changes: [change], source: source)
        try record(event, email: member?.email)
    }

    func groupEvent(
        _ action: ProvisioningAction, _ status: EventStatus, _ group: LocalGroup, time: Timestamp, source: String,
        reason: String? = nil, changes: [AttributeChange] = []
    ) -> ProvisioningEvent {
        ProvisioningEvent(
            time: time, run: run, app: group.app, user: group.displayName, userID: group.id,
            externalID: group.externalID, action: action, status: status, reason: reason, changes: changes,
            source: source)
    }
}
