import SCIMKit

/// An incoming user after normalisation and mapping.
struct IncomingUser: Sendable {
    var resource: JSONObject
    var attributes: [String: String]
    var active: Bool

    var userName: String { attributes["userName"] ?? "" }
}

extension Reconciler {
    /// Normalises a SCIM user and maps it to local attributes.
    func prepareUser(_ resource: JSONObject, activeDefault: Bool = true) throws(IngestError) -> IncomingUser {
        try Self.prepareUser(resource, mapping: settings.mapping, activeDefault: activeDefault)
    }

    /// A PATCH result prepared against the stored user it came from: only the members the PATCH
    /// changed are normalised again, and, when this run mapped the stored user itself, only the
    /// mapping entries that read them are computed again. The answer is the one `prepareUser`
    /// gives for the whole resource.
    func preparePatched(_ resource: JSONObject, existing: LocalUser) throws(IngestError) -> IncomingUser {
        let mappedHere = mappedThisRun.contains(UserRef(app: existing.app, id: existing.id))
        return try Self.prepareUser(
            resource, mapping: settings.mapping, activeDefault: existing.active, unchangedFrom: existing.scim,
            previousAttributes: mappedHere ? existing.attributes : nil)
    }

    /// The top-level members (folded names) that differ between two resources.
    static func changedMembers(_ new: JSONObject, _ old: JSONObject) -> Set<String> {
        // A PATCH keeps members where they were: compare position by position while the keys
        // line up (no hashing, no folding), and match the rest by folded name.
        let newMembers = new.members
        let oldMembers = old.members
        var changed: Set<String> = []
        var aligned = 0
        while aligned < min(newMembers.count, oldMembers.count), newMembers[aligned].key == oldMembers[aligned].key {
            if newMembers[aligned].value != oldMembers[aligned].value {
                changed.insert(newMembers[aligned].key.lowercasedIfNeeded())
            }
            aligned += 1
        }
        guard aligned < newMembers.count || aligned < oldMembers.count else { return changed }
        var before: [String: JSONValue] = [:]
        for member in oldMembers[aligned...] { before[member.key.lowercasedIfNeeded()] = member.value }
        for member in newMembers[aligned...] {
            let key = member.key.lowercasedIfNeeded()
            if let value = before.removeValue(forKey: key) {
                if value != member.value { changed.insert(key) }
            } else {
                changed.insert(key)
            }
        }
        changed.formUnion(before.keys)
        return changed
    }

