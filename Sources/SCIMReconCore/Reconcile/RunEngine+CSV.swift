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
        let digests = RowDigest(mapping: settings.mapping, layout: plan.layout)
        let (path, isSnapshot) = (input.path, input.isSnapshot)
        // Rows are read, built and mapped on a second thread, and applied here a chunk at a time:
        // the users they match are asked of the store in one batched look-up per key (a round trip
        // per row on a networked store), then the rows are applied in file order.
        let pipeline = CSVRowPipeline.start(
            reader, plan: plan, mapping: settings.mapping, digests: digests, snapshot: isSnapshot)
        defer { _ = pipeline.finish() }
        func apply(_ chunk: [CSVRowPipeline.Row]) throws {
            try prefetchRowDigests(chunk.compactMap(\.digest))
            // A row whose digest the store has is likely unchanged: no need to look it up.
            var changed: [IncomingUser] = []
            for row in chunk {
                if let digest = row.digest, try reconciler.userWritten(byRow: digest) != nil { continue }
                switch row.user {
                case .success(.incoming(let incoming)), .success(.resource(_, .success(let incoming))):
                    changed.append(incoming)
                default: continue
                }
            }
            try prefetchRowMatches(changed)
            for row in chunk {
                let source = "\(path):\(row.line)"
                reconciler.countRead()
                rows += 1
                do {
                    if let digest = row.digest, try reconciler.skipUnchangedRow(digest, snapshot: isSnapshot) {
                        continue
                    }
                    switch try row.user.get() {
                    case .resource(let resource, let prepared):
                        try applySnapshotUser(
                            resource, prepared: prepared, time: identity.modified, source: source,
                            reconciler: reconciler, rowDigest: row.digest)
                    case .incoming(let incoming):
                        try reconciler.upsert(
                            incoming, app: settings.app, preferredID: nil, time: identity.modified, source: source,
                            fingerprint: source, snapshot: false, stateful: true, rowDigest: row.digest)
                    }
                } catch let error as IngestError {
                    try reconciler.recordFailure(error, time: identity.modified, source: source)
                }
            }
            if let last = chunk.last {
                self.progress?(
                    RunProgress(
                        records: reconciler.tally.read, bytesRead: Int64(last.endOffset), bytesTotal: identity.size))
            }
        }
        while let chunk = pipeline.nextBatch() { try apply(chunk) }
        if case .failed(let message) = pipeline.finish() {
            throw IngestError(code: "input.unreadable", message: message, location: path)
        }
        if input.isSnapshot && rows == 0 {
            snapshotProblems.append("\(input.path): the snapshot is empty")
        }
        inputsRead.append("\(input.path) [0-\(identity.size)]")
    }
}

/// Turns CSV rows into SCIM user resources, one PATCH `add` per non-empty cell.
struct CSVRowBuilder: Sendable {
    /// For each header position: the SCIM path it fills, or nil (ignored column).
    let paths: [AttributePath?]
    let activeColumns: Set<Int>
    var warnings: [String] = []

    /// What the header decides about every row, for its digest (`RowDigest`): each position's
    /// path, and which ones hold `active`.
    var layout: String {
        paths.enumerated().map { index, path in
            guard let path else { return "-" }
            return (activeColumns.contains(index) ? "active " : "") + "\(path)"
        }.joined(separator: "\u{1}")
    }

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
