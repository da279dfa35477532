import SCIMReconTestSupport
import Testing

/// The third-party corpora in `../shared/testdata` (JSONTestSuite, public SCIM examples) are an
/// extra conformance pass, run here as one test (not parameterized, so that a clone without them
/// reports no empty test cases). A clone with nothing beside it runs every test of its own and
/// says, in exactly one line, that this pass was skipped.
@Suite struct SharedCorporaTests {
    @Test func runsTheSharedCorporaWhenTheyAreBesideTheCloneAndSaysSoWhenNot() throws {
        guard Fixtures.sharedTestData != nil else {
            print("skipped: third-party conformance pass (JSONTestSuite, public SCIM examples): no ../shared/testdata")
            #expect(JSONTestSuite.files(prefix: "y_").isEmpty)
            #expect(SharedSCIMExamples.names().isEmpty)
            return
        }
        #expect(JSONTestSuite.files(prefix: "y_").count > 90)
        #expect(JSONTestSuite.files(prefix: "n_").count > 180)
        #expect(Set(JSONTestSuite.files(prefix: "i_")) == Set(JSONTestSuite.implementationDefined.keys))
        #expect(SharedSCIMExamples.names().count > 20)
        try JSONTestSuite.checkEveryFile()
        try SharedSCIMExamples.checkEveryFile()
    }
}
