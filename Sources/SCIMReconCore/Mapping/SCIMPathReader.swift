import SCIMKit

/// The one place the mapping parses SCIM attribute paths, checks them against the User schema
/// and reads values at them (through SCIMKit's `AttributePath`, `SCIMSchema` and `values(at:)`).
struct SCIMPathReader: Sendable {
    /// A path that parsed and names an attribute SCIM knows (or one of an unknown extension).
    struct Path: Sendable, Hashable {
        /// The path as written.
        var text: String
        var path: AttributePath
        /// Whether the attribute the path ends at is a SCIM boolean (values coerced from strings).
        var isBoolean: Bool
        /// Whether it names `password` (never mapped: it is never stored).
        var isPassword: Bool
    }

    /// Parses `text` and checks it names a User or EnterpriseUser attribute, or an attribute of
    /// some other URN-qualified extension.
    ///
    /// Refused: bad syntax; an unknown attribute or sub-attribute; a sub-attribute of a simple
    /// attribute; a complex attribute without a `value` to read (`name`, `addresses`: map a
    /// sub-attribute); a whole extension object.
    static func parse(_ text: String) throws(SCIMPathProblem) -> Path {
        let path: AttributePath
        do {
            path = try AttributePath.parse(text)
        } catch {
            // SCIMKit's detail is a message, the echoed text and a caret line: keep the message.
            let detail = (error as? SCIMError)?.detail ?? "\(error)"
            let reason = detail.split(separator: "\n").first.map(String.init) ?? detail
            throw SCIMPathProblem("bad scim path '\(text)': \(reason)")
        }
        let shown = text.trimmingSpaces()
        if path.schemaURN == nil, path.attribute.hasURNPrefix {
            throw SCIMPathProblem("'\(shown)' names a whole schema extension; map one of its attributes")
        }
        if let urn = path.schemaURN, SCIMSchema.schema(urn: urn) == nil {
            // An extension SCIMKit does not know: its attributes cannot be checked, any name goes.
            return Path(text: text, path: path, isBoolean: false, isPassword: false)
        }
        guard
            let (_, attribute) = SCIMSchema.definition(
                ofAttribute: path.attribute, schemaURN: path.schemaURN, type: .user)
        else {
            throw SCIMPathProblem("unknown scim attribute '\(shown)'")
        }
        var target = attribute
        if let subName = path.subAttribute {
            guard !attribute.subAttributes.isEmpty else {
                throw SCIMPathProblem("scim attribute '\(attribute.name)' has no sub-attributes")
            }
            guard let sub = attribute.subAttribute(named: subName) else {
                throw SCIMPathProblem("unknown scim attribute '\(shown)'")
            }
            target = sub
        } else if attribute.type == .complex, attribute.subAttribute(named: "value") == nil {
            throw SCIMPathProblem(
                "scim attribute '\(attribute.name)' is complex; map one of its sub-attributes")
        }
        return Path(
            text: text, path: path, isBoolean: target.type == .boolean,
            isPassword: path.subAttribute == nil && attribute.name == "password")
    }

    /// The non-null values at `path` in `resource`: the elements of a multi-valued attribute
    /// that pass the filter, or their sub-attribute.
    static func values(at path: Path, in resource: JSONObject) -> [JSONValue] {
        resource.values(at: path.path, type: .user)
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
        // Most cells and names start and end with a visible ASCII character: nothing to trim, and
        // no need to walk them by Character (which a CSV import paid for every cell).
        if let first = text.utf8.first, let last = text.utf8.last, Self.isVisibleASCII(first),
            Self.isVisibleASCII(last)
        {
            return text
        }
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
            let end = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[start...end])
    }

    private static func isVisibleASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
}
