import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// The conformance files of the third-party JSONTestSuite (`y_` must parse, `n_` must fail, `i_`
/// as we decided), an extra pass that `SharedCorporaTests` runs only when `../shared/testdata` is
/// beside the clone. `JSONConformanceTests` holds the cases of our own that every clone runs.
enum JSONTestSuite {
    /// The suite's `test_parsing` folder, when the shared test data is there.
    static let directory: String? = Fixtures.sharedTestData.map { $0 + "/JSONTestSuite/test_parsing" }

    static func files(prefix: String) -> [String] {
        let names = directory.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        let directory = try #require(directory)
        let data = try #require(FileManager.default.contents(atPath: directory + "/" + name))
        return [UInt8](data)
    }

    /// The two `y_` files that repeat a key: valid JSON, refused under the default policy.
    static let repeatedKeyFiles: Set<String> = [
        "y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json",
    ]

    /// What we do with each implementation-defined (`i_`) case: true = accepted.
    ///
    /// | case | decision | why |
    /// |---|---|---|
    /// | `i_number_*` (huge, tiny, long) | accept | numbers are kept as literal text; the grammar allows them |
    /// | lone, inverted or incomplete surrogate escapes | refuse | a `String` cannot hold a lone surrogate |
    /// | invalid UTF-8 (bad bytes, overlong, encoded surrogate, > U+10FFFF, truncated) | refuse | RFC 8259 §8.1 |
    /// | ISO-8859-1, UTF-16 with or without BOM | refuse | JSON exchanged between systems is UTF-8 |
    /// | UTF-8 BOM before the value | refuse | callers strip it (RFC 8259 §8.1 allows refusing it) |
    /// | 500 nested arrays | refuse | deeper than the default `maxDepth` of 256 |
    static let implementationDefined: [String: Bool] = [
        "i_number_double_huge_neg_exp.json": true,
        "i_number_huge_exp.json": true,
        "i_number_neg_int_huge_exp.json": true,
        "i_number_pos_double_huge_exp.json": true,
        "i_number_real_neg_overflow.json": true,
        "i_number_real_pos_overflow.json": true,
        "i_number_real_underflow.json": true,
        "i_number_too_big_neg_int.json": true,
        "i_number_too_big_pos_int.json": true,
        "i_number_very_big_negative_int.json": true,
        "i_object_key_lone_2nd_surrogate.json": false,
        "i_string_1st_surrogate_but_2nd_missing.json": false,
        "i_string_1st_valid_surrogate_2nd_invalid.json": false,
        "i_string_UTF-16LE_with_BOM.json": false,
        "i_string_UTF-8_invalid_sequence.json": false,
        "i_string_UTF8_surrogate_U+D800.json": false,
        "i_string_incomplete_surrogate_and_escape_valid.json": false,
        "i_string_incomplete_surrogate_pair.json": false,
        "i_string_incomplete_surrogates_escape_valid.json": false,
        "i_string_invalid_lonely_surrogate.json": false,
        "i_string_invalid_surrogate.json": false,
        "i_string_invalid_utf-8.json": false,
        "i_string_inverted_surrogates_U+1D11E.json": false,
        "i_string_iso_latin_1.json": false,
        "i_string_lone_second_surrogate.json": false,
        "i_string_lone_utf8_continuation_byte.json": false,
        "i_string_not_in_unicode_range.json": false,
        "i_string_overlong_sequence_2_bytes.json": false,
        "i_string_overlong_sequence_6_bytes.json": false,
        "i_string_overlong_sequence_6_bytes_null.json": false,
        "i_string_truncated-utf-8.json": false,
        "i_string_utf16BE_no_BOM.json": false,
        "i_string_utf16LE_no_BOM.json": false,
        "i_structure_500_nested_arrays.json": false,
        "i_structure_UTF-8_BOM_empty_object.json": false,
    ]
}

extension JSONTestSuite {
    /// Checks every file of the suite against the parser (and the writer's round trip).
    static func checkEveryFile() throws {
        for name in files(prefix: "y_") {
            let bytes = try self.bytes(name)
            #expect(throws: Never.self, "\(name)") {
                try JSONParser.parse(bytes, options: .init(duplicateKeys: .lastWins))
            }
            if repeatedKeyFiles.contains(name) {
                let error = #expect(throws: JSONParseError.self, "\(name)") { try JSONParser.parse(bytes) }
                #expect(error?.message.hasPrefix("duplicate key") == true, "\(name)")
            } else {
                #expect(throws: Never.self, "\(name)") { try JSONParser.parse(bytes) }
            }
            JSONRoundTrip.expectReadsTheSame(bytes, name)
        }
        for name in files(prefix: "n_") {
            let bytes = try self.bytes(name)
            #expect(throws: JSONParseError.self, "\(name)") { try JSONParser.parse(bytes) }
            #expect(throws: JSONParseError.self, "\(name)") {
                try JSONParser.parse(bytes, options: .init(duplicateKeys: .lastWins))
            }
        }
        for name in files(prefix: "i_") {
            guard let accepted = implementationDefined[name] else {
                Issue.record("no decision recorded for \(name)")
                continue
            }
            let bytes = try self.bytes(name)
            if accepted {
                #expect(throws: Never.self, "\(name)") { try JSONParser.parse(bytes) }
            } else {
                #expect(throws: JSONParseError.self, "\(name)") { try JSONParser.parse(bytes) }
            }
        }
    }
}
