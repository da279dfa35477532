import Testing

@testable import SCIMReconCore

/// Cells and names lose leading and trailing whitespace, by Character: the quick answer for
/// text whose ends are visible ASCII agrees with the walk.
@Suite struct TrimmingSpacesTests {
    @Test(arguments: [
        ("ext-1", "ext-1"), ("  ext-1 ", "ext-1"), ("\tAnalyst\r\n", "Analyst"), ("", ""), ("   ", ""),
        ("a b", "a b"), ("\u{00A0}Élodie\u{2003}", "Élodie"), ("e\u{301}", "e\u{301}"), ("x", "x"),
        ("\u{3000}x", "x"), ("x\u{0085}", "x"), ("~user!", "~user!"),
    ])
    func trimsWhitespaceAtBothEnds(text: String, expected: String) {
        #expect(text.trimmingSpaces() == expected)
        #expect(Substring(text).trimmingSpaces() == expected)
    }
}