    /// Normalises a SCIM user and maps it with `mapping`: pure, so it can run ahead on another thread.
    static func prepareUser(
        _ resource: JSONObject, mapping: Mapping, activeDefault: Bool = true, unchangedFrom base: JSONObject? = nil,
        previousAttributes: [String: String]? = nil
    ) throws(IngestError) -> IncomingUser {
        let normalized: JSONObject
        do {
            normalized = try SCIMResource.normalizedUser(resource, unchangedFrom: base)
        } catch let error as SCIMError {
            throw IngestError.scim(error)
        } catch {
            throw .rule("schema.invalid", "the user resource is not valid")
        }
        var attributes: [String: String]
        do {
            if let previousAttributes, let base {
                attributes =
                    try mapping.apply(
                        to: normalized, reusing: previousAttributes, changed: changedMembers(normalized, base)
                    ).values
            } else {
                attributes = try mapping.apply(to: normalized).values
            }
        } catch {
            if error.attribute == "userName" { throw .rule("schema.missing-attribute", "userName is required") }
            throw .rule(
                "mapping.failed", error.attribute.isEmpty ? error.message : "\(error.attribute): \(error.message)")
        }
        attributes["active"] = nil
        guard let userName = attributes["userName"], !userName.isEmpty else {
            throw .rule("schema.missing-attribute", "userName is required")
        }
        // Identifiers with control characters (NUL, ESC…) are refused: they would be cut short
        // or rewrite a terminal in reports, and no provider sends them on purpose.
        for key in ["userName", "externalId"]
        where attributes[key]?.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) == true {
            throw .rule("schema.invalid-value", "\(key) contains control characters")
        }
        return IncomingUser(
            resource: normalized, attributes: attributes, active: SCIMResource.active(normalized) ?? activeDefault)
    }

    func applyUserRequest(_ request: SCIMRequest, app: String, work: PreparedWork) throws {
        if request.wasRejected {
            try recordRejected(request, app: app)
            return
        }
        switch request.method {
        case "POST":
            guard request.path.id == nil else {
                return try recordFailure(
                    .rule("request.path", "POST goes to the /Users collection, not to a resource"), app: app,
                    action: .create, time: request.time, source: request.source)
            }
            guard let body = request.body?.objectValue else {
                return try recordFailure(
                    .rule("request.missing-body", "POST /Users carries no user object"), app: app, action: .create,
                    time: request.time, source: request.source)
            }
            do {
                let incoming = try work.incoming?.get() ?? prepareUser(body)
                try upsert(
                    incoming, app: app, preferredID: request.responseID, time: request.time, source: request.source,
                    fingerprint: request.fingerprint, snapshot: false)
            } catch let error as IngestError {
                try recordFailure(
                    error, app: app, action: .create, time: request.time, source: request.source,
                    user: body["userName"]?.stringValue)
            }
        case "PUT", "PATCH":
            guard let id = request.path.id else {
                return try recordFailure(
                    .rule("request.path", "\(request.method) needs a resource id in the path"), app: app,
                    time: request.time, source: request.source)
            }
            guard let existing = try store.findUser(app: app, by: .id, value: id).first else {
                return try recordFailure(
                    .rule("resource.unknown-id", "no user of this application has that id"), app: app,
                    time: request.time, source: request.source, userID: id)
            }
            do {
                let resource = try changedResource(request, existing: existing, patch: work.patch)
                // A PATCH changes a few members of a stored (normal-form) user: only those are
                // normalised again. A PUT replaces the whole user.
                let incoming =
                    request.method == "PATCH"
                    ? try preparePatched(resource, existing: existing)
                    : try prepareUser(resource, activeDefault: existing.active)
                try reconcile(existing, with: incoming, time: request.time, source: request.source, stateful: false)
            } catch let error as IngestError {
                try recordFailure(
                    error, app: app, time: request.time, source: request.source, user: existing.userName,
                    userID: existing.id)
            }
        case "DELETE":
            guard let id = request.path.id else {
                return try recordFailure(
                    .rule("request.path", "DELETE needs a resource id in the path"), app: app,
                    action: .delete, time: request.time, source: request.source)
            }
            guard let existing = try store.findUser(app: app, by: .id, value: id).first else {
                if try store.wasDeleted(app: app, id: id) {
                    let event = ProvisioningEvent(
                        time: request.time, run: run, app: app, user: nil, userID: id, externalID: nil,
                        action: .delete, status: .skipped,
                        reason: "resource.already-deleted: the user was already deleted locally", source: request.source
                    )
                    return try record(event, email: nil)
                }
                return try recordFailure(
                    .rule("resource.unknown-id", "no user of this application has that id"), app: app,
                    action: .delete, time: request.time, source: request.source, userID: id)
            }
            try deprovision(existing, updated: nil, time: request.time, source: request.source)
        default:
            break
        }
    }

    /// The resource a PUT or PATCH leaves behind, before normalisation.
    func changedResource(
        _ request: SCIMRequest, existing: LocalUser, patch prepared: PatchRequest? = nil
    ) throws(IngestError) -> JSONObject {
        guard let body = request.body else {
            throw .rule("request.missing-body", "\(request.method) carries no body")
        }
        if request.method == "PUT" {
            guard var replacement = body.objectValue else {
                throw .rule("request.invalid-body", "PUT carries no user object")
            }
            replacement["id"] = .string(existing.id)
            return replacement
        }
        do {
            let patch = try prepared ?? PatchRequest(json: body)
            var base = existing.scim
            base["id"] = .string(existing.id)
            return try PatchApplier.apply(patch, to: base, type: .user)
        } catch let error as SCIMError {
            throw IngestError.scim(error)
        } catch {
            throw .rule("patch.invalid", "the PATCH request is not valid")
        }
    }

    /// Records a request the endpoint rejected: skipped, with the status as the reason.
    func recordRejected(_ request: SCIMRequest, app: String) throws {
        var user: String?
        var userID = request.path.id
        var externalID: String?
        if let id = request.path.id, let existing = try store.findUser(app: app, by: .id, value: id).first {
            user = existing.userName
            externalID = existing.externalID
        } else if let id = request.path.id, request.path.endpoint == .groups,
            let group = try store.group(app: app, id: id)
        {
            user = group.displayName
        }
        if user == nil, let body = request.body?.objectValue {
            user = body["userName"]?.stringValue ?? body["displayName"]?.stringValue
            externalID = body["externalId"]?.stringValue
        }
        if userID == nil { userID = request.responseID }
        let action: ProvisioningAction
        switch (request.path.endpoint, request.method) {
        case (.groups, "POST"): action = .groupCreate
        case (.groups, "DELETE"): action = .groupDelete
        case (.groups, _): action = .groupUpdate
        case (_, "POST"): action = .create
        case (_, "DELETE"): action = .delete
        default: action = .update
        }
        let event = ProvisioningEvent(
            time: request.time, run: run, app: app, user: user, userID: userID, externalID: externalID,
            action: action, status: .skipped,
            reason: "request.rejected: the endpoint answered \(request.status ?? 0)", source: request.source)
        try record(event, email: nil)
    }
}

extension IngestError {
    /// A SCIM protocol error as a record failure, with a stable reason code by area:
    /// `schema.*` for resource rules, `patch.*` for PATCH paths, `request.*` for syntax.
    static func scim(_ error: SCIMError) -> IngestError {
        let code: String
        switch error.scimType {
        case .invalidValue?:
            code = error.detail.hasSuffix("is required") ? "schema.missing-attribute" : "schema.invalid-value"
        case .mutability?: code = "schema.mutability"
        case .uniqueness?: code = "schema.uniqueness"
        case .invalidPath?: code = "patch.invalid-path"
        case .noTarget?: code = "patch.no-target"
        case .invalidFilter?: code = "request.invalid-filter"
        case .invalidSyntax?: code = "request.invalid-syntax"
        case let other?: code = "scim.\(other.rawValue)"
        case nil: code = "scim.invalid"
        }
        // Only the first line: SCIMKit echoes a bad filter under it with a caret, and a recorded
        // reason never carries input text (it may hold a secret).
        let detail = error.detail.prefix { $0 != "\n" }
        return IngestError(code: code, message: String(detail))
    }
}
