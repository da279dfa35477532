import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// The SCIM payloads in `Tests/SCIMKitTests/Fixtures` (this repository's own), and small builders.
enum SCIMFixtures {
    /// The named fixture file (without `.json`), parsed.
    static func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(try Fixtures.scimExample(name))
    }

    /// The named fixture file as an object.
    static func object(_ name: String) throws -> JSONObject {
        try #require(try json(name).objectValue)
    }

    /// Every fixture name.
    static func names() -> [String] {
        Fixtures.jsonFileNames(in: Fixtures.scimExamples)
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
