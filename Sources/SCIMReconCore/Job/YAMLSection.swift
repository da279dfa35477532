import Yams

/// One YAML mapping of a job file, read strictly: every problem becomes a `file:line:` error that
/// names the dotted key path (`policy.delete_deactivated`).
struct YAMLSection {
    /// The job file as the user named it.
    let file: String
    /// The dotted path of this mapping (empty for the document root).
    let keyPath: String
    let node: Node.Mapping

    /// The line the mapping starts on.
    var line: Int { node.mark?.line ?? 1 }

    /// The members in document order: key text, key line, value.
    var members: [(key: String, line: Int, value: Node)] {
        node.map { pair in (pair.key.scalar?.string ?? "", pair.key.mark?.line ?? line, pair.value) }
    }

    /// Wraps `node` as the mapping at `keyPath`, or throws when it is not a mapping.
    init(file: String, keyPath: String, node: Node) throws(JobFileError) {
        guard case .mapping(let mapping) = node else {
            let message = keyPath.isEmpty ? "expected a map of job keys" : "\(keyPath): expected a map of keys"
            throw JobFileError(path: file, line: node.mark?.line, message: message)
        }
        for (key, _) in mapping where key.scalar == nil {
            throw JobFileError(
                path: file, line: key.mark?.line,
                message: "\(keyPath.isEmpty ? "job" : keyPath): expected plain key names")
        }
        self.file = file
        self.keyPath = keyPath
        self.node = mapping
    }

    /// `keyPath.key`.
    func qualified(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

    /// An error on `line` (this mapping's own line when nil).
    func error(_ line: Int?, _ message: String) -> JobFileError {
        JobFileError(path: file, line: line ?? self.line, message: message)
    }

    /// An error on the line of `node`.
    func error(at node: Node, _ message: String) -> JobFileError {
        error(node.mark?.line, message)
    }

    /// Throws for the first key that is not in `known`, suggesting the nearest known one.
    func rejectUnknownKeys(_ known: [String]) throws(JobFileError) {
        for member in members where !known.contains(member.key) {
            throw error(
                member.line, "unknown key '\(qualified(member.key))'" + Suggestion.hint(for: member.key, in: known))
        }
    }

    /// The value of `key`, or nil when it is absent.
    func value(_ key: String) -> Node? {
        members.first { $0.key == key }?.value
    }

    /// The line `key` is written on, or this mapping's line when absent.
    func line(of key: String) -> Int {
        members.first { $0.key == key }?.line ?? line
    }

    /// The value of `key`, or throws `missing key` on this mapping's line.
    func require(_ key: String) throws(JobFileError) -> Node {
        guard let value = value(key) else { throw error(nil, "missing key '\(qualified(key))'") }
        return value
    }

    /// The nested mapping at `key`, if present.
    func section(_ key: String) throws(JobFileError) -> YAMLSection? {
        guard let value = value(key) else { return nil }
        return try YAMLSection(file: file, keyPath: qualified(key), node: value)
    }

    /// A non-empty string at `key`; any scalar but null is taken as text.
    func string(_ key: String, required: Bool = false) throws(JobFileError) -> String? {
        guard let node = required ? try require(key) : value(key) else { return nil }
        let string = try text(node, qualified(key))
        guard !string.isEmpty else { throw error(at: node, "\(qualified(key)): expected a non-empty string") }
        return string
    }

    /// `true` or `false` at `key`.
    func bool(_ key: String) throws(JobFileError) -> Bool? {
        guard let node = value(key) else { return nil }
        switch node.scalar.flatMap({ $0.style == .plain ? $0.string : nil }) {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error(at: node, "\(qualified(key)): expected true or false")
        }
    }

    /// A whole number at `key`, at least `minimum`.
    func int(_ key: String, minimum: Int) throws(JobFileError) -> Int? {
        guard let node = value(key) else { return nil }
        guard let scalar = node.scalar, scalar.style == .plain, let number = Int(scalar.string), number >= minimum
        else {
            throw error(at: node, "\(qualified(key)): expected a whole number, \(minimum) or more")
        }
        return number
    }

    /// One of `Value`'s raw values at `key`.
    func choice<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type) throws(JobFileError)
        -> Value?
    where Value.RawValue == String {
        guard let node = value(key) else { return nil }
        let allowed = Value.allCases.map(\.rawValue)
        let word = try text(node, qualified(key))
        guard let value = Value(rawValue: word) else {
            throw error(
                at: node,
                "\(qualified(key)): unknown value '\(word)'" + Suggestion.hint(for: word, in: allowed)
                    + " (expected \(YAMLSection.list(allowed)))")
        }
        return value
    }

    /// A list of strings at `key`; a single string is a list of one.
    func strings(_ key: String) throws(JobFileError) -> [String]? {
        guard let node = value(key) else { return nil }
        return try stringList(node, qualified(key))
    }

    /// The text of a scalar node that is not null.
    func text(_ node: Node, _ path: String) throws(JobFileError) -> String {
        guard let scalar = node.scalar, !YAMLSection.isNull(scalar) else {
            throw error(at: node, "\(path): expected a string")
        }
        return scalar.string
    }

    /// The texts of a sequence of scalars, or of one scalar.
    func stringList(_ node: Node, _ path: String) throws(JobFileError) -> [String] {
        guard case .sequence(let sequence) = node else { return [try text(node, path)] }
        var texts: [String] = []
        for item in sequence {
            guard let scalar = item.scalar, !YAMLSection.isNull(scalar) else {
                throw error(at: item, "\(path): expected a list of strings")
            }
            texts.append(scalar.string)
        }
        return texts
    }

    /// Whether a scalar is YAML's null (`~`, `null` or nothing), as opposed to a quoted string.
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Whether a node is YAML's null.
    static func isNull(_ node: Node) -> Bool {
        node.scalar.map(isNull) ?? false
    }

    /// `a, b, c or d`, for messages.
    static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}
