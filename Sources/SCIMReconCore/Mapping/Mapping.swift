import SCIMKit

/// How a SCIM User becomes a local user: one entry per local attribute (SPEC §2, §4).
///
/// Entries without a `default:` are computed first, in declaration order; entries with one are
/// computed after them, each after the attributes its template names, so a template always sees
/// final values. `userName` must come out non-empty; `active` must come out a boolean.
public struct Mapping: Sendable {
    /// The entries, one per local attribute.
    public var entries: [MappingEntry] {
        didSet {
            order = Mapping.evaluationOrder(entries)
            reads = entries.map(\.resourceMembers)
        }
    }

    /// Indices into `entries` in the order they are computed.
    private var order: [Int]
    /// For each entry, the top-level members (folded names) of a normal-form resource it reads;
    /// nil when that cannot be told, and the entry is then computed every time.
    private var reads: [Set<String>?]

    /// A mapping of `entries` (later entries replace earlier ones of the same local name).
    public init(entries: [MappingEntry]) {
        var unique: [MappingEntry] = []
        for entry in entries {
            if let index = unique.firstIndex(where: { $0.local == entry.local }) {
                unique[index] = entry
            } else {
                unique.append(entry)
            }
        }
        self.entries = unique
        order = Mapping.evaluationOrder(unique)
        reads = unique.map(\.resourceMembers)
    }

    /// The mapping of a run without a job file (SPEC §2): `userName`, `externalId`, `displayName`,
    /// `givenName` ← `name.givenName`, `familyName` ← `name.familyName`, `email` ← the primary
    /// email, else the work one, else the first (the path `emails`), and `active`.
    public static let `default` = Mapping(entries: [
        try! MappingEntry(local: "userName", from: ["userName"]),
        try! MappingEntry(local: "externalId", from: ["externalId"]),
        try! MappingEntry(local: "displayName", from: ["displayName"]),
        try! MappingEntry(local: "givenName", from: ["name.givenName"]),
        try! MappingEntry(local: "familyName", from: ["name.familyName"]),
        try! MappingEntry(local: "email", from: ["emails"]),
        try! MappingEntry(local: "active", from: ["active"]),
    ])

    /// The local attribute names, in declaration order.
    public var attributeNames: [String] { entries.map(\.local) }

    /// The entry for `local`, if any.
    public func entry(named local: String) -> MappingEntry? {
        entries.first { $0.local == local }
    }

    /// The local attributes of `resource`.
    ///
    /// Throws when `userName` comes out empty or `active` is not a boolean: that record fails,
    /// the run goes on.
    public func apply(to resource: JSONObject) throws(MappingError) -> LocalAttributes {
        var values: [String: String] = [:]
        for index in order {
            let entry = entries[index]
            values[entry.local] = entry.sourceValue(in: resource) ?? entry.defaultValue(values)
        }
        return try checked(values)
    }

    /// `active` as `true`/`false`, and a non-empty `userName` when it is mapped.
    private func checked(_ values: [String: String]) throws(MappingError) -> LocalAttributes {
        var values = values
        if let active = values["active"] {
            guard let flag = SCIMBoolean.parse(active, leniency: .text) else {
                throw MappingError(attribute: "active", message: "mapped active is not a boolean")
            }
            values["active"] = flag ? "true" : "false"
        }
        if entry(named: "userName") != nil, values["userName"]?.trimmingSpaces().isEmpty ?? true {
            throw MappingError(attribute: "userName", message: "mapped userName is empty")
        }
        return LocalAttributes(values)
    }

