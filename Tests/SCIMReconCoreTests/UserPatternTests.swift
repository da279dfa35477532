import Foundation
import SCIMReconCore
import Testing

@Suite struct UserPatternTests {
    @Test(arguments: [
        ("alice*", "alice@contoso.com", true),
        ("alice*", "ALICE.SMITH", true),
        ("alice*", "alice", true),
        ("alice*", "malice", false),
        ("*@contoso.com", "bob@Contoso.COM", true),
        ("*@contoso.com", "bob@contoso.com.evil", false),
        ("*@contoso.com", "@contoso.com", true),
        ("a*b*c", "abc", true),
        ("a*b*c", "a-b-b-c", true),
        ("a*b*c", "acb", false),
        ("a*a", "a", false),
        ("*", "", true),
        ("**", "anything", true),
        ("Alice", "alice", true),
        ("alice", "alice2", false),
        ("%", "anything", false),
        ("%", "%", true),
        ("a_c", "abc", false),
        ("a_c", "A_C", true),
        ("[ab]", "a", false),
        ("[ab]", "[AB]", true),
        ("a?c", "abc", false),
        ("a?c", "a?c", true),
        ("x]y", "x]y", true),
        ("ÉLODIE*", "élodie@x.fr", true),
        ("*東京", "支店東京", true),
    ])
    func matchesCaseInsensitivelyWithOnlyStarAsWildcard(pattern: String, candidate: String, matches: Bool) {
        #expect(UserPattern(pattern).matches(candidate) == matches)
    }

    @Test(arguments: [
        ("alice*", "alice*"), ("*@Contoso.com", "*@contoso.com"), ("%_", "%_"), ("a?c", "a[?]c"),
        ("[x]", "[[]x[]]"), ("Ä*", "ä*"),
    ])
    func translatesToAnEscapedSQLiteGlob(pattern: String, glob: String) {
        #expect(UserPattern(pattern).sqlGlob == glob)
    }

    /// The same table again, through SQLite's own `GLOB` (Python's sqlite3 module).
    @Test(.enabled(if: ExternalTool.python3 != nil, "python3 not installed"))
    func sqlGlobAgreesWithMatchesInSQLite() throws {
        let pairs: [(String, String)] = [
            ("alice*", "alice@contoso.com"), ("alice*", "malice"), ("*@contoso.com", "bob@contoso.com"),
            ("%", "anything"), ("%", "%"), ("a_c", "abc"), ("a_c", "a_c"), ("[ab]", "a"), ("[ab]", "[ab]"),
            ("a?c", "abc"), ("a?c", "a?c"), ("x]y", "x]y"), ("a*b*c", "a-b-b-c"), ("a*a", "a"), ("*", ""),
            ("[*]", "[x]"), ("[]", "[]"), ("é*", "élodie"), ("^[!a]", "^[!a]"), ("^[!a]", "b"),
        ]
        let script = """
            import json, sqlite3, sys
            db = sqlite3.connect(':memory:')
            print(json.dumps([db.execute('select ? glob ?', (c, g)).fetchone()[0] == 1 for g, c in json.load(sys.stdin)]))
            """
        let input = try JSONSerialization.data(
            withJSONObject: pairs.map { [UserPattern($0.0).sqlGlob, $0.1.lowercased()] })
        let result = try ExternalTool.run(ExternalTool.python3!, ["-c", script], stdin: Array(input))
        #expect(result.status == 0, "\(result.stderr)")
        let answers = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Bool] ?? []
        #expect(answers == pairs.map { UserPattern($0.0).matches($0.1) })
    }

    @Test func knowsWhetherItHasAWildcard() {
        #expect(UserPattern("a*").hasWildcard)
        #expect(!UserPattern("a%").hasWildcard)
    }
}
