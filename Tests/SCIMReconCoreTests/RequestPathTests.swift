import SCIMKit
import Testing

@testable import SCIMReconCore

/// How a logged request's URL path is read (SPEC §3.1).
@Suite struct RequestPathTests {
    @Test(arguments: [
        ("/scim/v2/Users/2819c223", RequestPath.Endpoint.users, "2819c223" as String?),
        ("/Users", .users, nil),
        ("https://app.example/tenant/42/scim/Groups/g%201", .groups, "g 1"),
        ("/scim/users/abc/", .users, "abc"),
        ("/v2/Bulk", .bulk, nil),
        ("/scim/Users?filter=userName+eq+%22a%40b%22", .users, nil),
    ])
    func readsTheEndpointAndIdWhateverTheBaseURL(path: String, endpoint: RequestPath.Endpoint, id: String?) throws {
        let parsed = try RequestPath(path)
        #expect(parsed.endpoint == endpoint)
        #expect(parsed.id == id)
    }

    @Test func decodesTheFilterQuery() throws {
        let parsed = try RequestPath("/scim/Users?startIndex=1&filter=userName%20eq%20%22a%40b.com%22&count=1")
        #expect(parsed.filter == #"userName eq "a@b.com""#)
    }

    @Test func aSearchIsNotAResourceId() throws {
        let parsed = try RequestPath("/scim/Users/.search")
        #expect(parsed.isSearch)
        #expect(parsed.id == nil)
    }

    @Test(arguments: [
        "/scim/Me", "/Users/a/b", "/Users/..", "/Users/%2e%2e", "/Users/%ZZ", "/Users/%00x", "/Users/%FF%FE",
    ])
    func refusesHostilePaths(path: String) {
        #expect(throws: IngestError.self) { try RequestPath(path) }
    }
}

/// Reading one request-log record.
@Suite struct LogRecordParserTests {
    func parse(_ text: String) throws -> SCIMRequest {
        try LogRecordParser.request(from: try JSONParser.parse(text), source: "f:1", fingerprint: "x")
    }

    @Test func readsEveryField() throws {
        let request = try parse(
            #"{"time":"2026-11-28T03:00:01.5+01:00","app":"Okta","method":"patch","path":"/Users/7","status":"204","#
                + #""headers":{"Authorization":"Bearer secret"},"request":{"Operations":[]},"response":{"id":"7"}}"#)
        #expect(request.time == Timestamp(rfc3339: "2026-11-28T02:00:01.500Z"))
        #expect(request.app == "Okta")
        #expect(request.method == "PATCH")
        #expect(request.path.id == "7")
        #expect(request.status == 204)
        #expect(request.responseID == "7")
        #expect(request.body?.objectValue?["Operations"] == [])
    }

    @Test func aNonSuccessStatusMeansRejected() throws {
        #expect(try parse(#"{"time":"2026-11-28T00:00:00Z","method":"POST","path":"/Users","status":409}"#).wasRejected)
        #expect(
            try !parse(#"{"time":"2026-11-28T00:00:00Z","method":"POST","path":"/Users","status":201}"#).wasRejected)
        #expect(try !parse(#"{"time":"2026-11-28T00:00:00Z","method":"POST","path":"/Users"}"#).wasRejected)
    }

    @Test(arguments: [
        (#"[]"#, "record.invalid"),
        (#"{"method":"GET","path":"/Users"}"#, "record.missing-time"),
        (#"{"time":"yesterday","method":"GET","path":"/Users"}"#, "record.invalid-time"),
        (#"{"time":"2026-02-30T00:00:00Z","method":"GET","path":"/Users"}"#, "record.invalid-time"),
        (#"{"time":"2026-11-28T00:00:00Z","path":"/Users"}"#, "record.missing-method"),
        (#"{"time":"2026-11-28T00:00:00Z","method":"TRACE","path":"/Users"}"#, "record.invalid-method"),
        (#"{"time":"2026-11-28T00:00:00Z","method":"GET"}"#, "record.missing-path"),
        (#"{"time":"2026-11-28T00:00:00Z","method":"GET","path":"/Users","status":"ok"}"#, "record.invalid-status"),
        (#"{"time":"2026-11-28T00:00:00Z","method":"GET","path":"/Users","status":1e400}"#, "record.invalid-status"),
        (#"{"time":"2026-11-28T00:00:00Z","method":"GET","path":"/Users","app":""}"#, "record.invalid-app"),
    ])
    func aBadRecordNamesTheRuleItBreaks(text: String, code: String) {
        #expect {
            try parse(text)
        } throws: { error in
            (error as? IngestError)?.code == code
        }
    }

    @Test func theErrorNeverQuotesTheRecord() {
        do {
            _ = try parse(#"{"time":"Bearer eyJsecret","method":"GET","path":"/Users"}"#)
            Issue.record("expected a failure")
        } catch {
            #expect(!"\(error)".contains("eyJsecret"))
        }
    }
}
