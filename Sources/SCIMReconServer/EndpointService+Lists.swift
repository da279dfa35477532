import SCIMKit
import SCIMReconCore

extension EndpointService {
    /// The query of a `POST …/.search`.
    func searchQuery(_ request: EndpointRequest) throws -> QueryParameters {
        guard let object = request.body?.objectValue else {
            throw SCIMError.invalidSyntax("a search request carries a SearchRequest object")
        }
        return try QueryParameters(searchBody: object)
    }

    /// A ListResponse: the resources matching `filter`, in a stable order (userName or
    /// displayName, then id), `count` of them from `startIndex`. A filter that matches nothing,
    /// such as Entra's Test Connection on a random userName, is 200 with an empty list.
    func list(_ endpoints: [RequestPath.Endpoint], _ request: EndpointRequest, query: QueryParameters) throws
        -> SCIMReply
    {
        let filter: SCIMFilter?
        do {
            filter = try query.filter.map(SCIMFilter.parse)
        } catch let error as SCIMError {
            throw error
        } catch {
            throw SCIMError.invalidFilter("the filter is not valid")
        }
        let pageSize = min(query.count ?? limits.maxResults, limits.maxResults)
        let first = query.startIndex
        var total = 0
        var page: [JSONValue] = []
        func offer(_ resource: JSONObject, type: SCIMResourceType) {
            guard filter?.matches(resource, type: type) ?? true else { return }
            total += 1
            if total >= first && page.count < pageSize {
                page.append(
                    .object(
                        ResourceView.project(
                            resource, attributes: query.attributes, excluded: query.excludedAttributes)))
            }
        }
        for endpoint in endpoints {
            try collect(endpoint, request, query: query, filter: filter, offer: offer)
        }
        var object = JSONObject()
        object["schemas"] = .array([.string(ListResponse.schemaURN)])
        object["totalResults"] = .number(String(total))
        object["startIndex"] = .number(String(first))
        object["itemsPerPage"] = .number(String(page.count))
        object["Resources"] = .array(page)
        return SCIMReply(status: 200, body: .object(object))
    }

    /// Offers every resource of `endpoint` the filter may match, indexed where it can be.
    private func collect(
        _ endpoint: RequestPath.Endpoint, _ request: EndpointRequest, query: QueryParameters, filter: SCIMFilter?,
        offer: (JSONObject, SCIMResourceType) -> Void
    ) throws {
        switch endpoint {
        case .users:
            if let (key, value) = filter.flatMap({ Self.indexedUserKey($0) }) {
                for user in try store.findUser(app: app, by: key, value: value).sorted(by: Self.userOrder)
                where !ResourceView.isDeleted(user.scim) {
                    offer(ResourceView.user(user, base: request.base, now: request.time), .user)
                }
            } else {
                try store.forEachUser(app: app) { user in
                    if !ResourceView.isDeleted(user.scim) {
                        offer(ResourceView.user(user, base: request.base, now: request.time), .user)
                    }
                    return true
                }
            }
        case .groups:
            let members = Self.wantsMembers(query) || filter.map(Self.mentionsMembers) == true
            if let groups = try filter.flatMap({ try indexedGroups($0) }) {
                for group in groups { offer(try groupView(group, request, members: members), .group) }
            } else {
                try store.forEachGroup(app: app) { group in
                    offer(try groupView(group, request, members: members), .group)
                    return true
                }
            }
        case .bulk:
            throw SCIMError.invalidSyntax("/Bulk cannot be searched")
        }
    }

    static func userOrder(_ lhs: LocalUser, _ rhs: LocalUser) -> Bool {
        let left = lhs.userName.lowercased()
        let right = rhs.userName.lowercased()
        return left != right ? left < right : lhs.id < rhs.id
    }

    /// An `eq` on an indexed attribute that the whole filter requires (top level, or a side of
    /// an `and`): `userName` (case-insensitive), `externalId`, `id`.
    static func indexedUserKey(_ filter: SCIMFilter) -> (MatchKey, String)? {
        switch filter {
        case .comparison(let path, .eq, .string(let value)) where isPlain(path, in: SCIMSchema.userURN):
            switch path.attribute.lowercased() {
            case "username": return (.userName, value)
            case "externalid": return (.externalId, value)
            case "id": return (.id, value)
            default: return nil
            }
        case .and(let lhs, let rhs):
            return indexedUserKey(lhs) ?? indexedUserKey(rhs)
        default:
            return nil
        }
    }

    /// The candidate groups of an indexed filter: `displayName`, `id`, or `members.value`.
    func indexedGroups(_ filter: SCIMFilter) throws -> [LocalGroup]? {
        switch filter {
        case .comparison(let path, .eq, .string(let value)) where Self.isPlain(path, in: SCIMSchema.groupURN):
            switch path.attribute.lowercased() {
            case "displayname": return try store.findGroups(app: app, displayName: value)
            case "id": return try store.group(app: app, id: value).map { [$0] } ?? []
            default: return nil
            }
        case .comparison(let path, .eq, .string(let value))
        where path.attribute.lowercased() == "members" && path.subAttribute?.lowercased() == "value"
            && path.valueFilter == nil:
            return try store.groupIDs(app: app, memberID: value).compactMap { try store.group(app: app, id: $0) }
                .sorted { ($0.displayName.lowercased(), $0.id) < ($1.displayName.lowercased(), $1.id) }
        case .valuePath(let path, .comparison(let inner, .eq, .string(let value)))
        where path.attribute.lowercased() == "members" && inner.attribute.lowercased() == "value":
            return try store.groupIDs(app: app, memberID: value).compactMap { try store.group(app: app, id: $0) }
                .sorted { ($0.displayName.lowercased(), $0.id) < ($1.displayName.lowercased(), $1.id) }
        case .and(let lhs, let rhs):
            return try indexedGroups(lhs) ?? indexedGroups(rhs)
        default:
            return nil
        }
    }

    static func isPlain(_ path: AttributePath, in core: String) -> Bool {
        path.valueFilter == nil && path.subAttribute == nil
            && (path.schemaURN == nil || path.schemaURN!.caseInsensitiveEquals(core))
    }

    /// Whether a filter reads `members` (so the members must be loaded to evaluate it).
    static func mentionsMembers(_ filter: SCIMFilter) -> Bool {
        switch filter {
        case .comparison(let path, _, _), .present(let path), .valuePath(let path, _):
            return path.attribute.lowercased() == "members"
        case .and(let lhs, let rhs), .or(let lhs, let rhs): return mentionsMembers(lhs) || mentionsMembers(rhs)
        case .not(let inner): return mentionsMembers(inner)
        }
    }
}
