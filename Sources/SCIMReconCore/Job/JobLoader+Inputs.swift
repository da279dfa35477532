import Yams

extension JobLoader {
    static let inputKeys = ["path", "format", "mode", "skip", "columns"]

    /// `inputs:`: a non-empty list of `{path, format, mode, skip, columns}`.
    static func parseInputs(_ document: YAMLSection) throws(JobFileError) -> [JobInput] {
        let node = try document.require("inputs")
        guard case .sequence(let items) = node else {
            throw document.error(at: node, "inputs: expected a list of inputs")
        }
        guard !items.isEmpty else { throw document.error(at: node, "inputs: expected at least one input") }
        var inputs: [JobInput] = []
        for item in items {
            inputs.append(try parseInput(try YAMLSection(file: document.file, keyPath: "inputs", node: item)))
        }
        return inputs
    }

    private static func parseInput(_ section: YAMLSection) throws(JobFileError) -> JobInput {
        try section.rejectUnknownKeys(inputKeys)
        let path = try section.string("path", required: true)!
        let format = try section.choice("format", InputFormat.self)
        let mode = try section.choice("mode", InputMode.self)
        if mode == .snapshot, let format, format != .csv, format != .scimList {
            throw section.error(
                section.line(of: "mode"),
                "inputs.mode: snapshot applies to csv and scim-list inputs, not \(format.rawValue)")
        }
        let skip = try section.int("skip", minimum: 0)
        let columns = try parseColumns(section)
        for key in ["skip", "columns"] where section.value(key) != nil {
            if let format, format != .csv {
                throw section.error(
                    section.line(of: key), "inputs.\(key): applies to csv inputs only, not \(format.rawValue)")
            }
        }
        return JobInput(
            path: path, format: format, mode: mode, skip: skip ?? 0, columns: columns, line: section.line,
            jobPath: section.file)
    }

    /// `columns:`: CSV header → SCIM path, each path checked like a mapping's.
    private static func parseColumns(_ input: YAMLSection) throws(JobFileError) -> [CSVColumn] {
        guard let section = try input.section("columns") else { return [] }
        var columns: [CSVColumn] = []
        for member in section.members {
            let keyPath = section.qualified(member.key)
            let path = try section.text(member.value, keyPath)
            do {
                _ = try SCIMPathReader.parse(path)
            } catch {
                throw section.error(at: member.value, "\(keyPath): \(error.message)")
            }
            columns.append(CSVColumn(column: member.key, path: path))
        }
        return columns
    }
}
