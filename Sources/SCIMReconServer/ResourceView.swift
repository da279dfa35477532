import SCIMKit
import SCIMReconCore

/// How stored users and groups look on the wire: `id`, `schemas`, `meta`, and the
/// `attributes`/`excludedAttributes` projection (RFC 7644 §3.4.2.5).
///
/// `meta.created` and `meta.lastModified` are kept in the stored resource's `meta`; `location`
/// and `version` are computed when the resource is shown. A user answered with DELETE while the
/// policy only disables keeps `meta.deleted`: the provider no longer sees it (404), the store
/// still does (`users`, reports).
enum ResourceView {
    static let deletedKey = "deleted"

    /// Whether the endpoint answered a DELETE for this user that the policy turned into a disable.
    static func isDeleted(_ scim: JSONObject) -> Bool {
        scim["meta"]?.objectValue?[deletedKey]?.boolValue == true
    }

    /// The stored `meta`: `created` kept from `previous`, `lastModified` now.
    static func storedMeta(previous: JSONObject?, now: Timestamp, deleted: Bool = false) -> JSONValue {
        var meta = JSONObject()
        meta["created"] = previous?["meta"]?.objectValue?["created"] ?? .string(now.rfc3339)
        meta["lastModified"] = .string(now.rfc3339)
        if deleted { meta[deletedKey] = .bool(true) }
        return .object(meta)
    }

    static func user(_ user: LocalUser, base: String, now: Timestamp) -> JSONObject {
        var resource = user.scim
        resource["id"] = .string(user.id)
        // The local state is authoritative; an `active` the provider removed (or never sent) stays
        // absent, while the store keeps the state it had.
        if resource["active"] != nil { resource["active"] = .bool(user.active) }
        resource["meta"] = nil
        var schemas: [JSONValue] = [.string(SCIMSchema.userURN)]
        if resource[SCIMSchema.enterpriseUserURN] != nil { schemas.append(.string(SCIMSchema.enterpriseUserURN)) }
        for existing in resource["schemas"]?.arrayValue ?? [] where !schemas.contains(existing) {
            schemas.append(existing)
        }
        resource["schemas"] = .array(schemas)
        resource["meta"] = publicMeta(
            stored: user.scim, resourceType: "User", location: "\(base)/Users/\(percentEncoded(user.id))",
            content: resource, now: now)
        return resource
    }

    static func group(_ group: LocalGroup, members: [Member]?, base: String, now: Timestamp) -> JSONObject {
        var resource = group.scim
        resource["id"] = .string(group.id)
        resource["displayName"] = .string(group.displayName)
        resource["meta"] = nil
        resource["schemas"] = .array([.string(SCIMSchema.groupURN)])
        if let members {
            resource["members"] = .array(
                members.map { member in
                    var object = JSONObject()
                    object["value"] = .string(member.id)
                    if let display = member.display { object["display"] = .string(display) }
                    if let type = member.type { object["type"] = .string(type) }
                    object["$ref"] = .string("\(base)/Users/\(percentEncoded(member.id))")
                    return .object(object)
                })
        }
        resource["meta"] = publicMeta(
            stored: group.scim, resourceType: "Group", location: "\(base)/Groups/\(percentEncoded(group.id))",
            content: resource, now: now)
        return resource
    }

    /// One member as shown: the id, and the `display` and `type` the provider gave it (else the
    /// member's userName as `display`).
    struct Member {
        var id: String
        var display: String?
        var type: String?
    }

    /// Where a group's stored `meta` keeps the members' `display` and `type` (the store's
    /// membership table holds ids only).
    static let memberDetailsKey = "memberDetails"

    /// `display`/`type` by member id, from a stored group resource.
    static func memberDetails(_ scim: JSONObject) -> [String: JSONObject] {
        var result: [String: JSONObject] = [:]
        for item in scim["meta"]?.objectValue?[memberDetailsKey]?.arrayValue ?? [] {
            if let object = item.objectValue, let id = object["value"]?.stringValue { result[id] = object }
        }
        return result
    }

    /// The details worth keeping from a members array a provider sent.
    static func memberDetails(from members: [JSONValue]) -> JSONValue {
        .array(
            members.compactMap { item in
                guard let object = item.objectValue, let id = object["value"]?.stringValue else { return nil }
                var kept = JSONObject()
                kept["value"] = .string(id)
                for key in ["display", "type"] {
                    if let field = object.key(matching: key), let text = object[field]?.stringValue {
                        kept[key] = .string(text)
                    }
                }
                return kept.count > 1 ? .object(kept) : nil
            })
    }

