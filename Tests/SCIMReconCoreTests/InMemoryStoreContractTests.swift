import SCIMReconCore
import SCIMReconTestSupport
import Testing

/// The in-memory store keeps the same contract as the SQLite store: it is the reference the
/// reconciliation unit tests, `validate` and a `plan` without a store rely on.
@Suite struct InMemoryStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func keepsTheStoreContract(_ check: StoreContract.Check) throws {
        try check.body(InMemoryStore())
    }
}

/// The run's write-back cache answers exactly as the store behind it would, with a decoded tier
/// so small that every check also crosses its evictions: into a compact tier that holds them all,
/// and into one so small that it is written to the store at each eviction.
@Suite struct RunStateContractTests {
    @Test(arguments: StoreContract.checks)
    func keepsTheStoreContractInFrontOfAStore(_ check: StoreContract.Check) throws {
        try check.body(RunState(base: InMemoryStore()))
        try check.body(RunState(base: InMemoryStore(), entryLimit: 1, eventLimit: 1))
        try check.body(RunState(base: InMemoryStore(), entryLimit: 1, eventLimit: 1, spillLimit: 1))
    }
}
