import SCIMKit
import Testing

/// One row of the grammar table: a filter and either its canonical form or the error it gives.
struct GrammarCase: Sendable, CustomTestStringConvertible {
    var text: String
    /// The canonical description of the parsed filter; nil when the filter must be refused.
    var canonical: String?
    /// For a refused filter: a fragment of the message and the offset the caret points at.
    var error: (fragment: String, offset: Int)?

    var testDescription: String { text.isEmpty ? "(empty)" : text }

    static func valid(_ text: String, _ canonical: String? = nil) -> GrammarCase {
        GrammarCase(text: text, canonical: canonical ?? text, error: nil)
    }

    static func invalid(_ text: String, _ fragment: String, at offset: Int) -> GrammarCase {
        GrammarCase(text: text, canonical: nil, error: (fragment, offset))
    }
}

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

let validFilters: [GrammarCase] = [
    .valid(#"userName eq "bjensen""#),
    .valid(#"USERNAME EQ "bjensen""#, #"userName eq "bjensen""#),
    .valid(#"name.familyName co "O'Malley""#),
    .valid(#"userName sw "J""#),
    .valid(#"userName ew "sen""#),
    .valid(#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#),
    .valid("title pr"),
    .valid("title PR", "title pr"),
    .valid(#"meta.lastModified gt "2011-05-13T04:42:34Z""#),
    .valid(#"meta.lastModified ge "2011-05-13T04:42:34Z""#),
    .valid(#"meta.lastModified lt "2011-05-13T04:42:34Z""#),
    .valid(#"meta.lastModified le "2011-05-13T04:42:34Z""#),
    .valid(#"title pr and userType eq "Employee""#),
    .valid(#"title pr or userType eq "Intern""#),
    .valid(#"schemas eq "\#(enterprise)""#),
    .valid(#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#),
    .valid(
        #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#),
    .valid(
        #"userType eq "Employee" and (emails.type eq "work")"#, #"userType eq "Employee" and emails.type eq "work""#),
    .valid(#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#),
    .valid(#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#),
    .valid("a eq 1 or b eq 2 and c eq 3"),
    .valid("(a eq 1 or b eq 2) and c eq 3"),
    .valid("a eq 1 and b eq 2 and c eq 3"),
    .valid("a eq 1 or (b eq 2 or c eq 3)"),
    .valid("active eq true"),
    .valid("active eq True", "active eq true"),
    .valid("active eq false"),
    .valid("active ne false"),
    .valid("nickName eq null"),
    .valid("nickName ne NULL", "nickName ne null"),
    .valid("age gt 30"),
    .valid("score ge -1.5e3"),
    .valid("ratio lt 0.5"),
    .valid("count le 0"),
    .valid(#"userName eq "a\"b\\c""#),
    .valid(#"userName eq "\u00e9t\u00E9""#, #"userName eq "été""#),
    .valid(#"members[value eq"2819c223"]"#, #"members[value eq "2819c223"]"#),
    .valid(#"\#(enterprise):department eq "Tour Operations""#),
    .valid(#"\#(enterprise):manager.value eq "26118915""#),
    .valid(#"urn:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:User:Department pr"#, "\(enterprise):department pr"),
    .valid(#"Emails[Type eq "work"]"#, #"emails[type eq "work"]"#),
    .valid(#"not (userName eq "x")"#),
    .valid(#"NOT(userName eq "x")"#, #"not (userName eq "x")"#),
    .valid(#"((userName eq "x"))"#, #"userName eq "x""#),
    .valid(#"userName eq "x" and not (active eq false) or title pr"#),
    .valid("members.$ref pr"),
    .valid(#"displayName eq """#),
    .valid("  userName \t eq   \"x\"  ", #"userName eq "x""#),
    .valid(#"x-custom_1 eq "y""#),
    .valid(#"emails[not (type eq "work")]"#),
    .valid(#"emails[type eq "work" and (primary eq true or value ew ".org")]"#),
    .valid(#"id eq "2819c223-7f76-453a-919d-413861904646""#),
    .valid(#"userName EQ "x" AND title PR"#, #"userName eq "x" and title pr"#),
    .valid(#"emails[type eq "work"] and not (emails[primary eq false])"#),
]

let invalidFilters: [GrammarCase] = [
    .invalid("", "empty filter", at: 0),
    .invalid("   ", "empty filter", at: 0),
    .invalid("userName", "expected an operator", at: 8),
    .invalid("userName eq", "expected a value", at: 11),
    .invalid("userName eq bjensen", "expected a value", at: 12),
    .invalid(#"userName equals "x""#, "unknown operator 'equals'", at: 9),
    .invalid(#"userName eq "x"#, "unterminated string", at: 12),
    .invalid(#"(userName eq "x""#, "missing ')'", at: 16),
    .invalid(#"userName eq "x")"#, "unbalanced ')'", at: 15),
    .invalid(#"userName eq "x"]"#, "unbalanced ']'", at: 15),
    .invalid(#"emails[type eq "work""#, "missing ']'", at: 21),
    .invalid(#"emails[type eq "work" or 1 eq 1]"#, "must start with a letter", at: 25),
    .invalid("1 eq 1", "must start with a letter", at: 0),
    .invalid(#""x" eq "x""#, "found a string", at: 0),
    .invalid(#"userName eq "x" and"#, "expected an attribute path", at: 19),
    .invalid(#"userName eq "x" or"#, "expected an attribute path", at: 18),
    .invalid(#"userName eq "x" userName eq "y""#, "expected 'and', 'or'", at: 16),
    .invalid(#"not userName eq "x""#, "unknown operator 'userName'", at: 4),
    .invalid(#"emails[type eq "work" and addresses[type eq "home"]]"#, "cannot be nested", at: 35),
    .invalid("active gt true", "needs a string, number or date", at: 10),
    .invalid("nickName lt null", "needs a string, number or date", at: 12),
    .invalid("title co 5", "'co' needs a string", at: 9),
    .invalid("title sw null", "'sw' needs a string", at: 9),
    .invalid("title ew true", "'ew' needs a string", at: 9),
    .invalid("userName pr pr", "expected 'and', 'or'", at: 12),
    .invalid(#"name.givenName.x eq "a""#, "one sub-attribute level", at: 14),
    .invalid(#"emails [type eq "work"]"#, "no space is allowed before '['", at: 7),
    .invalid("userName eq 'x'", "expected a value", at: 12),
    .invalid(#"userName eq "a\qb""#, "invalid escape", at: 14),
    .invalid(#"userName eq "\ud800""#, "unpaired surrogate", at: 13),
    .invalid(#"urn: eq "x""#, "incomplete schema urn", at: 0),
    .invalid("userName eq 01", "expected a value", at: 12),
    .invalid("userName eq 1.", "expected a value", at: 12),
    .invalid("emails[]", "empty value filter", at: 7),
    .invalid("()", "expected an attribute path", at: 1),
    .invalid("name..givenName pr", "missing attribute name", at: 5),
    .invalid(#"emails.value[type eq "work"]"#, "applies to an attribute, not a sub-attribute", at: 12),
    .invalid(#"user name eq "x""#, "unknown operator 'name'", at: 5),
    .invalid("userName eq true false", "expected 'and', 'or'", at: 17),
    .invalid(#"userName eq "x" and (title pr or"#, "expected an attribute path", at: 32),
    .invalid(#"userName eq "x" and not ()"#, "expected an attribute path", at: 25),
    .invalid(#"emails[type eq "work"].value eq "a""#, "expected 'and', 'or' or the end", at: 22),
    .invalid(#"userName eq "line\#nbreak""#, "control character", at: 17),
    .invalid(#"user@name eq "x""#, "invalid character in attribute name", at: 4),
]

@Suite struct FilterGrammarTests {
    @Test(arguments: validFilters)
    func parsesValidFilterToItsCanonicalForm(_ row: GrammarCase) throws {
        let filter = try SCIMFilter.parse(row.text)
        #expect(filter.description == row.canonical)
        // Printing and parsing again gives the same tree.
        #expect(try SCIMFilter.parse(filter.description) == filter)
    }

    @Test(arguments: invalidFilters)
    func refusesInvalidFilterWithCaretAtOffset(_ row: GrammarCase) throws {
        let expected = try #require(row.error)
        let error = try #require(throws: SCIMError.self) { try SCIMFilter.parse(row.text) }
        #expect(error.status == 400)
        #expect(error.scimType == .invalidFilter)
        let lines = error.detail.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[0].contains(expected.fragment), "\(lines[0])")
        #expect(lines[0].hasSuffix("at offset \(expected.offset)"), "\(lines[0])")
        #expect(lines.last == Substring(String(repeating: " ", count: expected.offset) + "^"))
    }

    @Test func tableHasAtLeastSixtyCases() {
        #expect(validFilters.count + invalidFilters.count >= 60)
        #expect(validFilters.count >= 30 && invalidFilters.count >= 30)
    }

    @Test func andBindsTighterThanOr() throws {
        let filter = try SCIMFilter.parse("a eq 1 or b eq 2 and c eq 3")
        guard case .or(let lhs, .and) = filter else {
            Issue.record("expected or(a, and(b, c)), got \(filter)")
            return
        }
        #expect(lhs == .comparison(AttributePath(attribute: "a"), .eq, .number("1")))
    }

    @Test func parenthesesOverridePrecedence() throws {
        let filter = try SCIMFilter.parse("(a eq 1 or b eq 2) and c eq 3")
        guard case .and(.or, .comparison) = filter else {
            Issue.record("expected and(or(a, b), c), got \(filter)")
            return
        }
    }

    @Test func filterInjectionInsideValuePathIsAParseError() throws {
        let error = try #require(throws: SCIMError.self) {
            try SCIMFilter.parse(#"emails[type eq "work" or 1 eq 1]"#)
        }
        #expect(error.scimType == .invalidFilter)
    }

    @Test func valuePathKeepsItsInnerFilterAsATree() throws {
        let filter = try SCIMFilter.parse(#"emails[type eq "work" and primary eq true]"#)
        let inner = SCIMFilter.and(
            .comparison(AttributePath(attribute: "type"), .eq, .string("work")),
            .comparison(AttributePath(attribute: "primary"), .eq, .bool(true)))
        #expect(filter == .valuePath(AttributePath(attribute: "emails"), inner))
    }

    @Test func urnQualifiedAttributeKeepsItsSchema() throws {
        let filter = try SCIMFilter.parse(#"\#(enterprise):manager.value eq "x""#)
        let path = AttributePath(schemaURN: enterprise, attribute: "manager", subAttribute: "value")
        #expect(filter == .comparison(path, .eq, .string("x")))
    }

    @Test func longFilterIsEchoedCappedWithTheCaretStillUnderTheOffset() throws {
        let padding = String(repeating: "a eq 1 and ", count: 40)
        let text = padding + "b eq"
        let error = try #require(throws: SCIMError.self) { try SCIMFilter.parse(text) }
        let lines = error.detail.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1].count <= 202)
        let caretColumn = try #require(lines[2].firstIndex(of: "^")).utf16Offset(in: lines[2])
        let echoed = Array(lines[1])
        // The caret sits just past "b eq", at the end of the echoed text.
        #expect(caretColumn == echoed.count)
        #expect(String(echoed.suffix(4)) == "b eq")
    }

    @Test func deepNestingAndHugeFiltersAreRefusedNotCrashing() throws {
        let deep = String(repeating: "(", count: 100_000) + "a pr" + String(repeating: ")", count: 100_000)
        let nesting = try #require(throws: SCIMError.self) { try SCIMFilter.parse(deep) }
        #expect(nesting.detail.hasPrefix("parentheses nest more than 50 deep"))
        let allowed = String(repeating: "(", count: 50) + "a pr" + String(repeating: ")", count: 50)
        #expect(try SCIMFilter.parse(allowed) == .present(AttributePath(attribute: "a")))
        let long = Array(repeating: "a eq 1", count: 5000).joined(separator: " and ")
        let terms = try #require(throws: SCIMError.self) { try SCIMFilter.parse(long) }
        #expect(terms.detail.hasPrefix("more than 1000 comparisons"))
    }

    @Test func controlCharactersAreNotEchoedRaw() throws {
        let error = try #require(throws: SCIMError.self) { try SCIMFilter.parse("a eq\n\n") }
        #expect(error.detail.split(separator: "\n", omittingEmptySubsequences: false).count == 3)
    }
}
