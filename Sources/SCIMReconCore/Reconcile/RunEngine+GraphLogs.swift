import SCIMKit

extension RunEngine {
    /// Reads the provider's own log (`graph-logs`) and keeps each record as a claim beside the
    /// history, in the run's transaction; nothing is applied to users.
    ///
    /// A bad record fails alone (a failure event at its `file:line`); a record whose `id` is
    /// already stored for the app (an overlapping download) is counted as a duplicate and skipped.
    /// A store that keeps no claims (a scratch store that checks inputs) has every record read
    /// and checked, and counted as `claim.checked`.
    func readGraphLogs(_ input: ResolvedInput, into reconciler: Reconciler) throws {
        let claims = store.base as? any ClaimStore
        let size = try FileIdentity(path: input.path).size
        let report = progress
        let bytes: (Int64, Int64) -> Void = { done, total in
            report?(RunProgress(records: reconciler.tally.read, bytesRead: done, bytesTotal: total))
        }
        warnings += try GraphLogReader(path: input.path).forEachRecord(progress: bytes) { record, source in
            reconciler.countRead()
            do {
                let value = try record.get()
                guard let object = value.objectValue else {
                    throw IngestError.rule(
                        "record.invalid", "a provisioning record must be a JSON object, not \(value.typeName)")
                }
                let claim = try GraphLogRecord.claim(object, app: settings.app, run: reconciler.run, source: source)
                guard let claims else {
                    reconciler.countRead("claim.checked")
                    return
                }
                reconciler.countRead(try claims.insertClaim(claim) ? "claim.stored" : "claim.duplicate")
            } catch let error as IngestError {
                try reconciler.recordFailure(error, source: source)
            }
        }
        inputsRead.append("\(input.path) [0-\(size)]")
    }
}
