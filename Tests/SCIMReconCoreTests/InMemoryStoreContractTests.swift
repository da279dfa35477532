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
