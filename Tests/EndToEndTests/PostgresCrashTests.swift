import Foundation
import SCIMReconTestSupport
import Testing

/// The kill -9 suite's phase kills against PostgreSQL: killed at any phase, the store holds whole
/// runs (the killed run's transaction and its writer lock go with its connection), and the
/// next run converges to the uninterrupted result. Same bodies as `ReliabilityCrashTests`.
@Suite(.serialized, .enabled(if: PostgresTestServer.enabled)) struct PostgresCrashTests {
    @Test(arguments: ["reading", "applying", "checkpoint", "flush", "before-commit", "after-commit", "reports"])
    func aRunKilledAtAPhaseLeavesWholeRunsInPostgreSQLAndTheNextRunConverges(phase: String) throws {
        let server = try PostgresTestServer.require()
        let referenceStore = try server.freshDatabase()
        defer { server.drop(referenceStore) }
        let (reference, _) = try ReliabilityCrashTests.reference(store: referenceStore)
        let store = try server.freshDatabase()
        defer { server.drop(store) }
        var random = SeededRandom(seed: ReliabilityCrashTests.seed)
        var tally = ReliabilityCrashTests.Tally()
        try ReliabilityCrashTests.interruptedSequence(
            reference,
            kills: { _ in
                let occurrence =
                    switch phase {
                    case "reading", "applying": Int.random(in: 1...300, using: &random)
                    case "checkpoint": Int.random(in: 1...2, using: &random)
                    default: 1
                    }
                return [.phase("\(phase):\(occurrence)")]
            }, tally: &tally, store: store)
        #expect(tally.kills == ReliabilityCrashTests.workload.runs, "seed \(ReliabilityCrashTests.seed)")
        let committed = ["after-commit", "reports"].contains(phase)
        #expect(tally.killedAfterCommit == (committed ? tally.kills : 0), "seed \(ReliabilityCrashTests.seed)")
    }
}
