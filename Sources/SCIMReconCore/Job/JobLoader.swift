import Foundation
import Yams

/// Reads job files (`jobs/*.yml`, `version: 1`) strictly into a `Job`.
///
/// Unknown keys at any level, missing required keys, wrong types, unknown formats, mappings to
/// paths SCIM cannot name and bad transforms are all `JobFileError`s that name the file, the
/// 1-based line and the dotted key. The first problem in the file is reported.
public enum JobLoader {
    /// The keys a job file may have at the top level.
    static let topLevelKeys = ["version", "name", "app", "store", "inputs", "match", "mapping", "policy", "reports"]

    /// Reads and parses the job file at `path` (as the user gave it).
    public static func load(path: String) throws(JobFileError) -> Job {
        let text: String
        do {
            text = try readText(path)
        } catch {
            throw JobFileError(path: path, line: nil, message: "cannot read: \(error.reason)")
        }
        return try parse(yaml: text, path: path)
    }

    /// Parses a job file's text; `path` is used in messages only.
    public static func parse(yaml: String, path: String) throws(JobFileError) -> Job {
        let root = try compose(yaml, path: path)
        let document = try YAMLSection(file: path, keyPath: "", node: root)
        try checkVersion(document)
        try document.rejectUnknownKeys(topLevelKeys)

        let name = try document.string("name", required: true)!
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw document.error(
                document.line(of: "name"), "name: expected letters, digits, '.', '_' or '-' (it names report files)")
        }
        let app = try document.string("app", required: true)!
        let store = try document.string("store")
        let inputs = try parseInputs(document)
        let mapping = try parseMapping(document)
        let match = try parseMatch(document, mapping: mapping)
        let policy = try parsePolicy(document)
        let reports = try parseReports(document)
        return Job(
            name: name, app: app, store: store, inputs: inputs, match: match, mapping: mapping, policy: policy,
            reports: reports, sourcePath: path)
    }

    // MARK: - Document

    private static func compose(_ yaml: String, path: String) throws(JobFileError) -> Node {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        } catch {
            throw JobFileError(path: path, line: nil, message: "not a yaml document")
        }
        guard let root, !YAMLSection.isNull(root) else {
            throw JobFileError(path: path, line: 1, message: "empty job file")
        }
        return root
    }

    /// Yams's error as a `file:line:` message, without the document text it carries.
    private static func syntaxError(_ error: YamlError, path: String) -> JobFileError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // A SCIM path with a value filter ends a plain scalar inside `{ }`: say how to fix it.
            let hint =
                context?.text.contains("flow") == true
                ? " (inside { } or [ ], quote values that contain [ ] { } or ,)" : ""
            return JobFileError(path: path, line: mark.line, message: "yaml syntax error: \(problem)\(hint)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return JobFileError(
                path: path, line: context.mark.line, message: "duplicate key '\(duplicates.first ?? "")'")
        case .reader:
            return JobFileError(path: path, line: nil, message: "not utf-8 text")
        default:
            return JobFileError(path: path, line: nil, message: "not a yaml document")
        }
    }

    private static func checkVersion(_ document: YAMLSection) throws(JobFileError) {
        let node = try document.require("version")
        guard let scalar = node.scalar, scalar.string == "1" else {
            let found = node.scalar.map { "'\($0.string)'" } ?? "a \(node.mapping != nil ? "map" : "list")"
            throw document.error(at: node, "version: unsupported version \(found) (this scimrecon reads version 1)")
        }
    }

    // MARK: - Match

    private static func parseMatch(_ document: YAMLSection, mapping: Mapping) throws(JobFileError) -> [MatchKey] {
        guard let node = document.value("match") else {
            // The default order leaves out a key whose attribute the job's mapping dropped.
            return MatchKey.defaultOrder.filter { mapping.entry(named: $0.rawValue) != nil }
        }
        let allowed = MatchKey.allCases.map(\.rawValue)
        let words = try document.stringList(node, "match")
        guard !words.isEmpty else {
            throw document.error(at: node, "match: expected at least one of \(YAMLSection.list(allowed))")
        }
        var keys: [MatchKey] = []
        for word in words {
            guard let key = MatchKey(rawValue: word) else {
                throw document.error(
                    at: node,
                    "match: unknown match key '\(word)'" + Suggestion.hint(for: word, in: allowed)
                        + " (expected \(YAMLSection.list(allowed)))")
            }
            guard !keys.contains(key) else { throw document.error(at: node, "match: '\(word)' is listed twice") }
            if key != .id, mapping.entry(named: key.rawValue) == nil {
                throw document.error(at: node, "match: '\(word)' is not a mapped attribute")
            }
            keys.append(key)
        }
        return keys
    }

    // MARK: - Reading the file

    /// Why a file could not be read: errno in words.
    struct ReadFailure: Error {
        var reason: String
    }

    /// The file's text, read with POSIX calls so that the error is errno, not a Foundation domain.
    static func readText(_ path: String) throws(ReadFailure) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ReadFailure(reason: describe(errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(reason: describe(errno))
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            // A job file is a few dozen lines; refuse to slurp something that is clearly not one.
            guard bytes.count <= 4 << 20 else { throw ReadFailure(reason: "larger than 4 MiB, not a job file") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadFailure(reason: "not utf-8 text")
        }
        return text
    }

    private static func describe(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "is a directory"
        case ENOTDIR: return "a parent is not a directory"
        default: return SystemErrorText.describe(code)
        }
    }
}
