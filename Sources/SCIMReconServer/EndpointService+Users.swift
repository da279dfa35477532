import SCIMKit
import SCIMReconCore

extension EndpointService {
    /// The user of this application with `id`, unless the endpoint answered a DELETE for it.
    func visibleUser(_ id: String) throws -> LocalUser? {
        guard let user = try store.findUser(app: app, by: .id, value: id).first, !ResourceView.isDeleted(user.scim)
        else { return nil }
        return user
    }

    func getUser(_ id: String, _ request: EndpointRequest) throws -> SCIMReply {
        guard let user = try visibleUser(id) else { return .notFound("user") }
        let query = try QueryParameters(query: request.query)
        let view = ResourceView.user(user, base: request.base, now: request.time)
        return SCIMReply(
            status: 200,
            body: .object(ResourceView.project(view, attributes: query.attributes, excluded: query.excludedAttributes)))
    }

    /// POST /Users: 409 for a userName this application already has (case-insensitively),
    /// otherwise the core's create (or, when another match key finds the user, its update).
    func createUser(_ request: EndpointRequest, _ context: WriteContext) throws -> Decision {
        guard let object = request.body?.objectValue else {
            return try reject(request, context, .error(400, .invalidSyntax, "POST /Users carries no user object"))
        }
        if let userName = object.key(matching: "userName").flatMap({ object[$0]?.stringValue }), !userName.isEmpty,
            try store.findUser(app: app, by: .userName, value: userName).contains(where: {
                !ResourceView.isDeleted($0.scim)
            })
        {
            return try reject(request, context, .error(409, .uniqueness, "a user with this userName already exists"))
        }
        let id = try context.reconciler.apply(try context.request(request))
        if let problem = problem(context) { return problem }
        if let stop = try ceiling(context, time: request.time) { return stop }
        guard let id, var user = try store.findUser(app: app, by: .id, value: id).first else {
            // Deleted again at once (an inactive POST under delete_deactivated): nothing to show.
            return .commit(SCIMReply(status: 201, body: request.body))
        }
        if let clash = try userNameClash(user) { return clash }
        let created = context.recorded.events.contains { $0.action == .create && $0.status == .success }
        user.scim["meta"] = ResourceView.storedMeta(previous: created ? nil : user.scim, now: request.time)
        try store.saveUser(user)
        var reply = SCIMReply(
            status: 201, body: .object(ResourceView.user(user, base: request.base, now: request.time)))
        reply.headers.append(("Location", "\(request.base)/Users/\(ResourceView.percentEncoded(user.id))"))
        return .commit(reply)
    }

    /// PUT or PATCH /Users/{id}: the core's update, enable or deprovision; 200 with the resource.
    func changeUser(_ id: String, _ request: EndpointRequest, _ context: WriteContext) throws -> Decision {
        guard let existing = try visibleUser(id) else { return try reject(request, context, .notFound("user")) }
        if let tooMany = try tooManyOperations(request, context) { return tooMany }
        try context.reconciler.apply(try context.request(request))
        if let problem = problem(context) { return problem }
        if let stop = try ceiling(context, time: request.time) { return stop }
        guard var user = try store.findUser(app: app, by: .id, value: id).first else {
            // Deprovisioned by deletion (`delete_deactivated`): the last state, inactive.
            var gone = existing
            gone.active = false
            return .commit(
                SCIMReply(status: 200, body: .object(ResourceView.user(gone, base: request.base, now: request.time))))
        }
        if let clash = try userNameClash(user) { return clash }
        user.scim["meta"] = ResourceView.storedMeta(previous: existing.scim, now: request.time)
        try store.saveUser(user)
        return .commit(
            SCIMReply(status: 200, body: .object(ResourceView.user(user, base: request.base, now: request.time))))
    }

    /// DELETE /Users/{id}: the core's deprovision (delete, or disable under the default policy);
    /// 204 either way, and a disabled user is no longer shown to the provider.
    func deleteUser(_ id: String, _ request: EndpointRequest, _ context: WriteContext) throws -> Decision {
        guard try visibleUser(id) != nil else { return try reject(request, context, .notFound("user")) }
        try context.reconciler.apply(try context.request(request))
        if let problem = problem(context) { return problem }
        if let stop = try ceiling(context, time: request.time) { return stop }
        if var user = try store.findUser(app: app, by: .id, value: id).first {
            user.scim["meta"] = ResourceView.storedMeta(previous: user.scim, now: request.time, deleted: true)
            try store.saveUser(user)
        }
        return .commit(SCIMReply(status: 204))
    }

    /// A change that gives the user the userName of another user the provider sees: 409.
    func userNameClash(_ user: LocalUser) throws -> Decision? {
        let others = try store.findUser(app: app, by: .userName, value: user.userName).filter {
            $0.id != user.id && !ResourceView.isDeleted($0.scim)
        }
        guard !others.isEmpty else { return nil }
        return .rollback(.error(409, .uniqueness, "a user with this userName already exists"), record: [])
    }

    /// A PATCH with more operations than the endpoint takes in one request: 413.
    func tooManyOperations(_ request: EndpointRequest, _ context: WriteContext) throws -> Decision? {
        guard request.method == "PATCH", let object = request.body?.objectValue,
            let key = object.key(matching: "Operations"), let operations = object[key]?.arrayValue,
            operations.count > limits.maxOperations
        else { return nil }
        return try reject(
            request, context,
            .error(413, nil, "more than \(limits.maxOperations) operations in one PATCH request"))
    }
}
