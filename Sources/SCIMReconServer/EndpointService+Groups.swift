import SCIMKit
import SCIMReconCore

extension EndpointService {
    /// A group's members as the wire shows them: ids, with the userName where the user is known.
    func memberList(_ group: LocalGroup) throws -> [ResourceView.Member] {
        let details = ResourceView.memberDetails(group.scim)
        return try store.members(app: app, groupID: group.id).map { id in
            let detail = details[id]
            let display =
                try detail?["display"]?.stringValue ?? store.findUser(app: app, by: .id, value: id).first?.userName
            return ResourceView.Member(id: id, display: display, type: detail?["type"]?.stringValue)
        }
    }

    /// The members array the request leaves the group with, as the provider wrote it (so their
    /// `display` and `type` can be kept): the body's for POST and PUT, the patched one for PATCH.
    func requestedMembers(_ request: EndpointRequest, current: LocalGroup?) throws -> [JSONValue]? {
        guard let body = request.body else { return nil }
        if request.method != "PATCH" {
            return body.objectValue.flatMap { object in
                object.key(matching: "members").flatMap { object[$0]?.arrayValue }
            }
        }
        guard let current, let patch = try? PatchRequest(json: body) else { return nil }
        let view = try groupView(current, request)
        return (try? PatchApplier.apply(patch, to: view, type: .group))?["members"]?.arrayValue
    }

    /// The stored meta of a group after a request: timestamps, and the members' details.
    func groupMeta(_ group: LocalGroup, previous: JSONObject?, members: [JSONValue]?, now: Timestamp) -> JSONValue {
        guard case .object(var meta) = ResourceView.storedMeta(previous: previous, now: now) else { return .null }
        if let members {
            meta[ResourceView.memberDetailsKey] = ResourceView.memberDetails(from: members)
        } else if let kept = group.scim["meta"]?.objectValue?[ResourceView.memberDetailsKey] {
            meta[ResourceView.memberDetailsKey] = kept
        }
        return .object(meta)
    }

    /// Whether a response showing `query` needs the members (`excludedAttributes=members` does not).
    static func wantsMembers(_ query: QueryParameters) -> Bool {
        if !query.attributes.isEmpty {
            return query.attributes.contains { ResourceView.path($0).parts.first?.lowercased() == "members" }
        }
        return !query.excludedAttributes.contains { name in
            let path = ResourceView.path(name)
            return path.urn == nil && path.parts.count == 1 && path.parts[0].lowercased() == "members"
        }
    }

    func groupView(_ group: LocalGroup, _ request: EndpointRequest, members: Bool = true) throws -> JSONObject {
        ResourceView.group(
            group, members: members ? try memberList(group) : nil, base: request.base, now: request.time)
    }

    func getGroup(_ id: String, _ request: EndpointRequest) throws -> SCIMReply {
        guard let group = try store.group(app: app, id: id) else { return .notFound("group") }
        let query = try QueryParameters(query: request.query)
        let view = try groupView(group, request, members: Self.wantsMembers(query))
        return SCIMReply(
            status: 200,
            body: .object(ResourceView.project(view, attributes: query.attributes, excluded: query.excludedAttributes)))
    }

    /// POST /Groups: the core's group create (a display name is not unique; the core treats a
    /// POST naming a group the application already has as an update of that group).
    func createGroup(_ request: EndpointRequest, _ context: WriteContext) throws -> Decision {
        guard request.body?.objectValue != nil else {
            return try reject(request, context, .error(400, .invalidSyntax, "POST /Groups carries no group object"))
        }
        if let tooMany = tooManyMembers(request) { return try reject(request, context, tooMany) }
        let members = try requestedMembers(request, current: nil)
        let id = try context.reconciler.apply(try context.request(request))
        if let problem = problem(context) { return problem }
        guard let id, var group = try store.group(app: app, id: id) else {
            return .rollback(.error(500, nil, "the group was not stored"), record: [])
        }
        let created = context.recorded.events.contains { $0.action == .groupCreate && $0.status == .success }
        group.scim["meta"] = groupMeta(
            group, previous: created ? nil : group.scim, members: members, now: request.time)
        try store.saveGroup(group)
        var reply = SCIMReply(status: 201, body: .object(try groupView(group, request)))
        reply.headers.append(("Location", "\(request.base)/Groups/\(ResourceView.percentEncoded(group.id))"))
        return .commit(reply)
    }

    /// PUT or PATCH /Groups/{id} (members added and removed one event each); 200 with the group.
    func changeGroup(_ id: String, _ request: EndpointRequest, _ context: WriteContext) throws -> Decision {
        guard let existing = try store.group(app: app, id: id) else {
            return try reject(request, context, .notFound("group"))
        }
        if let tooMany = try tooManyOperations(request, context) { return tooMany }
        if let tooMany = tooManyMembers(request) { return try reject(request, context, tooMany) }
        let members = try requestedMembers(request, current: existing)
        try context.reconciler.apply(try context.request(request))
        if let problem = problem(context) { return problem }
        guard var group = try store.group(app: app, id: id) else { return .commit(SCIMReply(status: 204)) }
        group.scim["meta"] = groupMeta(group, previous: existing.scim, members: members, now: request.time)
        try store.saveGroup(group)
        let query = try QueryParameters(query: request.query)
        let view = try groupView(group, request, members: Self.wantsMembers(query))
        return .commit(
            SCIMReply(
                status: 200,
                body: .object(
                    ResourceView.project(view, attributes: query.attributes, excluded: query.excludedAttributes))))
    }

    func deleteGroup(_ id: String, _ request: EndpointRequest, _ context: WriteContext) throws -> Decision {
        guard try store.group(app: app, id: id) != nil else { return try reject(request, context, .notFound("group")) }
        try context.reconciler.apply(try context.request(request))
        if let problem = problem(context) { return problem }
        return .commit(SCIMReply(status: 204))
    }

    /// A group body listing more members than one request may carry: 413.
    func tooManyMembers(_ request: EndpointRequest) -> SCIMReply? {
        guard let object = request.body?.objectValue, let key = object.key(matching: "members"),
            let members = object[key]?.arrayValue, members.count > limits.maxResults * 10
        else { return nil }
        return .error(413, nil, "more than \(limits.maxResults * 10) members in one request")
    }
}
