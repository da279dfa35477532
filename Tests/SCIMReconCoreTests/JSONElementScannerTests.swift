import Foundation
import SCIMKit
import Testing

@testable import SCIMReconCore

/// Streaming the resources out of one large ListResponse or JSON array.
@Suite struct JSONElementScannerTests {
    func scan(_ text: String, chunkSize: Int = 1 << 20) throws -> (elements: [String], scanner: JSONElementScanner) {
        let path = NSTemporaryDirectory() + "scan-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scanner = try JSONElementScanner(path: path, chunkSize: chunkSize)
        var elements: [String] = []
        try scanner.forEachElement { bytes, line in elements.append("\(line):" + String(decoding: bytes, as: UTF8.self))
        }
        return (elements, scanner)
    }

    @Test(arguments: [1, 3, 1 << 20])
    func cutsTheResourcesOfAListResponseAtAnyChunkSize(chunkSize: Int) throws {
        let text = """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,
             "Resources":[
              {"userName":"a]},\\"x","emails":[{"value":"a"}]},
              {"userName":"b"}
             ],"startIndex":1}
            """
        let (elements, scanner) = try scan(text, chunkSize: chunkSize)
        #expect(elements == [#"3:{"userName":"a]},\"x","emails":[{"value":"a"}]}"#, #"4:{"userName":"b"}"#])
        #expect(scanner.topLevelScalars["totalresults"] == "2")
        #expect(scanner.topLevelScalars["startindex"] == "1")
        #expect(!scanner.truncated)
        #expect(scanner.foundElements)
    }

    @Test func readsATopLevelArray() throws {
        let (elements, _) = try scan(#"[{"userName":"a"}, {"userName":"b"}]"#)
        #expect(elements.count == 2)
        #expect(try elements.map { try JSONParser.parse(String($0.drop { $0 != ":" }.dropFirst())) }.count == 2)
    }

    @Test func noticesATruncatedDocument() throws {
        let (elements, scanner) = try scan(#"{"totalResults":3,"Resources":[{"userName":"a"},{"userName":"#)
        #expect(elements.count == 1)
        #expect(scanner.truncated)
    }

    @Test func anObjectWithoutResourcesHasNoElements() throws {
        let (elements, scanner) = try scan(#"{"userName":"a","Operations":[{"op":"add"}]}"#)
        #expect(elements.isEmpty)
        #expect(!scanner.foundElements)
    }

    @Test func refusesSomethingThatIsNotADocument() {
        #expect(throws: IngestError.self) { try scan("userName,email\na,b\n") }
    }
}

/// Telling an input's format from its content.
@Suite struct FormatDetectorTests {
    func detect(_ text: String, name: String = "input") throws -> InputFormat? {
        let path = NSTemporaryDirectory() + "detect-\(UUID().uuidString)-\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try FormatDetector.detect(path: path)
    }

    @Test func tellsEachFormat() throws {
        #expect(try detect(#"{"time":"2026-11-28T00:00:00Z","method":"GET","path":"/Users"}"# + "\n") == .scimLog)
        #expect(try detect("{\n  \"Operations\": []\n}") == .scimBulk)
        #expect(try detect(#"{"schemas":[],"Resources":[]}"#) == .scimList)
        #expect(try detect("{\n \"totalResults\": 0,\n \"Resources\": []\n}") == .scimList)
        #expect(try detect("[]") == .scimList)
        #expect(try detect(#"{"userName":"a"}"# + "\n" + #"{"userName":"b"}"#) == .scimList)
        #expect(try detect("\u{FEFF}userName;email\na;b\n") == .csv)
        #expect(try detect("just words") == nil)
    }

    @Test func refusesXMLBeforeAnyParserSeesIt() {
        #expect {
            try detect("  \n<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>")
        } throws: { error in
            (error as? IngestError)?.code == "input.xml-refused"
        }
    }
}
