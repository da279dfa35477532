import SCIMKit

extension RunEngine {
    /// Reads a full export of the source's users (ListResponse, JSON array, or JSONL of resources)
    /// and creates or updates each; absent users are deprovisioned after all inputs are read.
    func readList(_ input: ResolvedInput, into reconciler: Reconciler) throws {
        let identity = try FileIdentity(path: input.path)
        let time = identity.modified
        var resources = 0
        let digests = RowDigest(mapping: settings.mapping)
        // Named once: the closures below would copy the whole input (its CSV columns) at each use.
        let path = input.path
        var parser = JSONParser()
        /// Whether the row changed nothing (its digest).
        @discardableResult
        func take(_ row: SnapshotPipeline.Row) throws -> Bool {
            reconciler.countRead()
            resources += 1
            // The bytes that gave the user as the store has it give it again: nothing to do.
            if try reconciler.skipUnchangedRow(row.digest, snapshot: true) { return true }
            let source = "\(path):\(row.line)"
            do {
                try applySnapshotUser(
                    try row.parsed(with: &parser).get(), prepared: row.prepared, time: time, source: source,
                    reconciler: reconciler, rowDigest: row.digest)
            } catch let error as IngestError {
                try reconciler.recordFailure(error, action: .update, time: time, source: source)
            }
            return false
        }
        let jsonLines = try Self.isJSONLines(path: path)
        let hint = SnapshotPipeline.ReadAhead()
        let pipeline = SnapshotPipeline.start(
            path: path, jsonLines: jsonLines, digests: digests, mapping: settings.mapping, hint: hint)
        defer { _ = pipeline.finish() }
        while var batch = pipeline.nextBatch() {
            try prefetchRowDigests(batch.map(\.digest))
            // The rows the store cannot answer for by digest are read in full: prepare those the
            // reader left as bytes, and ask for the users they may match at once.
            var changed: [IncomingUser] = []
            for index in batch.indices where try reconciler.userWritten(byRow: batch[index].digest) == nil {
                if batch[index].prepared == nil {
                    let resource = batch[index].parsed(with: &parser)
                    batch[index].resource = resource
                    if case .success(let object) = resource {
                        batch[index].prepared = Result { () throws(IngestError) in try reconciler.prepareUser(object) }
                    }
                }
                if case .success(let user)? = batch[index].prepared { changed.append(user) }
            }
            try prefetchRowMatches(changed)
            var unchanged = 0
            for row in batch where try take(row) { unchanged += 1 }
            // Mostly unchanged rows: the reader need not parse them (this thread parses the rest).
            hint.digestsOnly.store(unchanged * 2 > batch.count, ordering: .relaxed)
            if let end = batch.last?.end, end > 0 {
                self.progress?(RunProgress(records: reconciler.tally.read, bytesRead: end, bytesTotal: identity.size))
            }
        }
        let summary: SnapshotPipeline.Summary
        switch pipeline.finish() {
        case .finished(let finished): summary = finished
        case .failed(let error): throw error
        case .cancelled: summary = .init()  // (the reader stops early only once the run has stopped taking rows)
        }
        if jsonLines {
            if let partial = summary.trailing {
                let bytes = try FileIdentity.readBytes(path: path, offset: partial.start, count: partial.length)
                var parser = JSONParser()
                let row = bytes.withUnsafeBufferPointer {
                    SnapshotPipeline.prepare(
                        $0, line: partial.number, end: partial.start + Int64(partial.length), digests: digests,
                        mapping: settings.mapping, parser: &parser)
                }
                // A last line without its newline counts only when it is whole JSON.
                if case .failure(let error)? = row.resource, error.code == "record.invalid-json" {
                    snapshotProblems.append("\(path):\(partial.number): the file ends in an incomplete line")
                } else {
                    try take(row)
                }
            }
        } else {
            if summary.truncated {
                snapshotProblems.append("\(path): the document ends before it is closed (truncated)")
            } else if !summary.foundElements {
                throw IngestError(
                    code: "input.not-a-list",
                    message: "neither a ListResponse with Resources, a JSON array, nor JSON Lines of resources",
                    location: path)
            }
            let scalars = summary.topLevelScalars
            if let total = scalars["totalresults"].flatMap({ Int($0) }), total > resources {
                let start = scalars["startindex"].flatMap { Int($0) } ?? 1
                let perPage = scalars["itemsperpage"].flatMap { Int($0) }
                if start <= 1 && (perPage == nil || perPage! >= total) {
                    snapshotProblems.append(
                        "\(path): totalResults is \(total) but the file holds \(resources) resources")
                } else {
                    snapshotProblems.append(
                        "\(path): a page (startIndex \(start)) of a paged export of \(total) resources; "
                            + "a snapshot must hold every page")
                }
            }
        }
        if resources == 0 {
            snapshotProblems.append("\(input.path): the snapshot is empty")
        }
        inputsRead.append("\(input.path) [0-\(identity.size)]")
    }

    /// Asks the store about a chunk's row digests in one batch (`Reconciler.skipUnchangedRow`
    /// then asks nothing per row).
    func prefetchRowDigests(_ digests: [Fingerprint]) throws {
        guard !settings.match.contains(.id), !digests.isEmpty else { return }
        try store.prefetchRowDigests(app: settings.app, digests, unsharedKeys: settings.match)
    }

    /// Asks the store at once for the users a chunk of changed rows may match (`findUser` then
    /// answers from memory: no round trip per row on a networked store).
    func prefetchRowMatches(_ users: [IncomingUser]) throws {
        store.forgetPrefetchedMatches()
        try prefetchMatches(users, app: settings.app)
    }

    /// Whether a scim-list file is JSON Lines of resources rather than one document.
    static func isJSONLines(path: String) throws(IngestError) -> Bool {
        let head = try FileIdentity.readBytes(path: path, offset: 0, count: 1 << 16)
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }),
            bytes[first] == 0x7B
        else { return false }
        let lineEnd = bytes[first...].firstIndex(of: 0x0A) ?? bytes.endIndex
        guard let object = (try? JSONParser.parse(Array(bytes[first..<lineEnd])))?.objectValue else { return false }
        return object["Resources"] == nil
    }

    /// Creates or updates one user of a snapshot and marks it present.
    ///
    /// - Parameter prepared: the user the resource gives, when a reader thread prepared it already.
    func applySnapshotUser(
        _ object: JSONObject, prepared: Result<IncomingUser, IngestError>? = nil, time: Timestamp, source: String,
        reconciler: Reconciler, rowDigest: Fingerprint?
    ) throws {
        do {
            let incoming = try prepared?.get() ?? reconciler.prepareUser(object)
            var hash = StableHash()
            hash.combine(source)
            try reconciler.upsert(
                incoming, app: settings.app, preferredID: nil, time: time, source: source, fingerprint: hash.hex,
                snapshot: true, rowDigest: rowDigest)
        } catch let error as IngestError {
            // A row that fails still proves the user is in the source: never deprovision it for that.
            for key in [MatchKey.externalId, .userName] {
                let field = key == .externalId ? object["externalId"] : object["userName"]
                if let value = field?.stringValue, !value.isEmpty {
                    for user in try store.findUser(app: settings.app, by: key, value: value) {
                        try store.markSeen(app: settings.app, id: user.id, run: reconciler.run)
                    }
                }
            }
            throw error
        }
    }
}
