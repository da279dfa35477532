import SCIMKit
import Testing

/// Case-insensitive name comparison: an ASCII fast path that must agree with Unicode lower-casing.
@Suite struct CaseInsensitiveEqualsTests {
    @Test(arguments: [
        ("userName", "USERNAME", true), ("Primary", "primary", true), ("userName", "userNames", false),
        ("a", "b", false), ("@[", "`{", false), ("Élodie", "élodie", true), ("straße", "STRASSE", false),
        ("\u{212A}", "k", true), ("e\u{301}", "É", true), ("", "", true), ("x", "", false), ("Ab1_", "aB1_", true),
    ])
    func agreesWithUnicodeLowerCasing(lhs: String, rhs: String, expected: Bool) {
        #expect(lhs.caseInsensitiveEquals(rhs) == expected)
        #expect(rhs.caseInsensitiveEquals(lhs) == expected)
        #expect(lhs.caseInsensitiveEquals(rhs) == (lhs.lowercased() == rhs.lowercased()))
    }

    /// `lowercasedIfNeeded()` is `lowercased()`, whether or not it has anything to lower.
    @Test(arguments: [
        "user0@contoso.example", "User0@Contoso.Example", "", "abc", "ABC", "Élodie", "straße", "\u{212A}elvin",
        "id-with-1234567890-digits-and-more-than-fifteen-bytes", "MiXeD-LONG-string-over-the-small-size",
        "e\u{301}", "@[`{",
    ])
    func lowercasedIfNeededAgreesWithLowercased(text: String) {
        #expect(text.lowercasedIfNeeded() == text.lowercased())
    }

    /// `hasURNPrefix` is `lowercased().hasPrefix("urn:")`, without the copy.
    @Test(arguments: [
        "urn:ietf:params:scim:schemas:core:2.0:User", "URN:ietf", "Urn:x", "urn:", "urn", "", "userName",
        "urnx:", " urn:", "ur:n", "\u{212A}urn:", "urn;",
    ])
    func hasURNPrefixAgreesWithLowercasedHasPrefix(text: String) {
        #expect(text.hasURNPrefix == text.lowercased().hasPrefix("urn:"))
        #expect(Substring(text).hasURNPrefix == text.lowercased().hasPrefix("urn:"))
    }
}
