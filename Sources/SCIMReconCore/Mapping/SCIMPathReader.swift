import SCIMKit

/// The one place the mapping parses SCIM attribute paths, checks them against the User schema
/// and reads values at them.
///
/// Stand-in until SCIMKit's `AttributePath` and schema land: a small parser for `attr`,
/// `attr.sub`, `attr[sub eq "x"].sub` (comparisons joined by `and`) and URN-qualified paths.
/// Swapping in the real API changes this file only.
struct SCIMPathReader: Sendable {
    /// A path that parsed and names an attribute SCIM knows.
    struct Path: Sendable, Hashable {
        /// The path as written.
        var text: String
        /// The schema URN it was qualified with, if any.
        var urn: String?
        var attribute: String
        var filter: [Comparison]
        var subAttribute: String?

        /// Whether the attribute the path ends at is a SCIM boolean (values coerced from strings).
        var isBoolean: Bool {
            SCIMPathReader.booleanNames.contains((subAttribute ?? attribute).lowercased())
        }
    }

    /// One `sub eq value` comparison of a value filter.
    struct Comparison: Sendable, Hashable {
        var attribute: String
        var value: JSONValue
    }

    /// Parses `text` and checks it names a User or EnterpriseUser attribute, or an attribute of
    /// some other URN-qualified extension.
    static func parse(_ text: String) throws(SCIMPathProblem) -> Path {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { throw SCIMPathProblem("empty scim path") }
        let bracket = trimmed.firstIndex(of: "[")
        let head = trimmed[..<(bracket ?? trimmed.endIndex)]
        var urn: String?
        var rest = Substring(trimmed)
        if head.lowercased().hasPrefix("urn:") {
            guard let colon = head.lastIndex(of: ":") else { throw SCIMPathProblem("bad scim path '\(text)'") }
            urn = String(trimmed[..<colon])
            rest = trimmed[trimmed.index(after: colon)...]
        }
        var filter: [Comparison] = []
        var attributePart = rest
        var subPart: Substring?
        if let open = rest.firstIndex(of: "[") {
            guard let close = rest.lastIndex(of: "]"), close > open else {
                throw SCIMPathProblem("bad scim path '\(text)': unclosed '['")
            }
            attributePart = rest[..<open]
            filter = try parseFilter(rest[rest.index(after: open)..<close], path: text)
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.first == "." else { throw SCIMPathProblem("bad scim path '\(text)'") }
                subPart = after.dropFirst()
            }
        } else if let dot = rest.firstIndex(of: ".") {
            attributePart = rest[..<dot]
            subPart = rest[rest.index(after: dot)...]
        }
        let attribute = String(attributePart)
        let sub = subPart.map(String.init)
        guard isName(attribute), sub.map(isName) ?? true else { throw SCIMPathProblem("bad scim path '\(text)'") }
        try checkSchema(urn: urn, attribute: attribute, subAttribute: sub)
        return Path(text: text, urn: urn, attribute: attribute, filter: filter, subAttribute: sub)
    }

    /// The non-null values at `path` in `resource`: the elements of a multi-valued attribute
    /// that pass the filter, or their sub-attribute.
    static func values(at path: Path, in resource: JSONObject) -> [JSONValue] {
        var container = resource
        if let urn = path.urn, !urn.caseInsensitiveEquals(coreUserURN) {
            guard let extensionObject = resource[urn]?.objectValue else { return [] }
            container = extensionObject
        }
        guard let value = container[path.attribute], !value.isNull else { return [] }
        var items = value.arrayValue ?? [value]
        if !path.filter.isEmpty {
            items = items.filter { item in
                guard let object = item.objectValue else { return false }
                return path.filter.allSatisfy { matches(object[$0.attribute], $0.value) }
            }
        }
        guard let sub = path.subAttribute else { return items.filter { !$0.isNull } }
        return items.flatMap { item -> [JSONValue] in
            guard let inner = item.objectValue?[sub], !inner.isNull else { return [] }
            return inner.arrayValue ?? [inner]
        }
    }

    // MARK: - Stand-in parser and schema

    static let coreUserURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let enterpriseUserURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    static let booleanNames: Set<String> = ["active", "primary"]

    private static let multiValuedSubAttributes: Set<String> = ["value", "display", "type", "primary", "$ref"]

    /// RFC 7643 §4.1 and §8.7.1: the User attributes and their sub-attributes (empty: simple).
    private static let coreAttributes: [String: Set<String>] = [
        "id": [], "externalid": [], "username": [], "displayname": [], "nickname": [], "profileurl": [],
        "title": [], "usertype": [], "preferredlanguage": [], "locale": [], "timezone": [], "active": [],
        "password": [], "schemas": [],
        "meta": ["resourcetype", "created", "lastmodified", "location", "version"],
        "name": ["formatted", "familyname", "givenname", "middlename", "honorificprefix", "honorificsuffix"],
        "emails": multiValuedSubAttributes, "phonenumbers": multiValuedSubAttributes,
        "ims": multiValuedSubAttributes, "photos": multiValuedSubAttributes, "groups": multiValuedSubAttributes,
        "entitlements": multiValuedSubAttributes, "roles": multiValuedSubAttributes,
        "x509certificates": multiValuedSubAttributes,
        "addresses": [
            "formatted", "streetaddress", "locality", "region", "postalcode", "country", "type", "primary",
        ],
    ]

    /// RFC 7643 §4.3: the EnterpriseUser attributes.
    private static let enterpriseAttributes: [String: Set<String>] = [
        "employeenumber": [], "costcenter": [], "organization": [], "division": [], "department": [],
        "manager": ["value", "$ref", "displayname"],
    ]

    private static func checkSchema(urn: String?, attribute: String, subAttribute: String?) throws(SCIMPathProblem) {
        let table: [String: Set<String>]
        if let urn {
            if urn.caseInsensitiveEquals(coreUserURN) {
                table = coreAttributes
            } else if urn.caseInsensitiveEquals(enterpriseUserURN) {
                table = enterpriseAttributes
            } else {
                return  // another extension: its schema is not known here, any name goes
            }
        } else {
            table = coreAttributes.merging(enterpriseAttributes) { core, _ in core }
        }
        guard let subs = table[attribute.lowercased()] else {
            throw SCIMPathProblem("unknown scim attribute '\(attribute)'")
        }
        if let subAttribute, !subs.contains(subAttribute.lowercased()) {
            throw SCIMPathProblem("unknown scim attribute '\(attribute).\(subAttribute)'")
        }
    }

    private static func parseFilter(_ text: Substring, path: String) throws(SCIMPathProblem) -> [Comparison] {
        var comparisons: [Comparison] = []
        for clause in text.components(separatedBy: " and ") {
            let words = clause.trimmingSpaces().split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count == 3, words[1].lowercased() == "eq", isName(words[0]) else {
                throw SCIMPathProblem("bad scim path '\(path)': unsupported filter")
            }
            let literal = words[2]
            let value: JSONValue
            if literal.count >= 2, literal.first == "\"", literal.last == "\"" {
                value = .string(String(literal.dropFirst().dropLast()))
            } else if literal == "true" || literal == "false" {
                value = .bool(literal == "true")
            } else {
                throw SCIMPathProblem("bad scim path '\(path)': unsupported filter")
            }
            comparisons.append(Comparison(attribute: words[0], value: value))
        }
        return comparisons
    }

    private static func matches(_ actual: JSONValue?, _ expected: JSONValue) -> Bool {
        switch (actual, expected) {
        case (.string(let left)?, .string(let right)): return left.caseInsensitiveEquals(right)
        case (.bool(let left)?, .bool(let right)): return left == right
        case (.string(let left)?, .bool(let right)): return MappedValue.coerceBoolean(left) == right
        default: return false
        }
    }

    private static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "$" || first.properties.isAlphabetic else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-$".unicodeScalars.contains($0)
        }
    }
}

/// Why a SCIM path cannot be mapped: it does not parse, or names no known attribute.
struct SCIMPathProblem: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    func trimmingSpaces() -> String {
        let text = String(self)
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
            let end = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[start...end])
    }
}
