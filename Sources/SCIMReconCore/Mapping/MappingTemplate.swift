/// A `default:` template: text with `{attribute}` placeholders naming other local attributes.
///
/// `"{givenName} {familyName}"` renders each placeholder with that attribute's mapped value (empty
/// when absent); the result is trimmed, and an empty result means no value. `{{` and `}}` write a
/// literal brace.
struct MappingTemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case attribute(String)
    }

    var parts: [Part]

    /// The local attributes the template reads, in order of appearance.
    var attributes: [String] {
        parts.compactMap { part in
            if case .attribute(let name) = part { return name }
            return nil
        }
    }

    /// Parses `text`; throws on an unclosed or empty placeholder or a stray `}`.
    init(_ text: String) throws(MappingError) {
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{" || character == "}", next < text.endIndex, text[next] == character {
                literal.append(character)
                index = text.index(after: next)
                continue
            }
            if character == "}" {
                throw MappingError(attribute: "", message: "unmatched '}' in template '\(text)'")
            }
            guard character == "{" else {
                literal.append(character)
                index = next
                continue
            }
            guard let close = text[next...].firstIndex(of: "}") else {
                throw MappingError(attribute: "", message: "unclosed '{' in template '\(text)'")
            }
            let name = text[next..<close].trimmingSpaces()
            guard !name.isEmpty, !name.contains("{") else {
                throw MappingError(attribute: "", message: "empty placeholder in template '\(text)'")
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.attribute(name))
            index = text.index(after: close)
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The template filled from `values`; nil when the result is empty.
    func render(_ values: [String: String]) -> String? {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal): text += literal
            case .attribute(let name): text += values[name] ?? ""
            }
        }
        let trimmed = text.trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed
    }
}