    /// The local attributes of `resource`, a PATCH result, as `apply(to:)` gives them, computing
    /// again only the entries that read a member in `changed` (folded names) or whose template
    /// reads an attribute that changed; the others keep their value in `previous`.
    ///
    /// `previous` must be this mapping's attributes of the resource before the PATCH (without
    /// `active`), and `changed` every top-level member the PATCH added, removed or altered.
    public func apply(
        to resource: JSONObject, reusing previous: [String: String], changed: Set<String>
    ) throws(MappingError) -> LocalAttributes {
        var values: [String: String] = [:]
        var changedLocals: Set<String> = []
        for index in order {
            let entry = entries[index]
            let stale =
                entry.local == "active" || reads[index].map { !$0.isDisjoint(with: changed) } ?? true
                || entry.templateAttributes.contains(where: changedLocals.contains)
            let value = stale ? entry.sourceValue(in: resource) ?? entry.defaultValue(values) : previous[entry.local]
            if value != previous[entry.local] { changedLocals.insert(entry.local) }
            values[entry.local] = value
        }
        return try checked(values)
    }

    /// Checks what `init` cannot: `userName` is mapped, every template names a mapped attribute,
    /// and templates do not depend on each other in a circle.
    public func validate() throws(MappingError) {
        guard entry(named: "userName") != nil else {
            throw MappingError(attribute: "userName", message: "userName is not mapped")
        }
        let names = Set(attributeNames)
        for entry in entries {
            for name in entry.templateAttributes where !names.contains(name) {
                throw MappingError(
                    attribute: entry.local, message: "template names unknown attribute '\(name)'")
            }
        }
        if let cycle = Mapping.firstCycle(entries) {
            throw MappingError(
                attribute: cycle, message: "template of '\(cycle)' depends on itself")
        }
    }

    // MARK: - Evaluation order

    /// Plain entries in declaration order, then templated ones after their dependencies.
    /// A cycle (which `validate` reports) is broken in declaration order.
    private static func evaluationOrder(_ entries: [MappingEntry]) -> [Int] {
        var order = entries.indices.filter { entries[$0].templateAttributes.isEmpty }
        var placed = Set(order)
        var visiting = Set<Int>()
        func visit(_ index: Int) {
            guard !placed.contains(index), !visiting.contains(index) else { return }
            visiting.insert(index)
            for name in entries[index].templateAttributes {
                if let dependency = entries.firstIndex(where: { $0.local == name }) { visit(dependency) }
            }
            visiting.remove(index)
            placed.insert(index)
            order.append(index)
        }
        for index in entries.indices { visit(index) }
        return order
    }

    /// The first entry whose template depends on itself, directly or through others.
    private static func firstCycle(_ entries: [MappingEntry]) -> String? {
        for start in entries where !start.templateAttributes.isEmpty {
            var seen = Set<String>()
            var pending = start.templateAttributes
            while let name = pending.popLast() {
                if name == start.local { return start.local }
                guard seen.insert(name).inserted, let next = entries.first(where: { $0.local == name }) else {
                    continue
                }
                pending += next.templateAttributes
            }
        }
        return nil
    }
}

extension Mapping {
    /// Adds everything that decides what this mapping gives, entry by entry in declaration order,
    /// to a row's digest (`RowDigest`): two mappings that combine alike map every resource alike.
    func combineDigest(into hash: inout StableHash) {
        for entry in entries {
            var parts = [entry.local, "\(entry.from.count)"] + entry.from
            switch entry.combine {
            case .coalesce: parts.append("coalesce")
            case .join(let separator): parts += ["join", separator]
            }
            for transform in entry.transforms {
                parts.append(transform.name)
                switch transform {
                case .left(let count): parts.append("\(count)")
                case .replace(let rule): parts += [rule.pattern, rule.replacement]
                case .prefix(let text), .suffix(let text): parts.append(text)
                case .lower, .upper, .trim, .stripSpaces, .normalizeDiacritics: break
                }
            }
            parts.append(entry.defaultTemplate.map { "default " + $0 } ?? "no default")
            // Each part with its length, so that no two lists of parts run together alike.
            for part in parts {
                hash.combine("\(part.utf8.count):")
                hash.combine(part)
            }
            hash.combine(";")
        }
    }
}
