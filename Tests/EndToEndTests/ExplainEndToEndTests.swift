import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// `explain USER` through the built binary, over the bundled samples: Entra's requests as our
/// endpoint logged them, and Entra's own log of them.
@Suite struct ExplainEndToEndTests {
    let directory: String
    let runner: BinaryRunner
    let store: String

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-explain")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
        for file in [
            "entra/2026-11-27.jsonl", "entra/2026-11-28.jsonl", "entra-provisioning/graph-page-1.json",
            "entra-provisioning/graph-page-2.json",
        ] {
            _ = try runner.run(["import", Fixtures.samples + "/" + file, "--app", "Azure AD", "--store", store])
        }
    }

    @Test func tellsHerStoryWithSourcesRunsChangesAndWhatTheProviderSays() throws {
        let result = try runner.run(["explain", "ERIN@contoso.com", "--store", store])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("Azure AD: erin@contoso.com  id f0e1d2c3-b4a5-4697-8877-665544332204  active"))
        #expect(text.contains("groups: Sales EMEA"))
        #expect(text.contains("History (4 events, oldest first)"))
        #expect(text.contains("update success  run 2  \(Fixtures.samples)/entra/2026-11-28.jsonl:6"))
        #expect(text.contains("email: erin@example.net → erin.okafor@contoso.com"))
        #expect(text.contains("The provider's log (2 records)"))
        #expect(text.contains("2026-11-28T14:40:12.000Z  Azure AD  disable success"))
        let created = try #require(text.range(of: "create success"))
        let updated = try #require(text.range(of: "update success"))
        #expect(created.lowerBound < updated.lowerBound, "time order")
    }

    @Test func aUserTheStoreRefusedStillHasAStory() throws {
        let result = try runner.run(["explain", "carol@contoso.com", "--store", store])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("not in the store"))
        #expect(result.stdout.contains("reason: request.rejected: the endpoint answered 409"))
        #expect(result.stdout.contains("error: EntryConflict"))
    }

    @Test func asJSONWithWhatTheJobWouldDoNow() throws {
        let result = try runner.run([
            "explain", "alice@contoso.com", "--store", store, "--format", "json", "--job",
            Fixtures.repositoryRoot + "/jobs/entra-nightly.yml",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let story = try #require(try JSONParser.parse(result.stdout).objectValue)
        #expect(story.keys == ["claims", "events", "query", "replay", "users"])
        #expect(story["users"]?.arrayValue?.first?.objectValue?["id"] == "5d48a0a8-e3a6-4a52-bd3c-1c2b1b6d1a01")
        let events = story["events"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(events.count == 5, "create, member-add, two updates, the rename")
        #expect(events.first?["source"]?.stringValue == "\(Fixtures.samples)/entra/2026-11-27.jsonl:2")
        #expect(story["claims"]?.arrayValue?.count == 3)
        let replay = try #require(story["replay"]?.arrayValue?.first?.objectValue)
        #expect(replay["action"] == "update", "the job maps more than the default mapping stored")
        let changed = replay["changes"]?.arrayValue?.compactMap { $0.objectValue?["attribute"]?.stringValue } ?? []
        #expect(changed.contains("department") && changed.contains("login"), "\(changed)")
        #expect(replay["explanation"]?.stringValue?.contains("would be updated") == true)
    }

    @Test func anUnknownUserIsAUsageErrorNamingIt() throws {
        let result = try runner.run(["explain", "nobody@contoso.com", "--store", store])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no user matches 'nobody@contoso.com'"), "\(result.stderr)")
        let inApp = try runner.run(["explain", "erin@contoso.com", "--app", "Okta", "--store", store])
        #expect(inApp.status == 2)
        #expect(inApp.stderr.contains("in application 'Okta'"), "\(inApp.stderr)")
    }
}
