import SCIMKit

#if canImport(Glibc)
    import Glibc
#endif

extension RunEngine {
    /// Reads one input into the reconciler, by format.
    func read(_ input: ResolvedInput, into reconciler: Reconciler) throws {
        phase?(.reading(path: input.path))
        switch input.format {
        case .scimLog: try readLog(input, into: reconciler)
        case .scimBulk: try readBulk(input, into: reconciler)
        case .scimList: try readList(input, into: reconciler)
        case .csv: try readCSV(input, into: reconciler)
        case .graphLogs: try readGraphLogs(input, into: reconciler)
        }
    }

    /// Replays a request log, from its checkpoint when the file only grew since the last run.
    func readLog(_ input: ResolvedInput, into reconciler: Reconciler) throws {
        let identity = try FileIdentity(path: input.path)
        var startOffset: Int64 = 0
        var startLine = 1
        if options.useCheckpoints, !options.full,
            let checkpoint = try store.checkpoint(job: settings.job, path: input.path)
        {
            if checkpoint.device == identity.device, checkpoint.inode == identity.inode,
                identity.size >= checkpoint.offset,
                try FileIdentity.checksum(path: input.path, upTo: checkpoint.offset) == checkpoint.checksum
            {
                startOffset = checkpoint.offset
                startLine = checkpoint.line + 1
            } else {
                warnings.append(
                    "\(input.path): rotated or rewritten since the last run; read from the start "
                        + "(records already applied are recognised and not applied again)")
            }
        }
        // Lines are read and decoded on a second thread, a few batches ahead; they are applied
        // here, one by one, in the file's order. A batch is what the store is asked about at once.
        let pipeline = LogLinePipeline(
            path: input.path, startOffset: startOffset, startLine: startLine, mapping: settings.mapping,
            batchSize: max(1, store.prefetchRecords))
        var consumedOffset = startOffset
        var consumedLine = startLine - 1
        while let batch = pipeline.nextBatch() {
            do {
                // What the batch needs from the store, asked in two batched look-ups, not one a line.
                try prefetch(batch, reconciler: reconciler)
                for line in batch {
                    try failPoints.reach(.reading)
                    try apply(line, input: input, reconciler: reconciler)
                    consumedOffset = line.end
                    consumedLine = line.number
                }
            } catch {
                _ = pipeline.finish()
                throw error
            }
            if let last = batch.last {
                progress?(RunProgress(records: reconciler.tally.read, bytesRead: last.end, bytesTotal: identity.size))
            }
        }
        let trailing: (number: Int, start: Int64, length: Int)?
        switch pipeline.finish() {
        case .endOfFile(let partial): trailing = partial
        case .cannotOpen(let message):
            throw IngestError(code: "input.unreadable", message: message, location: input.path)
        case .failed(let error):
            throw IngestError(
                code: "input.unreadable", message: error.message,
                location: error.line.map { "\(input.path):\($0)" } ?? input.path)
        case .cancelled: trailing = nil
        }
        if let partial = trailing, partial.length > pipeline.maxLineLength {
            warnings.append(
                "\(input.path):\(partial.number): the last line is incomplete and longer than "
                    + "\(pipeline.maxLineLength) bytes; left for the next run")
        } else if let partial = trailing {
            // A last line without its newline is replayed only when it is a whole JSON value; a
            // half-written one is left for the next run and never consumed.
            let bytes = try FileIdentity.readBytes(path: input.path, offset: partial.start, count: partial.length)
            var parser = JSONParser()
            var paths = AttributePathCache()
            let prepared = bytes.withUnsafeBufferPointer { buffer in
                PreparedLine.prepare(
                    buffer, number: partial.number, end: partial.start + Int64(partial.length), path: input.path,
                    mapping: settings.mapping, parser: &parser, paths: &paths)
            }
            if case .invalid(let error) = prepared.content, error.code == PreparedLine.invalidJSON {
                warnings.append(
                    "\(input.path):\(partial.number): the last line is incomplete (no newline, not valid JSON); "
                        + "left for the next run")
            } else {
                try apply(prepared, input: input, reconciler: reconciler)
                consumedOffset = prepared.end
                consumedLine = partial.number
            }
        }
        inputsRead.append("\(input.path) [\(startOffset)-\(consumedOffset)]")
        if options.useCheckpoints {
            try failPoints.reach(.checkpoint)
            try store.saveCheckpoint(
                job: settings.job,
                Checkpoint(
                    path: input.path, device: identity.device, inode: identity.inode, offset: consumedOffset,
                    line: consumedLine, checksum: try FileIdentity.checksum(path: input.path, upTo: consumedOffset)))
        }
    }

