import SCIMKit
import SCIMReconCore
import Testing

@Suite struct ReportFilterTests {
    static let base = ProvisioningEvent(
        time: Timestamp(rfc3339: "2026-11-10T00:00:00Z")!, run: 3, app: "Azure AD", user: "alice@contoso.com",
        userID: "2819c223", externalID: "EXT-1", action: .update, status: .success, source: "a.jsonl:1")

    @Test func sinceIsInclusiveAndUntilExclusive() {
        let at = Self.base.time
        #expect(ReportFilter(since: at).matches(Self.base))
        #expect(!ReportFilter(since: at.adding(milliseconds: 1)).matches(Self.base))
        #expect(!ReportFilter(until: at).matches(Self.base))
        #expect(ReportFilter(until: at.adding(milliseconds: 1)).matches(Self.base))
        #expect(!ReportFilter(since: at, until: at).matches(Self.base))
    }

    @Test(arguments: ["ALICE@contoso.com", "2819C223", "ext-1", "bob@x", "alice*", "*contoso*"])
    func userMatchesAnyIdentifier(pattern: String) {
        let expected = pattern != "bob@x"
        #expect(ReportFilter(users: [pattern]).matches(Self.base) == expected)
    }

    @Test func userMatchesTheEmailWhenGiven() {
        let filter = ReportFilter(users: ["a.smith@*"])
        #expect(!filter.matches(Self.base))
        #expect(filter.matches(Self.base, email: "A.Smith@contoso.com"))
    }

    @Test func valuesOfOneOptionAreOredAndOptionsAnded() {
        #expect(ReportFilter(users: ["bob", "alice*"]).matches(Self.base))
        #expect(ReportFilter(apps: ["Okta", "Azure AD"], actions: [.create, .update]).matches(Self.base))
        #expect(!ReportFilter(apps: ["Azure AD"], actions: [.create]).matches(Self.base))
        #expect(ReportFilter(apps: ["azure ad"]).matches(Self.base), "application names fold case")
        #expect(!ReportFilter(apps: ["Okta"]).matches(Self.base))
        #expect(ReportFilter(statuses: [.success], runs: [1, 3]).matches(Self.base))
        #expect(!ReportFilter(statuses: [.failure]).matches(Self.base))
        #expect(!ReportFilter(runs: [4]).matches(Self.base))
    }

    @Test func groupEventsWithoutUserOnlyMatchWithoutUserFilter() {
        var event = Self.base
        (event.user, event.userID, event.externalID) = (nil, nil, nil)
        #expect(ReportFilter().matches(event))
        #expect(!ReportFilter(users: ["*"]).matches(event))
    }

    @Test func echoesTheFilterInUTC() {
        let filter = ReportFilter(users: ["a*"], since: Timestamp(rfc3339: "2026-11-01T01:00:00+01:00"), runs: [9])
        #expect(filter.jsonValue.objectValue?["since"] == "2026-11-01T00:00:00.000Z")
        #expect(filter.jsonValue.objectValue?["until"] == .null)
        #expect(filter.jsonValue.objectValue?["runs"] == .array([.number("9")]))
        #expect(filter.summary == "user=a* since=2026-11-01T00:00:00.000Z run=9")
        #expect(ReportFilter().summary == "all events")
    }
}
