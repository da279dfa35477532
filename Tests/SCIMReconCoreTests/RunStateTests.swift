import SCIMReconCore
import Testing

/// The run's cache answers "was this record applied?" from what it prefetched and what it
/// marked, and never forgets a mark when it writes the marks out part way through a chunk.
@Suite struct RunStateTests {
    let record = Fingerprint(high: 42, low: -42)

    @Test func aRecordMarkedAndWrittenOutMidChunkIsStillRecognised() throws {
        let state = RunState(base: InMemoryStore(), markLimit: 1)
        try state.begin()
        try state.prefetchApplied([RunState.AppliedKey(app: "Okta", fingerprint: record)])
        #expect(!(try state.isApplied(app: "Okta", fingerprint: record)), "applied before anything was")
        // The one mark reaches the limit and is written out at once.
        try state.markApplied(app: "Okta", fingerprint: record, run: 1)
        #expect(try state.isApplied(app: "Okta", fingerprint: record), "the same record again would be applied twice")
        state.rollback()
    }

    @Test func whatThePrefetchFoundAppliedIsAnsweredWithoutTheStore() throws {
        let store = InMemoryStore()
        try store.begin()
        try store.markApplied(app: "Okta", fingerprint: record, run: 1)
        try store.commit()
        let state = RunState(base: store)
        try state.begin()
        let other = Fingerprint(high: 1, low: 2)
        try state.prefetchApplied([
            RunState.AppliedKey(app: "Okta", fingerprint: record), RunState.AppliedKey(app: "Okta", fingerprint: other),
        ])
        #expect(try state.appliedFingerprints(app: "Okta", among: [record, other]) == [record])
        #expect(!(try state.isApplied(app: "Entra", fingerprint: record)), "a mark leaked to another app")
        state.rollback()
    }
}