    /// Applies one prepared log line: recognise a record applied before, record a failure, or apply.
    func apply(_ line: PreparedLine, input: ResolvedInput, reconciler: Reconciler) throws {
        let request: SCIMRequest
        let work: PreparedWork
        switch line.content {
        case .blank: return
        case .oversized(let maxLineLength):
            // One hostile or corrupt line fails alone, like any bad record; reading goes on.
            reconciler.countRead()
            try reconciler.recordFailure(
                IngestError.rule("record.too-long", "the line is longer than \(maxLineLength) bytes; skipped"),
                source: "\(input.path):\(line.number)")
            return
        case .invalid(let error):
            reconciler.countRead()
            guard try !alreadyApplied(line.fingerprint, app: settings.app, reconciler: reconciler) else { return }
            try reconciler.recordFailure(error, source: "\(input.path):\(line.number)")
            return
        case .request(let decoded, let prepared):
            reconciler.countRead()
            request = decoded
            work = prepared
        }
        let fingerprint = line.fingerprint
        if request.method == "GET" || request.path.isSearch {
            reconciler.countRead("get")
            return
        }
        // A record already applied is recognised whichever spelling of its app brings it back.
        guard try !alreadyApplied(fingerprint, app: try reconciler.resolveApp(request.app), reconciler: reconciler)
        else { return }
        try failPoints.reach(.applying)
        if request.path.endpoint == .bulk {
            try replayBulkRequest(request, input: input, reconciler: reconciler)
        } else {
            reconciler.prepared = work
            try reconciler.apply(request)
        }
    }

    /// Asks the store, in one batch each, which of the lines' records it applied before and for the
    /// users the lines change by id, so the lines are then applied from the run's memory.
    func prefetch(_ lines: [PreparedLine], reconciler: Reconciler) throws {
        var fingerprints: [RunState.AppliedKey] = []
        var ids: [String: [String]] = [:]
        var created: [String: [IncomingUser]] = [:]
        fingerprints.reserveCapacity(lines.count)
        for line in lines {
            switch line.content {
            case .blank, .oversized: continue
            case .invalid:
                fingerprints.append(RunState.AppliedKey(app: settings.app, fingerprint: line.fingerprint))
            case .request(let request, let work):
                if request.method == "GET" || request.path.isSearch { continue }
                let app = try reconciler.resolveApp(request.app)
                fingerprints.append(RunState.AppliedKey(app: app, fingerprint: line.fingerprint))
                guard request.path.endpoint == .users else { continue }
                if let id = request.path.id ?? request.responseID { ids[app, default: []].append(id) }
                if case .success(let incoming)? = work.incoming { created[app, default: []].append(incoming) }
            }
        }
        try store.prefetchApplied(fingerprints)
        for (app, list) in ids { _ = try store.users(app: app, ids: list) }
        store.forgetPrefetchedMatches()
        for (app, users) in created { try prefetchMatches(users, app: app) }
    }

    /// Asks the store, one batched look-up per match key, for the users these incoming ones
    /// will be matched against (a POST's or a CSV row's userName, externalId, email).
    func prefetchMatches(_ users: [IncomingUser], app: String) throws {
        for key in settings.match where key != .id {
            let values = users.compactMap { user -> String? in
                switch key {
                case .userName: return user.attributes["userName"]
                case .externalId: return user.attributes["externalId"]
                case .email: return user.attributes["email"]
                case .id: return nil
                }
            }.filter { !$0.isEmpty }
            if !values.isEmpty { try store.prefetchMatches(app: app, by: key, values: values) }
        }
    }

    /// Whether a replayed record was applied to `app` (as the store spells it) by an earlier run;
    /// marks it applied otherwise.
    func alreadyApplied(_ fingerprint: Fingerprint, app: String, reconciler: Reconciler) throws -> Bool {
        if try store.isApplied(app: app, fingerprint: fingerprint) {
            reconciler.countRead("duplicate")
            return true
        }
        try store.markApplied(app: app, fingerprint: fingerprint, run: reconciler.run)
        return false
    }
}

/// A file's identity and size, and the checksum a checkpoint keeps of its read part.
struct FileIdentity {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Timestamp

    init(path: String) throws(IngestError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw IngestError(
                code: "input.unreadable", message: "cannot read: \(SystemErrorText.describe(errno))",
                location: path)
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Timestamp(
            millisecondsSince1970: Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000)
    }

    /// Reads `count` bytes at `offset`.
    static func readBytes(path: String, offset: Int64, count: Int) throws(IngestError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IngestError(
                code: "input.unreadable", message: "cannot open: \(SystemErrorText.describe(errno))",
                location: path)
        }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got <= 0 { break }
            done += got
        }
        bytes.removeLast(count - done)
        return bytes
    }

    /// A checksum of the read part `[0, offset)`: its first and last 4 KiB and its length.
    ///
    /// Hashing two windows instead of the whole prefix keeps a resumed run proportional to what
    /// was appended; a rotated or rewritten log differs in its first lines (timestamps) anyway.
    static func checksum(path: String, upTo offset: Int64) throws(IngestError) -> UInt64 {
        let window: Int64 = 4096
        var hash = StableHash()
        let head = try readBytes(path: path, offset: 0, count: Int(min(window, offset)))
        head.withUnsafeBytes { hash.combine($0) }
        let tailStart = max(0, offset - window)
        let tail = try readBytes(path: path, offset: tailStart, count: Int(offset - tailStart))
        tail.withUnsafeBytes { hash.combine($0) }
        hash.combine(String(offset))
        return hash.value64
    }
}
