/// A SCIM schema: its URN and attribute definitions (RFC 7643 §7), looked up case-insensitively.
public struct SCIMSchema: Sendable, Hashable {
    /// The schema URN, e.g. `urn:ietf:params:scim:schemas:core:2.0:User`.
    public var id: String
    /// A short human name (`User`, `EnterpriseUser`, `Group`).
    public var name: String
    /// The attributes defined by this schema, including the common ones (`id`, `externalId`,
    /// `meta`, `schemas`) for a core schema.
    public var attributes: [SCIMAttribute] {
        didSet { positions = Self.positions(of: attributes) }
    }
    /// Where each attribute is in `attributes`, by its ASCII-lowercased name and by its name as
    /// spelt: every record looks attributes up (a linear case-insensitive search was a measurable
    /// share of a replay), and names almost always come spelt as the schema spells them, so most
    /// look-ups need no folded copy.
    private var positions: [String: Int]

    /// Creates a schema.
    public init(id: String, name: String, attributes: [SCIMAttribute]) {
        self.id = id
        self.name = name
        self.attributes = attributes
        self.positions = Self.positions(of: attributes)
    }

    private static func positions(of attributes: [SCIMAttribute]) -> [String: Int] {
        var positions: [String: Int] = [:]
        for (offset, attribute) in attributes.enumerated() where attribute.name.utf8.allSatisfy({ $0 < 0x80 }) {
            positions[asciiLowercased(attribute.name)] = positions[asciiLowercased(attribute.name)] ?? offset
            positions[attribute.name] = positions[attribute.name] ?? offset
        }
        return positions
    }

    private static func asciiLowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 &- 0x41 < 26 }) else { return text }
        return String(decoding: text.utf8.map { String.asciiLower($0) }, as: UTF8.self)
    }

    public static func == (lhs: SCIMSchema, rhs: SCIMSchema) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.attributes == rhs.attributes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(name)
        hasher.combine(attributes)
    }

    /// The URN of the core User schema.
    public static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    /// The URN of the enterprise User extension.
    public static let enterpriseUserURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// The URN of the core Group schema.
    public static let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"

    /// Every schema SCIMKit knows.
    public static let all: [SCIMSchema] = [.user, .enterpriseUser, .group]

    /// The attribute named `name`, found case-insensitively.
    public func attribute(named name: String) -> SCIMAttribute? {
        if let position = positions[name] { return attributes[position] }
        // An ASCII name folds by bytes; anything else (a Kelvin sign folds to `k`) is compared the
        // long way, with the same answer.
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else {
            return attributes.first { $0.name.caseInsensitiveEquals(name) }
        }
        return positions[Self.asciiLowercased(name)].map { attributes[$0] }
    }

    /// The attribute named by a possibly URN-qualified name
    /// (`urn:…:enterprise:2.0:User:department`, `name.givenName` is not a name but a path).
    public func attribute(qualifiedName: String) -> SCIMAttribute? {
        let prefix = id + ":"
        if qualifiedName.count > prefix.count,
            qualifiedName.prefix(prefix.count).lowercased() == prefix.lowercased()
        {
            return attribute(named: String(qualifiedName.dropFirst(prefix.count)))
        }
        return attribute(named: qualifiedName)
    }

    /// The known schema whose URN is `urn`, compared case-insensitively.
    public static func schema(urn: String) -> SCIMSchema? {
        all.first { $0.id.caseInsensitiveEquals(urn) }
    }

    /// The definition an attribute name resolves to for a resource type: the core schema first,
    /// then (for names the core schema lacks) the known extensions.
    public static func definition(
        ofAttribute name: String, schemaURN: String?, type: SCIMResourceType
    ) -> (schema: SCIMSchema, attribute: SCIMAttribute)? {
        if let schemaURN {
            guard let schema = schema(urn: schemaURN),
                schema.id == type.coreSchema.id || type.extensionSchemas.contains(schema),
                let attribute = schema.attribute(named: name)
            else { return nil }
            return (schema, attribute)
        }
        if let attribute = type.coreSchema.attribute(named: name) { return (type.coreSchema, attribute) }
        for schema in type.extensionSchemas {
            if let attribute = schema.attribute(named: name) { return (schema, attribute) }
        }
        return nil
    }
}
