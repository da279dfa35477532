import Foundation
import SCIMKit
import Testing

/// The public SCIM example payloads in `shared/testdata/scim-examples`, and small builders.
enum SCIMFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/testdata/scim-examples").standardizedFileURL

    /// The named fixture file (without `.json`), parsed.
    static func json(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
        return try JSONParser.parse([UInt8](data))
    }

    /// The named fixture file as an object.
    static func object(_ name: String) throws -> JSONObject {
        try #require(try json(name).objectValue)
    }

    /// Every fixture name.
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Parses JSON text written in a test.
    static func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    /// Parses JSON object text written in a test.
    static func object(text: String) throws -> JSONObject {
        try #require(try JSONParser.parse(text).objectValue)
    }
}
