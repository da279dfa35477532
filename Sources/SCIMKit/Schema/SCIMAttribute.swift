/// The definition of one attribute (or sub-attribute) of a SCIM schema (RFC 7643 §7).
public struct SCIMAttribute: Sendable, Hashable {
    /// The data type of an attribute (RFC 7643 §2.3).
    public enum DataType: String, Sendable, Hashable {
        case string, boolean, decimal, integer, dateTime, binary, reference, complex
    }

    /// When an attribute may be written (RFC 7643 §7, `mutability`).
    public enum Mutability: String, Sendable, Hashable {
        case readOnly, readWrite, immutable, writeOnly
    }

    /// The attribute name in its canonical spelling.
    public var name: String
    public var type: DataType
    public var multiValued: Bool
    /// Whether string comparisons on this attribute respect case.
    public var caseExact: Bool
    public var mutability: Mutability
    public var required: Bool
    /// The sub-attributes of a complex attribute, in schema order.
    public var subAttributes: [SCIMAttribute]

    /// Creates a definition; the defaults are those of RFC 7643 §2.2.
    public init(
        _ name: String, _ type: DataType = .string, multiValued: Bool = false, caseExact: Bool = false,
        mutability: Mutability = .readWrite, required: Bool = false, subAttributes: [SCIMAttribute] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.caseExact = caseExact
        self.mutability = mutability
        self.required = required
        self.subAttributes = subAttributes
    }

    /// The sub-attribute named `name`, found case-insensitively.
    public func subAttribute(named name: String) -> SCIMAttribute? {
        subAttributes.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// Whether this is a multi-valued complex attribute (emails, members, …).
    public var isMultiValuedComplex: Bool { multiValued && type == .complex }
}
