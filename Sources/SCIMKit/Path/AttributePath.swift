/// A SCIM attribute path (RFC 7644 §3.5.2 `PATH`, §3.4.2.2 `attrPath`/`valuePath`):
/// `attr`, `attr.sub`, `urn:…:attr.sub`, `attr[filter]`, `attr[filter].sub`.
///
/// Known attribute names are stored in their schema spelling (`Manager.Value` reads as
/// `manager.value`), so two paths that differ only in case are equal.
public struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN that qualifies the attribute, if any (`urn:…:enterprise:2.0:User`).
    public var schemaURN: String?
    /// The attribute name. A bare extension URN names the whole extension object.
    public var attribute: String
    /// The value filter of `attr[filter]`, whose paths name sub-attributes of `attribute`.
    public var valueFilter: SCIMFilter?
    /// The sub-attribute of `attr.sub` or `attr[filter].sub`.
    public var subAttribute: String?

    /// Creates a path from its parts.
    public init(
        schemaURN: String? = nil, attribute: String, valueFilter: SCIMFilter? = nil, subAttribute: String? = nil
    ) {
        self.schemaURN = schemaURN
        self.attribute = attribute
        self.valueFilter = valueFilter
        self.subAttribute = subAttribute
    }

    /// The path in canonical syntax.
    public var description: String {
        var text = schemaURN.map { $0 + ":" } ?? ""
        text += attribute
        if let valueFilter { text += "[\(valueFilter)]" }
        if let subAttribute { text += "." + subAttribute }
        return text
    }

    /// The same path without its value filter and sub-attribute.
    public var attributeOnly: AttributePath {
        AttributePath(schemaURN: schemaURN, attribute: attribute)
    }

    /// Parses a PATCH path; bad syntax is a `SCIMError` `invalidPath` showing the offset.
    public static func parse(_ text: String) throws -> AttributePath {
        var parser = FilterParser(text)
        do {
            return try parser.parseWholePath()
        } catch {
            throw SCIMError.invalidPath(
                CaretMessage.render(error.message, text: parser.lexer.scalars, offset: error.offset))
        }
    }
}

extension FilterParser {
    /// Parses the whole text as a PATCH path.
    mutating func parseWholePath() throws(FilterSyntaxError) -> AttributePath {
        let token = try lexer.next()
        guard case .word(let word) = token.kind else {
            if case .end = token.kind { throw FilterSyntaxError(message: "empty path", offset: token.offset) }
            throw FilterSyntaxError(message: "expected an attribute name", offset: token.offset)
        }
        var path = try Self.attributePath(word, at: token.offset)
        let wordEnd = token.offset + word.unicodeScalars.count
        var next = try lexer.next()
        if case .openBracket = next.kind {
            guard next.offset == wordEnd else {
                throw FilterSyntaxError(message: "no space is allowed before '['", offset: next.offset)
            }
            if path.subAttribute != nil {
                throw FilterSyntaxError(
                    message: "a value filter applies to an attribute, not a sub-attribute", offset: next.offset)
            }
            if path.schemaURN == nil, SCIMSchema.schema(urn: path.attribute) != nil {
                throw FilterSyntaxError(message: "a schema urn cannot take a value filter", offset: next.offset)
            }
            path.valueFilter = try parseValueFilter(openedAt: next.offset)
            let filterEnd = lexer.rawPosition
            next = try lexer.next()
            if case .word(let rest) = next.kind, rest.hasPrefix(".") {
                guard next.offset == filterEnd else {
                    throw FilterSyntaxError(message: "no space is allowed before '.'", offset: next.offset)
                }
                let name = String(rest.dropFirst())
                try Self.validateName(name, at: next.offset + 1)
                path.subAttribute = AttributeNames.canonical(name)
                next = try lexer.next()
            }
        }
        guard case .end = next.kind else {
            throw FilterSyntaxError(message: "unexpected text after the path", offset: next.offset)
        }
        return path
    }

    /// Parses one word as `[urn ":"] name ["." name]`.
    static func attributePath(_ word: String, at offset: Int) throws(FilterSyntaxError) -> AttributePath {
        let scalars = Array(word.unicodeScalars)
        var nameStart = 0
        var schemaURN: String?
        if word.hasURNPrefix {
            if let schema = SCIMSchema.schema(urn: word) { return AttributePath(attribute: schema.id) }
            guard let colon = scalars.lastIndex(of: ":"), colon > 3 else {
                throw FilterSyntaxError(message: "incomplete schema urn", offset: offset)
            }
            let urn = String(String.UnicodeScalarView(scalars[..<colon]))
            guard !urn.split(separator: ":", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw FilterSyntaxError(message: "empty segment in schema urn", offset: offset)
            }
            schemaURN = SCIMSchema.schema(urn: urn)?.id ?? urn
            nameStart = colon + 1
            guard nameStart < scalars.count else {
                throw FilterSyntaxError(
                    message: "missing attribute name after the schema urn", offset: offset + colon + 1)
            }
        }
        let rest = scalars[nameStart...]
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        var names: [String] = []
        var partOffset = offset + nameStart
        for (index, part) in parts.enumerated() {
            if index == 2 {
                throw FilterSyntaxError(message: "only one sub-attribute level is allowed", offset: partOffset - 1)
            }
            let name = String(String.UnicodeScalarView(part))
            try validateName(name, at: partOffset)
            names.append(AttributeNames.canonical(name))
            partOffset += part.count + 1
        }
        return AttributePath(schemaURN: schemaURN, attribute: names[0], subAttribute: names.count > 1 ? names[1] : nil)
    }

    /// Checks `ATTRNAME = ALPHA *(ALPHA / DIGIT / "-" / "_")`, allowing a leading `$` for `$ref`.
    static func validateName(_ name: String, at offset: Int) throws(FilterSyntaxError) {
        guard let first = name.unicodeScalars.first else {
            throw FilterSyntaxError(message: "missing attribute name", offset: offset)
        }
        guard isAlpha(first) || first == "$" else {
            throw FilterSyntaxError(message: "an attribute name must start with a letter", offset: offset)
        }
        for (index, scalar) in name.unicodeScalars.enumerated().dropFirst()
        where !(isAlpha(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_") {
            throw FilterSyntaxError(message: "invalid character in attribute name", offset: offset + index)
        }
    }

    private static func isAlpha(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}

/// The canonical spelling of every attribute and sub-attribute name the known schemas define.
enum AttributeNames {
    static let lexicon: [String: String] = {
        var names: [String: String] = [:]
        for schema in SCIMSchema.all {
            for attribute in schema.attributes {
                names[attribute.name.lowercased()] = attribute.name
                for sub in attribute.subAttributes { names[sub.name.lowercased()] = sub.name }
            }
        }
        return names
    }()

    /// `name` in its schema spelling when some known schema defines it, else unchanged.
    static func canonical(_ name: String) -> String {
        lexicon[name.lowercasedIfNeeded()] ?? name
    }
}
