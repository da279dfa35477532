import SCIMReconCore
import Testing

@Suite struct TimeSpecTests {
    static let now = Timestamp(rfc3339: "2026-11-28T12:00:00Z")!

    @Test(arguments: [
        ("2026-11-01T00:00:00Z", "2026-11-01T00:00:00.000Z"),
        ("2026-11-01T00:00:00.250Z", "2026-11-01T00:00:00.250Z"),
        ("2026-11-01T02:00:00+02:00", "2026-11-01T00:00:00.000Z"),
        ("2026-10-31T19:30:00-04:30", "2026-11-01T00:00:00.000Z"),
        ("2026-11-01t00:00:00z", "2026-11-01T00:00:00.000Z"),
        ("2026-11-01", "2026-11-01T00:00:00.000Z"),
        ("2024-02-29", "2024-02-29T00:00:00.000Z"),
        ("90m", "2026-11-28T10:30:00.000Z"),
        ("24h", "2026-11-27T12:00:00.000Z"),
        ("7d", "2026-11-21T12:00:00.000Z"),
        ("30d", "2026-10-29T12:00:00.000Z"),
        ("2w", "2026-11-14T12:00:00.000Z"),
        ("0m", "2026-11-28T12:00:00.000Z"),
    ])
    func readsEveryAcceptedForm(text: String, expected: String) throws {
        #expect(try TimeSpec.parse(text, now: Self.now).rfc3339 == expected)
    }

    @Test(arguments: [
        "", "yesterday", "7", "d", "7 d", "-7d", "+7d", "7D", "7y", "1.5h", "2026-11", "2026-13-01", "2026-02-30",
        "2026-11-01T25:00:00Z", "2026-11-01T00:00:00", "2026-11-01T00:00:00+0200", "99999999999999999999d",
        "2026-11-01 ", " 7d",
    ])
    func refusesAnythingElseNamingTheAcceptedForms(text: String) {
        #expect(throws: TimeSpecError.self) { try TimeSpec.parse(text, now: Self.now) }
        do {
            _ = try TimeSpec.parse(text, now: Self.now)
        } catch {
            let message = error.description
            #expect(message.contains("'\(text)'"))
            #expect(message.contains("RFC 3339"))
            #expect(message.contains("2026-11-01"))
            #expect(message.contains("90m") && message.contains("24h") && message.contains("7d"))
        }
    }

    @Test func shortensAVeryLongValueInTheMessage() {
        let error = TimeSpecError(value: String(repeating: "x", count: 500), kind: .time)
        #expect(error.description.count < 300)
    }

    @Test(
        arguments: [
            ("30d", 2_592_000_000), ("12h", 43_200_000), ("90m", 5_400_000), ("400d", 34_560_000_000),
            ("1w", 604_800_000),
            ("0d", 0),
        ] as [(String, Int64)])
    func readsPolicyDurations(text: String, milliseconds: Int64) throws {
        #expect(try parseDuration(text) == milliseconds)
    }

    @Test(arguments: ["30", "d", "30 d", "-1d", "1.5d", "2026-11-01", "30days", "P30D"])
    func refusesABadDurationNamingTheAcceptedForms(text: String) {
        do {
            _ = try parseDuration(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.kind == .duration)
            #expect(error.description.contains("30d") && error.description.contains("24h"))
        }
    }
}
