import Yams

extension JobLoader {
    static let mappingEntryKeys = ["from", "coalesce", "join", "transform", "default"]
    static let joinKeys = ["from", "separator"]
    static let replaceKeys = ["pattern", "with"]
    /// Names the local store or its reports use for something else.
    static let reservedAttributes = ["id", "app", "groups", "scim"]

    /// `mapping:` laid over the default mapping: an entry replaces the default entry of the same
    /// local name, `name: ~` drops a default entry, other names add custom attributes.
    static func parseMapping(_ document: YAMLSection) throws(JobFileError) -> Mapping {
        guard let section = try document.section("mapping") else { return .default }
        var entries = Mapping.default.entries
        var defaultLines: [String: Int] = [:]
        for member in section.members {
            let keyPath = section.qualified(member.key)
            try checkAttributeName(member.key, line: member.line, section)
            if YAMLSection.isNull(member.value) {
                guard member.key != "userName" else {
                    throw section.error(member.line, "\(keyPath): userName is required and cannot be removed")
                }
                guard let index = entries.firstIndex(where: { $0.local == member.key }) else {
                    throw section.error(
                        member.line, "\(keyPath): ~ removes a default attribute, and '\(member.key)' is not one")
                }
                entries.remove(at: index)
                continue
            }
            let (entry, defaultLine) = try parseEntry(member.key, line: member.line, node: member.value, section)
            defaultLines[member.key] = defaultLine
            if let index = entries.firstIndex(where: { $0.local == member.key }) {
                entries[index] = entry
            } else {
                entries.append(entry)
            }
        }
        let mapping = Mapping(entries: entries)
        let names = mapping.attributeNames
        for entry in mapping.entries {
            for name in entry.templateAttributes where !names.contains(name) {
                throw section.error(
                    defaultLines[entry.local] ?? entry.line,
                    "mapping.\(entry.local).default: unknown attribute '{\(name)}' in template"
                        + Suggestion.hint(for: name, in: names))
            }
        }
        do {
            try mapping.validate()
        } catch {
            let line = defaultLines[error.attribute] ?? mapping.entry(named: error.attribute)?.line
            throw section.error(line, "mapping.\(error.attribute): \(error.message)")
        }
        return mapping
    }

    private static func checkAttributeName(_ name: String, line: Int, _ section: YAMLSection) throws(JobFileError) {
        let keyPath = section.qualified(name)
        let valid =
            name.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        guard valid else {
            throw section.error(line, "\(keyPath): attribute names use letters, digits, '_' and '-'")
        }
        if name.lowercased() == "password" {
            throw section.error(line, "\(keyPath): a password is never stored")
        }
        if reservedAttributes.contains(name.lowercased()) {
            throw section.error(line, "\(keyPath): '\(name)' is reserved for the store's own field")
        }
        let known = Mapping.default.attributeNames
        if !known.contains(name), let wellKnown = known.first(where: { $0.lowercased() == name.lowercased() }) {
            throw section.error(line, "\(keyPath): attribute names are case-sensitive (did you mean '\(wellKnown)'?)")
        }
    }

    private static func parseEntry(
        _ local: String, line: Int, node: Node, _ parent: YAMLSection
    ) throws(JobFileError) -> (MappingEntry, defaultLine: Int?) {
        let keyPath = parent.qualified(local)
        var defaultLine: Int?
        var paths: [(String, Node)] = []
        var combine = SourceCombination.coalesce
        var transforms: [Transform] = []
        var template: String?
        if node.scalar != nil {
            paths = [(try parent.text(node, keyPath), node)]
        } else {
            guard node.mapping != nil else {
                throw parent.error(at: node, "\(keyPath): expected a scim path or a map")
            }
            let section = try YAMLSection(file: parent.file, keyPath: keyPath, node: node)
            try section.rejectUnknownKeys(mappingEntryKeys)
            let sources = ["from", "coalesce", "join"].filter { section.value($0) != nil }
            guard sources.count <= 1 else {
                throw section.error(
                    section.line(of: sources[1]),
                    "\(keyPath): use one of from, coalesce or join, not \(sources[0]) and \(sources[1])")
            }
            if let from = section.value("from") {
                paths = try pathNodes(from, "\(keyPath).from", section)
            } else if let coalesce = section.value("coalesce") {
                paths = try pathNodes(coalesce, "\(keyPath).coalesce", section)
            } else if let join = try section.section("join") {
                try join.rejectUnknownKeys(joinKeys)
                paths = try pathNodes(try join.require("from"), "\(keyPath).join.from", join)
                let separatorNode = join.value("separator")
                combine = .join(separatorNode.flatMap { $0.scalar?.string } ?? " ")
            }
            if let node = section.value("transform") {
                transforms = try parseTransforms(node, "\(keyPath).transform", section)
            }
            template = try section.string("default")
            defaultLine = section.value("default")?.mark?.line
            guard !paths.isEmpty || template != nil else {
                throw section.error(nil, "\(keyPath): needs from, coalesce, join or default")
            }
        }
        for (path, pathNode) in paths {
            do throws(SCIMPathProblem) {
                let parsed = try SCIMPathReader.parse(path)
                if parsed.isPassword {
                    throw SCIMPathProblem("a password is never stored")
                }
            } catch {
                throw parent.error(at: pathNode, "\(keyPath): \(error.message)")
            }
        }
        do {
            let entry = try MappingEntry(
                local: local, from: paths.map(\.0), combine: combine, transforms: transforms,
                defaultTemplate: template, line: line)
            return (entry, defaultLine)
        } catch {
            throw parent.error(defaultLine ?? line, "\(keyPath).default: \(error.message)")
        }
    }

    /// One path or a non-empty list of paths, each with its node (for the line).
    private static func pathNodes(_ node: Node, _ keyPath: String, _ section: YAMLSection) throws(JobFileError)
        -> [(String, Node)]
    {
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        guard !items.isEmpty else { throw section.error(at: node, "\(keyPath): expected at least one scim path") }
        var paths: [(String, Node)] = []
        for item in items {
            paths.append((try section.text(item, keyPath), item))
        }
        return paths
    }
}
