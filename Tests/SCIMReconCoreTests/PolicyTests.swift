import Testing

@testable import SCIMReconCore

@Suite struct PolicyTests {
    @Test func defaultsMatchTheSpec() {
        let policy = Policy.default
        #expect(policy.create && policy.update && policy.deprovision)
        #expect(!policy.deleteDeactivated)
        #expect(policy.deleteAfterMilliseconds == nil)
        #expect(policy.maxDeprovisions == .count(500))
        #expect(policy.onError == .continue)
        #expect(policy.maxFailureRate == 0.4)
        #expect(policy.failureRateMinimumRecords == 1000)
        #expect(policy.keepHistoryMilliseconds == nil)
    }

    @Test(arguments: [(500, true), (501, false), (0, true)])
    func countLimitAllowsUpToItsValue(_ deprovisions: Int, _ allowed: Bool) {
        #expect(DeprovisionLimit.count(500).allows(deprovisions, ofUsers: 10_000) == allowed)
    }

    @Test func zeroCountLimitStopsTheFirstDeprovision() {
        #expect(DeprovisionLimit.count(0).allows(0, ofUsers: 10))
        #expect(!DeprovisionLimit.count(0).allows(1, ofUsers: 10))
    }

    @Test(arguments: [
        (10.0, 1000, 100, true), (10.0, 1000, 101, false),
        (10.0, 25, 2, true), (10.0, 25, 3, false),  // 2.5 rounds down
        (10.0, 9, 0, true), (10.0, 9, 1, false),  // 0.9 rounds down to nothing
        (33.3, 1000, 333, true), (33.3, 1000, 334, false),
        (100.0, 7, 7, true),
    ])
    func percentLimitIsTheFloorOfTheAppsUsers(_ percent: Double, _ users: Int, _ deprovisions: Int, _ allowed: Bool) {
        #expect(DeprovisionLimit.percent(percent).allows(deprovisions, ofUsers: users) == allowed)
    }

    @Test func describesTheLimitAsAJobFileWritesIt() {
        #expect(DeprovisionLimit.count(500).description == "500")
        #expect(DeprovisionLimit.percent(10).description == "10%")
        #expect(DeprovisionLimit.percent(2.5).description == "2.5%")
    }

    @Test func failureRateGuardNeedsEnoughRecords() {
        let policy = Policy.default
        #expect(!policy.failureRateExceeded(failures: 999, of: 999))
        #expect(!policy.failureRateExceeded(failures: 400, of: 1000))
        #expect(policy.failureRateExceeded(failures: 401, of: 1000))
        #expect(!policy.failureRateExceeded(failures: 0, of: 0))
    }

    @Test(arguments: [
        ("90m", Int64(5_400_000)), ("24h", 86_400_000), ("30d", 2_592_000_000), ("2w", 1_209_600_000),
        ("45s", 45_000), ("0d", 0),
    ])
    func parsesDurations(_ text: String, _ milliseconds: Int64) {
        #expect(DurationText.milliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", "d", "30", "30 d", "-1d", "1.5d", "30y", "99999999999999999999d", "٣d"])
    func rejectsWhatIsNotADuration(_ text: String) {
        #expect(DurationText.milliseconds(text) == nil)
    }

    @Test(arguments: [
        ("500", DeprovisionLimit.count(500)), ("0", .count(0)), ("10%", .percent(10)), ("2.5%", .percent(2.5)),
    ])
    func readsDeprovisionLimits(_ text: String, _ limit: DeprovisionLimit) {
        #expect(JobLoader.deprovisionLimit(text) == limit)
    }

    @Test(arguments: ["-1", "10 %", "101%", "%", "ten", "1e3", ".5%"])
    func rejectsBadDeprovisionLimits(_ text: String) {
        #expect(JobLoader.deprovisionLimit(text) == nil)
    }

    @Test(arguments: [("40%", 0.4), ("0.25", 0.25), ("100%", 1.0), ("0", 0.0)])
    func readsFailureRates(_ text: String, _ rate: Double) {
        #expect(JobLoader.failureRate(text) == rate)
    }
}
