import SCIMKit

extension RunEngine {
    /// The largest bulk request file read whole (a BulkRequest is one JSON document; RFC 7644
    /// §3.7.4 has endpoints cap them far lower).
    static let maxBulkFileSize: Int64 = 64 << 20
    /// The most operations one bulk request may hold (the same bound as a PATCH's operations);
    /// a larger request fails whole, as an endpoint would refuse it (RFC 7644 §3.7.4).
    static let maxBulkOperations = 10_000

    /// Replays an RFC 7644 §3.7 BulkRequest file.
    func readBulk(_ input: ResolvedInput, into reconciler: Reconciler) throws {
        let identity = try FileIdentity(path: input.path)
        guard identity.size <= Self.maxBulkFileSize else {
            throw IngestError(
                code: "input.too-large",
                message: "a bulk request larger than \(Self.maxBulkFileSize >> 20) MiB; split it into several files",
                location: input.path)
        }
        var bytes = try FileIdentity.readBytes(path: input.path, offset: 0, count: Int(identity.size))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw IngestError(code: "input.invalid-json", message: "not valid JSON (\(error))", location: input.path)
        }
        var hash = StableHash()
        bytes.withUnsafeBytes { hash.combine($0) }
        let request = SCIMRequest(
            time: identity.modified, app: nil, method: "POST", path: try RequestPath("/Bulk"), status: nil,
            body: value, responseID: nil, source: input.path, fingerprint: hash.hex)
        try replayBulkRequest(request, input: input, reconciler: reconciler)
        inputsRead.append("\(input.path) [0-\(identity.size)]")
    }

    /// Replays the operations of a bulk request in dependency order, resolving `bulkId:` references.
    func replayBulkRequest(_ request: SCIMRequest, input: ResolvedInput, reconciler: Reconciler) throws {
        let bulk: BulkRequest
        let ordered: [BulkOperation]
        do {
            guard let body = request.body else {
                throw IngestError.rule("request.missing-body", "the bulk request is empty")
            }
            bulk = try BulkRequest(json: body)
            guard bulk.operations.count <= Self.maxBulkOperations else {
                throw IngestError.rule(
                    "bulk.too-many-operations",
                    "the bulk request has \(bulk.operations.count) operations, more than \(Self.maxBulkOperations)")
            }
            ordered = try BulkIDResolver.order(bulk.operations)
        } catch let error as SCIMError {
            reconciler.countRead()
            try reconciler.recordFailure(.scim(error), time: request.time, source: request.source)
            return
        } catch let error as IngestError {
            reconciler.countRead()
            try reconciler.recordFailure(error, time: request.time, source: request.source)
            return
        }
        let index = Dictionary(
            bulk.operations.enumerated().map { ($0.element, $0.offset + 1) }, uniquingKeysWith: { first, _ in first })
        var resolver = BulkIDResolver()
        var errors = 0
        let app = try reconciler.resolveApp(request.app)
        for operation in ordered {
            let number = index[operation] ?? 0
            let source = "\(request.source)#\(number)"
            reconciler.countRead()
            var hash = StableHash()
            hash.combine(request.fingerprint)
            hash.combine(String(number))
            let fingerprint = hash.fingerprint
            if let limit = bulk.failOnErrors, errors >= limit {
                guard try !alreadyApplied(fingerprint, app: app, reconciler: reconciler) else { continue }
                try reconciler.recordFailure(
                    .rule(
                        "bulk.fail-on-errors", "not applied: the bulk request's failOnErrors limit \(limit) was reached"
                    ),
                    time: request.time, source: source)
                continue
            }
            guard try !alreadyApplied(fingerprint, app: app, reconciler: reconciler) else { continue }
            let failuresBefore = reconciler.tally.failures
            do {
                var path = try RequestPath(operation.path)
                if let id = path.id, id.hasPrefix("bulkId:") {
                    path.id = try resolver.resolve(.string(id)).stringValue
                }
                let body = try operation.data.map { try resolver.resolve($0) }
                let method = operation.method.uppercased()
                let replayed = SCIMRequest(
                    time: request.time, app: request.app, method: method, path: path, status: nil, body: body,
                    responseID: nil, source: source, fingerprint: fingerprint.hex)
                if method == "GET" { continue }
                let id = try reconciler.apply(replayed)
                if method == "POST", let bulkID = operation.bulkID, let id {
                    resolver.record(bulkID: bulkID, id: id)
                }
            } catch let error as SCIMError {
                try reconciler.recordFailure(.scim(error), time: request.time, source: source)
            } catch let error as IngestError {
                try reconciler.recordFailure(error, time: request.time, source: source)
            }
            if reconciler.tally.failures > failuresBefore { errors += 1 }
        }
    }
}
