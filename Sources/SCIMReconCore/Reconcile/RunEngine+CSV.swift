import SCIMKit

extension RunEngine {
    /// Imports a CSV user export: each row becomes a SCIM user built from its column paths.
    func readCSV(_ input: ResolvedInput, into reconciler: Reconciler) throws {
        let identity = try FileIdentity(path: input.path)
        let reader: CSVReader
        do {
            reader = try CSVReader(path: input.path, skipLines: input.skip)
        } catch {
            throw IngestError(code: "input.unreadable", message: "\(error)", location: input.path)
        }
        let plan = try CSVRowBuilder(header: reader.header, columns: input.columns, path: input.path)
        warnings.append(contentsOf: plan.warnings)
        var rows = 0
        // Rows are prepared a chunk at a time, so the users they match are asked of the store in
        // one batched look-up per key (a round trip per row on a networked store), then applied
        // in file order.
        var pending: [(source: String, row: Result<IncomingUser, IngestError>?, resource: JSONObject?)] = []
        var pendingEnd: Int64 = 0
        func applyPending() throws {
            if !input.isSnapshot {
                store.forgetPrefetchedMatches()
                try prefetchMatches(pending.compactMap { try? $0.row?.get() }, app: settings.app)
            }
            for item in pending {
                do {
                    if let resource = item.resource {
                        try applySnapshotUser(
                            resource, time: identity.modified, source: item.source, reconciler: reconciler)
                    } else if let row = item.row {
                        try reconciler.upsert(
                            try row.get(), app: settings.app, preferredID: nil, time: identity.modified,
                            source: item.source, fingerprint: item.source, snapshot: false, stateful: true)
                    }
                } catch let error as IngestError {
                    try reconciler.recordFailure(error, time: identity.modified, source: item.source)
                }
            }
            pending.removeAll(keepingCapacity: true)
            self.progress?(
                RunProgress(records: reconciler.tally.read, bytesRead: pendingEnd, bytesTotal: identity.size))
        }
        do {
            try reader.forEachRecord { record in
                let source = "\(input.path):\(record.line)"
                reconciler.countRead()
                rows += 1
                do {
                    if let problem = record.problem { throw IngestError.csv(problem) }
                    let resource = try plan.resource(from: record.fields)
                    if input.isSnapshot {
                        pending.append((source, nil, resource))
                    } else {
                        pending.append(
                            (source, Result { () throws(IngestError) in try reconciler.prepareUser(resource) }, nil))
                    }
                } catch let error as IngestError {
                    pending.append((source, .failure(error), nil))
                }
                pendingEnd = Int64(record.endOffset)
                if pending.count >= 128 { try applyPending() }
                return true
            }
            try applyPending()
        } catch let error as IngestError {
            throw error
        } catch let error as AbortRun {
            throw error
        } catch let error as StoreError {
            throw error
        } catch {
            throw IngestError(code: "input.unreadable", message: "\(error)", location: input.path)
        }
        if input.isSnapshot && rows == 0 {
            snapshotProblems.append("\(input.path): the snapshot is empty")
        }
        inputsRead.append("\(input.path) [0-\(identity.size)]")
    }
}

/// Turns CSV rows into SCIM user resources, one PATCH `add` per non-empty cell.
struct CSVRowBuilder {
    /// For each header position: the SCIM path it fills, or nil (ignored column).
    let paths: [AttributePath?]
    let activeColumns: Set<Int>
    var warnings: [String] = []

    init(header: [String], columns: [CSVColumn], path: String) throws(IngestError) {
        var paths: [AttributePath?] = []
        var active = Set<Int>()
        var warnings: [String] = []
        for (index, name) in header.enumerated() {
            let scimPath: String?
            if columns.isEmpty {
                scimPath = name.trimmingSpaces()
            } else {
                scimPath = columns.first { $0.column == name || $0.column.caseInsensitiveEquals(name) }?.path
            }
            guard let scimPath, !scimPath.isEmpty else {
                paths.append(nil)
                continue
            }
            do {
                let parsed = try AttributePath.parse(scimPath)
                paths.append(parsed)
                if parsed.attribute.caseInsensitiveEquals("active"), parsed.subAttribute == nil { active.insert(index) }
            } catch {
                if columns.isEmpty {
                    warnings.append("\(path): column '\(name)' is not a SCIM path; ignored")
                    paths.append(nil)
                } else {
                    throw IngestError(
                        code: "csv.invalid-path", message: "column '\(name)' maps to an invalid SCIM path",
                        location: path, kind: .usage)
                }
            }
        }
        for column in columns where !header.contains(where: { $0.caseInsensitiveEquals(column.column) }) {
            throw IngestError(
                code: "csv.missing-column", message: "the header has no column '\(column.column)' named in the job",
                location: path, kind: .input)
        }
        self.paths = paths
        self.activeColumns = active
        self.warnings = warnings
    }

    /// The row as a user: one `add` per mapped cell, applied to an empty user. The paths are the
    /// header's, parsed once (each row used to spell them out and parse them again: a quarter of
    /// a CSV import's time).
    func resource(from fields: [String]) throws(IngestError) -> JSONObject {
        var operations: [PatchOperation] = []
        for (index, field) in fields.enumerated() {
            guard index < paths.count, let path = paths[index] else { continue }
            let cell = field.trimmingSpaces()
            guard !cell.isEmpty else { continue }
            var value = JSONValue.string(cell)
            if activeColumns.contains(index) {
                guard let flag = SCIMBoolean.parse(cell, leniency: .text) else {
                    throw IngestError.rule(
                        "csv.invalid-boolean",
                        "the active column holds none of true/false, yes/no, 1/0, enabled/disabled")
                }
                value = .bool(flag)
            }
            operations.append(PatchOperation(op: .add, path: path, value: value))
        }
        let base: JSONObject = JSONObject(["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]])
        do {
            return try PatchApplier.apply(PatchRequest(operations: operations), to: base, type: .user)
        } catch let error as SCIMError {
            throw IngestError.scim(error)
        } catch {
            throw .rule("csv.invalid-row", "the row does not form a valid user")
        }
    }
}

extension IngestError {
    /// A CSV row problem as a record failure: `csv.ragged-row` or `csv.invalid-utf8`.
    static func csv(_ problem: CSVRecordProblem) -> IngestError {
        switch problem {
        case .fieldCount: return .rule("csv.ragged-row", "\(problem)")
        case .invalidUTF8: return .rule("csv.invalid-utf8", "\(problem)")
        }
    }
}
