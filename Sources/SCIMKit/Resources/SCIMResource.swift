/// SCIM User and Group resources as JSON objects: normalisation on the way in, typed reads.
///
/// Normalisation keeps everything a provider sends, unknown extensions included, except
/// `password`; it fixes what must be fixed for the data to mean one thing (booleans, the
/// manager's form, the schema spelling of known names) and refuses a resource without its
/// required name.
public enum SCIMResource {
    /// A User ready to store: `password` dropped (any case, also inside extensions), `active`
    /// and `primary` string booleans coerced, the enterprise manager as `{"value": id}`,
    /// URN-qualified top-level keys folded into their schema, known names in schema spelling.
    /// Throws `invalidValue` when `userName` is missing or blank, or a boolean is not one.
    ///
    /// `base`, when given, is the stored (normal-form) user that `object` was derived from by a
    /// PATCH: members it left alone are not normalised again (the result is the same).
    public static func normalizedUser(_ object: JSONObject, unchangedFrom base: JSONObject? = nil) throws
        -> JSONObject
    {
        let result = try ResourceNormalizer(type: .user).normalize(object, unchangedFrom: base)
        guard case .string(let userName)? = result["userName"], !userName.allSatisfy(\.isWhitespace) else {
            throw SCIMError.invalidValue("userName is required")
        }
        return result
    }

    /// A Group ready to store: known names in schema spelling, members as `{"value": id, …}`.
    /// Throws `invalidValue` when `displayName` is missing or blank.
    public static func normalizedGroup(_ object: JSONObject) throws -> JSONObject {
        let result = try ResourceNormalizer(type: .group).normalize(object)
        guard case .string(let name)? = result["displayName"], !name.allSatisfy(\.isWhitespace) else {
            throw SCIMError.invalidValue("displayName is required")
        }
        return result
    }

    /// The `userName`, when it is a string.
    public static func userName(_ resource: JSONObject) -> String? {
        resource["userName"]?.stringValue
    }

    /// The SCIM `id`, when it is a string.
    public static func id(_ resource: JSONObject) -> String? {
        resource["id"]?.stringValue
    }

    /// The `externalId`, when it is a string.
    public static func externalID(_ resource: JSONObject) -> String? {
        resource["externalId"]?.stringValue
    }

    /// The `externalId` (the wire spelling of `externalID(_:)`).
    public static func externalId(_ resource: JSONObject) -> String? {
        externalID(resource)
    }

    /// The `displayName`, when it is a string.
    public static func displayName(_ resource: JSONObject) -> String? {
        resource["displayName"]?.stringValue
    }

    /// `name.givenName`, when it is a string.
    public static func givenName(_ resource: JSONObject) -> String? {
        resource["name"]?.objectValue?["givenName"]?.stringValue
    }

    /// `name.familyName`, when it is a string.
    public static func familyName(_ resource: JSONObject) -> String? {
        resource["name"]?.objectValue?["familyName"]?.stringValue
    }

    /// `active`, coerced (`"False"` reads as false); nil when absent or not a boolean.
    public static func active(_ resource: JSONObject) -> Bool? {
        resource["active"].flatMap(SCIMBoolean.coerce)
    }

    /// The email to show for a user: the `value` of `preferredElement` among its emails.
    public static func primaryEmail(_ resource: JSONObject) -> String? {
        let emails = FilterEvaluator.elements(resource["emails"]).compactMap { element -> JSONObject? in
            switch element {
            case .object(let object):
                guard case .string(let value)? = object["value"], !value.isEmpty else { return nil }
                return object
            case .string(let value) where !value.isEmpty:
                return JSONObject(["value": .string(value)])
            default:
                return nil
            }
        }
        return preferredElement(emails)?["value"]?.stringValue
    }

    /// The one element of a multi-valued attribute that stands for it (the "preferred email" of
    /// the default mapping and of listings): the one marked `primary`, else the one typed `work`,
    /// else the first. The only implementation of that rule.
    public static func preferredElement(_ elements: [JSONObject]) -> JSONObject? {
        if let primary = elements.first(where: { element in
            element["primary"].flatMap { SCIMBoolean.coerce($0, leniency: .scim) } == true
        }) {
            return primary
        }
        if let work = elements.first(where: { $0["type"]?.stringValue?.caseInsensitiveEquals("work") == true }) {
            return work
        }
        return elements.first
    }

    /// The ids of a group's members (their `value`s), in order.
    public static func members(of group: JSONObject) -> [String] {
        FilterEvaluator.elements(group["members"]).compactMap { element in
            switch element {
            case .object(let object):
                switch object["value"] {
                case .string(let id)?: return id
                case .number(let literal)?: return literal
                default: return nil
                }
            case .string(let id): return id
            default: return nil
            }
        }
    }
}
