import SCIMKit

extension RunEngine {
    /// Reads a full export of the source's users (ListResponse, JSON array, or JSONL of resources)
    /// and creates or updates each; absent users are deprovisioned after all inputs are read.
    func readList(_ input: ResolvedInput, into reconciler: Reconciler) throws {
        let identity = try FileIdentity(path: input.path)
        let time = identity.modified
        var resources = 0
        func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, IngestError> {
            do {
                return .success(try JSONParser.parse(bytes))
            } catch {
                return .failure(.rule("record.invalid-json", "the resource is not valid JSON (\(error))"))
            }
        }
        func take(_ parsed: Result<JSONValue, IngestError>, line: Int) throws {
            let source = "\(input.path):\(line)"
            reconciler.countRead()
            resources += 1
            do {
                let value = try parsed.get()
                guard let object = value.objectValue else {
                    throw IngestError.rule("record.invalid", "a resource must be a JSON object, not \(value.typeName)")
                }
                try applySnapshotUser(object, time: time, source: source, reconciler: reconciler)
            } catch let error as IngestError {
                try reconciler.recordFailure(error, action: .update, time: time, source: source)
            }
        }
        if try Self.isJSONLines(path: input.path) {
            let reader: LineReader
            do {
                reader = try LineReader(path: input.path)
            } catch {
                throw IngestError(code: "input.unreadable", message: "\(error)", location: input.path)
            }
            do {
                try reader.forEachLine { line, number, _, end in
                    if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                        try take(parse(line), line: number)
                    }
                    self.progress?(
                        RunProgress(records: reconciler.tally.read, bytesRead: end, bytesTotal: identity.size))
                    return true
                }
            } catch let error as LineReaderError {
                throw IngestError(
                    code: "input.unreadable", message: error.message,
                    location: error.line.map { "\(input.path):\($0)" } ?? input.path)
            }
            if let partial = reader.trailingPartialLine {
                let bytes = try FileIdentity.readBytes(path: input.path, offset: partial.start, count: partial.length)
                // A last line without its newline counts only when it is whole JSON (parsed once).
                let parsed = bytes.withUnsafeBufferPointer(parse)
                if case .success = parsed {
                    try take(parsed, line: partial.number)
                } else {
                    snapshotProblems.append("\(input.path):\(partial.number): the file ends in an incomplete line")
                }
            }
        } else {
            let scanner = try JSONElementScanner(path: input.path)
            try scanner.forEachElement { element, line in
                try take(element.withUnsafeBufferPointer(parse), line: line)
            }
            if scanner.truncated {
                snapshotProblems.append("\(input.path): the document ends before it is closed (truncated)")
            } else if !scanner.foundElements {
                throw IngestError(
                    code: "input.not-a-list",
                    message: "neither a ListResponse with Resources, a JSON array, nor JSON Lines of resources",
                    location: input.path)
            }
            if let total = scanner.topLevelScalars["totalresults"].flatMap({ Int($0) }), total > resources {
                let start = scanner.topLevelScalars["startindex"].flatMap { Int($0) } ?? 1
                let perPage = scanner.topLevelScalars["itemsperpage"].flatMap { Int($0) }
                if start <= 1 && (perPage == nil || perPage! >= total) {
                    snapshotProblems.append(
                        "\(input.path): totalResults is \(total) but the file holds \(resources) resources")
                } else {
                    snapshotProblems.append(
                        "\(input.path): a page (startIndex \(start)) of a paged export of \(total) resources; "
                            + "a snapshot must hold every page")
                }
            }
        }
        if resources == 0 {
            snapshotProblems.append("\(input.path): the snapshot is empty")
        }
        inputsRead.append("\(input.path) [0-\(identity.size)]")
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
    func applySnapshotUser(_ object: JSONObject, time: Timestamp, source: String, reconciler: Reconciler) throws {
        do {
            let incoming = try reconciler.prepareUser(object)
            var hash = StableHash()
            hash.combine(source)
            try reconciler.upsert(
                incoming, app: settings.app, preferredID: nil, time: time, source: source, fingerprint: hash.hex,
                snapshot: true)
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
