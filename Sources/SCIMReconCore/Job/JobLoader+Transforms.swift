import Yams

extension JobLoader {
    /// `transform:`: one transform or a list; a bare name, or a one-key map for those that take
    /// an argument (`left: 8`, `prefix: "x-"`, `suffix: "-y"`, `replace: {pattern, with}`).
    static func parseTransforms(_ node: Node, _ keyPath: String, _ section: YAMLSection) throws(JobFileError)
        -> [Transform]
    {
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        var transforms: [Transform] = []
        for item in items {
            transforms.append(try parseTransform(item, keyPath, section))
        }
        return transforms
    }

    private static func parseTransform(_ node: Node, _ keyPath: String, _ section: YAMLSection) throws(JobFileError)
        -> Transform
    {
        let name: String
        var argument: Node?
        switch node {
        case .scalar(let scalar) where !YAMLSection.isNull(scalar):
            name = scalar.string
        case .mapping(let mapping) where mapping.count == 1:
            guard let key = mapping.keys.first?.scalar?.string else {
                throw section.error(at: node, "\(keyPath): expected a transform name")
            }
            name = key
            argument = mapping.values.first
        case .mapping:
            throw section.error(at: node, "\(keyPath): one transform per list item")
        default:
            throw section.error(at: node, "\(keyPath): expected a transform name or a one-key map")
        }
        guard Transform.names.contains(name) else {
            throw section.error(
                at: node, "\(keyPath): unknown transform '\(name)'" + Suggestion.hint(for: name, in: Transform.names))
        }
        switch (name, argument) {
        case ("lower", nil): return .lower
        case ("upper", nil): return .upper
        case ("trim", nil): return .trim
        case ("strip_spaces", nil): return .stripSpaces
        case ("normalize_diacritics", nil): return .normalizeDiacritics
        case ("lower", _?), ("upper", _?), ("trim", _?), ("strip_spaces", _?), ("normalize_diacritics", _?):
            throw section.error(at: node, "\(keyPath): \(name) takes no argument")
        case ("left", let argument?):
            guard let scalar = argument.scalar, scalar.style == .plain, let count = Int(scalar.string), count >= 1
            else {
                throw section.error(at: argument, "\(keyPath): left expects a whole number, 1 or more")
            }
            return .left(count)
        case ("prefix", let argument?):
            return .prefix(try section.text(argument, "\(keyPath).prefix"))
        case ("suffix", let argument?):
            return .suffix(try section.text(argument, "\(keyPath).suffix"))
        case ("replace", let argument?):
            return try parseReplace(argument, "\(keyPath).replace", section)
        default:
            throw section.error(at: node, "\(keyPath): \(name) needs an argument (\(name): …)")
        }
    }

    private static func parseReplace(_ node: Node, _ keyPath: String, _ parent: YAMLSection) throws(JobFileError)
        -> Transform
    {
        let section = try YAMLSection(file: parent.file, keyPath: keyPath, node: node)
        try section.rejectUnknownKeys(replaceKeys)
        let pattern = try section.string("pattern", required: true)!
        let replacement = section.value("with").flatMap { YAMLSection.isNull($0) ? "" : $0.scalar?.string } ?? ""
        if let with = section.value("with"), with.scalar == nil {
            throw section.error(at: with, "\(keyPath).with: expected a string")
        }
        do {
            return .replace(try ReplaceRule(pattern: pattern, with: replacement))
        } catch {
            throw section.error(section.line(of: "pattern"), "\(keyPath).pattern: \(error.message)")
        }
    }
}
