import SCIMKit

/// One local attribute and how it is computed from a SCIM resource.
///
/// The value is read from the `from` paths (combined per `combine`), then every transform runs in
/// order. When that gives nothing, `defaultTemplate` is rendered over the other local attributes
/// and the transforms run on it too. An empty result is no value.
public struct MappingEntry: Sendable {
    /// The local attribute name (`userName`, `email`, or a custom one).
    public var local: String
    /// The transforms, in order.
    public var transforms: [Transform]
    /// How several `from` paths become one value.
    public var combine: SourceCombination
    /// Where the entry was declared in its job file (0 for built-in entries), for messages.
    public var line: Int

    private var fromPaths: [String]
    private var defaultTemplateText: String?
    /// The parsed source paths; a path that does not parse reads nothing.
    private(set) var sources: [SCIMPathReader.Path?]
    private(set) var template: MappingTemplate?

    /// Creates an entry; throws when a path or the template is not valid.
    public init(
        local: String, from: [String] = [], combine: SourceCombination = .coalesce, transforms: [Transform] = [],
        defaultTemplate: String? = nil, line: Int = 0
    ) throws(MappingError) {
        self.local = local
        self.combine = combine
        self.transforms = transforms
        self.line = line
        var sources: [SCIMPathReader.Path?] = []
        for path in from {
            do {
                sources.append(try SCIMPathReader.parse(path))
            } catch {
                throw MappingError(attribute: local, message: error.message)
            }
        }
        self.sources = sources
        do {
            template = try defaultTemplate.map(MappingTemplate.init)
        } catch {
            throw MappingError(attribute: local, message: error.message)
        }
        self.defaultTemplateText = defaultTemplate
        self.fromPaths = from
    }

    /// The SCIM paths the value is read from; several for `coalesce` or `join`.
    ///
    /// A path set here that does not parse reads nothing; `init` reports it instead.
    public var from: [String] {
        get { fromPaths }
        set {
            fromPaths = newValue
            sources = newValue.map { try? SCIMPathReader.parse($0) }
        }
    }

    /// The `default:` template, e.g. `{givenName} {familyName}`, used when the paths give nothing.
    public var defaultTemplate: String? {
        get { defaultTemplateText }
        set {
            defaultTemplateText = newValue
            template = newValue.flatMap { try? MappingTemplate($0) }
        }
    }

    /// The top-level members (folded names) of a normal-form User that the `from` paths read: a
    /// core attribute's name, a known extension's URN. Nil when that cannot be told (an unknown
    /// extension, whose attributes may sit under its URN or beside it) or when a path reads a
    /// member the run sets itself (`id`, `active`, `meta`, `schemas`).
    var resourceMembers: Set<String>? {
        var members: Set<String> = []
        for case let source? in sources {
            let path = source.path
            if let urn = path.schemaURN, urn.lowercased() != SCIMSchema.userURN.lowercased() {
                guard let schema = SCIMSchema.schema(urn: urn) else { return nil }
                members.insert(schema.id.lowercased())
            } else {
                let name = path.attribute.lowercased()
                if ["id", "active", "meta", "schemas"].contains(name) { return nil }
                members.insert(name)
            }
        }
        return members
    }

    /// The local attributes the default template reads.
    public var templateAttributes: [String] { template?.attributes ?? [] }

    /// The value read from the resource and transformed, before any default.
    func sourceValue(in resource: JSONObject) -> String? {
        var found: [String] = []
        for case let path? in sources {
            let values = SCIMPathReader.values(at: path, in: resource)
            guard let text = MappedValue.string(from: values, isBoolean: path.isBoolean), !text.isEmpty else {
                continue
            }
            found.append(text)
            if case .coalesce = combine { break }
        }
        guard !found.isEmpty else { return nil }
        switch combine {
        case .coalesce: return transformed(found[0])
        case .join(let separator): return transformed(found.joined(separator: separator))
        }
    }

    /// The default template rendered over `values` and transformed.
    func defaultValue(_ values: [String: String]) -> String? {
        template?.render(values).flatMap(transformed)
    }

    private func transformed(_ value: String) -> String? {
        let result = transforms.reduce(value) { $1.apply(to: $0) }
        return result.isEmpty ? nil : result
    }
}

/// How the values of several source paths become one.
public enum SourceCombination: Sendable, Hashable {
    /// The first path that has a non-empty value (`coalesce: [a, b]`, or `from: [a, b]`).
    case coalesce
    /// Every non-empty value, joined with the separator (`join: { from: [a, b], separator: " " }`).
    case join(String)
}