    private static func publicMeta(
        stored: JSONObject, resourceType: String, location: String, content: JSONObject, now: Timestamp
    ) -> JSONValue {
        let kept = stored["meta"]?.objectValue
        var meta = JSONObject()
        meta["resourceType"] = .string(resourceType)
        meta["created"] = kept?["created"] ?? .string(now.rfc3339)
        meta["lastModified"] = kept?["lastModified"] ?? meta["created"]
        meta["location"] = .string(location)
        var hash = StableHash()
        hash.combine(JSONWriter.string(.object(content)))
        meta["version"] = .string("W/\"\(hash.hex.prefix(16))\"")
        return .object(meta)
    }

    /// Applies `attributes` (only these, with `id` and `schemas`) or else `excludedAttributes`.
    static func project(_ resource: JSONObject, attributes: [String], excluded: [String]) -> JSONObject {
        if !attributes.isEmpty {
            var result = JSONObject()
            for key in ["schemas", "id"] { if let value = resource[key] { result[key] = value } }
            for name in attributes {
                copy(path(name), from: resource, into: &result)
            }
            return result
        }
        var result = resource
        for name in excluded {
            let (urn, parts) = path(name)
            guard let first = parts.first, !["id", "schemas"].contains(first.lowercased()) || urn != nil else {
                continue
            }
            remove(urn: urn, parts: parts, from: &result)
        }
        return result
    }

    /// `urn:…:User:name.givenName` → (`urn:…:User`, [`name`, `givenName`]).
    static func path(_ name: String) -> (urn: String?, parts: [String]) {
        var urn: String?
        var rest = Substring(name.trimmingSpaces())
        if rest.hasURNPrefix, let colon = rest.lastIndex(of: ":") {
            urn = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        let core = [SCIMSchema.userURN, SCIMSchema.groupURN]
        if let given = urn, core.contains(where: { $0.caseInsensitiveEquals(given) }) { urn = nil }
        return (urn, rest.split(separator: ".").map(String.init))
    }

    private static func copy(
        _ path: (urn: String?, parts: [String]), from source: JSONObject, into target: inout JSONObject
    ) {
        if let urn = path.urn {
            guard let key = source.key(matching: urn), let inner = source[key]?.objectValue else { return }
            var innerTarget = target[key]?.objectValue ?? JSONObject()
            if path.parts.isEmpty {
                target[key] = .object(inner)
                return
            }
            copy((nil, path.parts), from: inner, into: &innerTarget)
            if !innerTarget.isEmpty { target[key] = .object(innerTarget) }
            return
        }
        guard let first = path.parts.first, let key = source.key(matching: first), let value = source[key] else {
            // A bare name may also be an extension URN itself (`attributes=urn:…:enterprise:2.0:User`).
            return
        }
        guard path.parts.count > 1 else {
            target[key] = value
            return
        }
        let rest = Array(path.parts.dropFirst())
        switch value {
        case .object(let inner):
            var innerTarget = target[key]?.objectValue ?? JSONObject()
            copy((nil, rest), from: inner, into: &innerTarget)
            if !innerTarget.isEmpty { target[key] = .object(innerTarget) }
        case .array(let items):
            // A sub-attribute of a multi-valued attribute: that sub-attribute of every value.
            target[key] = .array(
                items.compactMap { item in
                    guard let inner = item.objectValue else { return nil }
                    var innerTarget = JSONObject()
                    copy((nil, rest), from: inner, into: &innerTarget)
                    return .object(innerTarget)
                })
        default:
            break
        }
    }

    private static func remove(urn: String?, parts: [String], from target: inout JSONObject) {
        if let urn {
            guard let key = target.key(matching: urn) else { return }
            if parts.isEmpty {
                target[key] = nil
                return
            }
            guard var inner = target[key]?.objectValue else { return }
            remove(urn: nil, parts: parts, from: &inner)
            target[key] = .object(inner)
            return
        }
        guard let first = parts.first, let key = target.key(matching: first) else { return }
        guard parts.count > 1 else {
            target[key] = nil
            return
        }
        let rest = Array(parts.dropFirst())
        switch target[key] {
        case .object(var inner)?:
            remove(urn: nil, parts: rest, from: &inner)
            target[key] = .object(inner)
        case .array(let items)?:
            target[key] = .array(
                items.map { item in
                    guard var inner = item.objectValue else { return item }
                    remove(urn: nil, parts: rest, from: &inner)
                    return .object(inner)
                })
        default:
            break
        }
    }

    /// Percent-encodes an id for a URL path segment.
    static func percentEncoded(_ id: String) -> String {
        var result = ""
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return result
    }
}

extension JSONObject {
    /// The member name equal to `name` ignoring case (SCIM attribute names are case-insensitive).
    func key(matching name: String) -> String? {
        if self[name] != nil { return name }
        return keys.first { $0.caseInsensitiveEquals(name) }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }

    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
