import SCIMReconCore
import Testing

/// Why a report came out empty: the part of the filter that excluded everything, widening the
/// cheap parts first (the timespan, then the action and status, then the user).
@Suite struct EmptyResultExplanationTests {
    static let t0 = Timestamp(millisecondsSince1970: 1_764_288_000_000)

    func store() throws -> InMemoryStore {
        let store = InMemoryStore()
        try store.begin()
        for (offset, user, action) in [
            (0, "alice@contoso.com", ProvisioningAction.create), (10, "alice@contoso.com", .update),
            (20, "bob@contoso.com", .delete),
        ] {
            try store.appendEvent(
                ProvisioningEvent(
                    time: Self.t0.adding(milliseconds: Int64(offset)), run: 1, app: "Okta", user: user, userID: nil,
                    externalID: nil, action: action, status: .success, source: "log:\(offset)"), email: nil)
        }
        try store.commit()
        return store
    }

    @Test func aUserWithEventsButNotThatActionIsToldAboutTheAction() throws {
        let filter = ReportFilter(users: ["alice*"], since: Self.t0, actions: [.delete])
        let reasons = try EmptyResultExplanation.explain(filter, in: try store())
        #expect(reasons == ["no events with that action or status; without them 2 match"])
    }

    @Test func aUserWithNoEventsAtAllIsToldAboutTheUser() throws {
        let filter = ReportFilter(users: ["carol*"], since: Self.t0, actions: [.delete])
        let reasons = try EmptyResultExplanation.explain(filter, in: try store())
        #expect(reasons == ["no events for user 'carol*'"])
    }

    @Test func aUserWhoseEventsTheOtherPartsExcludeTogetherIsToldSo() throws {
        // Alice's events are before the timespan, and none is a delete: neither part widened
        // alone finds one, so the reason names both, from her own events only.
        let filter = ReportFilter(users: ["alice*"], since: Self.t0.adding(milliseconds: 15), actions: [.delete])
        let reasons = try EmptyResultExplanation.explain(filter, in: try store())
        #expect(reasons == ["user 'alice*' has events, but none in the timespan and with that action or status"])
    }

    @Test func anEmptyHistoryIsSaidToBeEmpty() throws {
        let store = InMemoryStore()
        let reasons = try EmptyResultExplanation.explain(ReportFilter(users: ["carol*"]), in: store)
        #expect(reasons == ["the history is empty"])
    }

    @Test func eventsOutsideTheTimespanAreShownWithTheirRange() throws {
        let filter = ReportFilter(users: ["alice*"], since: Self.t0.adding(milliseconds: 1_000))
        let reasons = try EmptyResultExplanation.explain(filter, in: try store())
        #expect(reasons.count == 1 && reasons[0].hasPrefix("no events in the timespan; without it 2 match, from "))
    }

    @Test func aFilterThatMatchesNeedsNoExplanation() throws {
        #expect(try EmptyResultExplanation.explain(ReportFilter(users: ["bob*"]), in: try store()).isEmpty)
    }
}
