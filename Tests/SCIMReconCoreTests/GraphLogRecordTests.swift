import Foundation
import SCIMKit
import Testing

@testable import SCIMReconCore

/// One provider record read into a claim: the rules, without a file or a store.
@Suite struct GraphLogRecordTests {
    func claim(_ json: String) throws -> ProviderClaim {
        let object = try #require(try JSONParser.parse(json).objectValue)
        return try GraphLogRecord.claim(object, app: "A", run: 1, source: "f:1")
    }

    func problem(_ json: String) -> String? {
        do {
            _ = try claim(json)
            return nil
        } catch let error as IngestError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    let minimal = """
        {"id":"r","activityDateTime":"2026-11-20T08:00:00Z","provisioningAction":"Update",
         "provisioningStatusInfo":{"status":"Success"},"targetIdentity":{"id":"t","identityType":"User"}}
        """

    @Test func readsTheCurrentFieldsInAnyCase() throws {
        let read = try claim(minimal)
        #expect(read.action == .update)
        #expect(read.status == .success)
        #expect(read.targetID == "t")
        #expect(read.user == nil, "no userName, principal name or display name")
        #expect(!read.isGroup)
    }

    @Test(arguments: [
        (0, ProviderClaim.Action.other), (1, .create), (2, .delete), (3, .disable), (4, .update), (5, .stagedDelete),
    ])
    func readsGraphsActionNumbers(number: Int, action: ProviderClaim.Action) throws {
        let json = minimal.replacingOccurrences(of: "\"Update\"", with: String(number))
        #expect(try claim(json).action == action)
    }

    @Test func anUnknownActionNameIsOtherAndAnUnknownNumberIsRefused() throws {
        #expect(
            try claim(minimal.replacingOccurrences(of: "\"Update\"", with: "\"unknownFutureValue\"")).action == .other)
        #expect(problem(minimal.replacingOccurrences(of: "\"Update\"", with: "9")) == "claim.invalid-action")
    }

    @Test(arguments: [
        ("\"id\":\"r\",", "claim.missing-id"),
        ("\"activityDateTime\":\"2026-11-20T08:00:00Z\",", "claim.missing-time"),
        ("\"provisioningAction\":\"Update\",", "claim.missing-action"),
    ])
    func aMissingRequiredMemberNamesItsRule(member: String, code: String) {
        #expect(problem(minimal.replacingOccurrences(of: member, with: "")) == code)
    }

    @Test func aStatusItCannotReadIsRefused() {
        #expect(problem(minimal.replacingOccurrences(of: "\"Success\"", with: "\"maybe\"")) == "claim.missing-status")
    }

    @Test func modifiedPropertiesKeepNamesAndReadStringBooleans() throws {
        let json = minimal.replacingOccurrences(
            of: "\"targetIdentity\"",
            with: """
                "modifiedProperties":[{"displayName":"accountEnabled","oldValue":"True","newValue":"False"},
                  {"displayName":"userName","oldValue":null,"newValue":"Zoë@x.test"},
                  {"displayName":"roles","oldValue":null,"newValue":["a"]}],
                "targetIdentity"
                """)
        let read = try claim(json)
        #expect(
            read.changes == [
                AttributeChange(attribute: "accountEnabled", old: "true", new: "false"),
                AttributeChange(attribute: "userName", old: nil, new: "Zoë@x.test"),
                AttributeChange(attribute: "roles", old: nil, new: "[\"a\"]"),
            ])
        #expect(read.user == "Zoë@x.test", "the userName sent names the user")
    }

    @Test func aGroupIsNamedByItsDisplayName() throws {
        let json = minimal.replacingOccurrences(of: "\"identityType\":\"User\"", with: "\"identityType\":\"Group\"")
            .replacingOccurrences(
                of: "\"targetIdentity\"",
                with: "\"sourceIdentity\":{\"id\":\"g\",\"displayName\":\"Sales\"},\"targetIdentity\"")
        let read = try claim(json)
        #expect(read.isGroup)
        #expect(read.user == "Sales")
    }

    @Test func providerLogsAreToldFromSCIMDocumentsByContent() throws {
        let directory = NSTemporaryDirectory() + "graph-detect-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cases: [(String, InputFormat)] = [
            ("[\n" + minimal + "\n]", .graphLogs),
            (
                "{\n\"records\": [\n{\"time\":\"t\",\"properties\":" + minimal.replacingOccurrences(of: "\n", with: "")
                    + "}]}", .graphLogs
            ),
            ("{\"value\":[]}", .graphLogs),
            ("[{\"userName\":\"a\"}]", .scimList),
            ("{\"Resources\":[],\"totalResults\":0}", .scimList),
        ]
        for (index, (text, format)) in cases.enumerated() {
            let path = "\(directory)/\(index).json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try FormatDetector.detect(path: path) == format, "\(text)")
        }
    }
}
