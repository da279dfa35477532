import Testing

@testable import SCIMReconCore

/// A bad job file and the exact message `scimrecon validate` must print for it.
struct BadJob: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var expected: String
    var testDescription: String { name }
}

/// A minimal valid job; the cases below change one thing each (line numbers are 1-based).
let validJob = """
    version: 1
    name: nightly
    app: Azure AD
    inputs:
      - path: samples/entra/*.jsonl
        format: scim-log

    """

func job(_ tail: String) -> String { validJob + tail }

private let badJobs: [BadJob] = [
    BadJob(
        name: "unknown top-level key", yaml: job("polcy:\n  create: true\n"),
        expected: "jobs/t.yml:7: unknown key 'polcy' (did you mean 'policy'?)"),
    BadJob(
        name: "unknown policy key", yaml: job("policy:\n  create: true\n  delete_deactivatd: true\n"),
        expected: "jobs/t.yml:9: unknown key 'policy.delete_deactivatd' (did you mean 'delete_deactivated'?)"),
    BadJob(
        name: "unknown input key", yaml: "version: 1\nname: n\napp: a\ninputs:\n  - path: x\n    formt: csv\n",
        expected: "jobs/t.yml:6: unknown key 'inputs.formt' (did you mean 'format'?)"),
    BadJob(
        name: "unknown mapping entry key", yaml: job("mapping:\n  login: { from: userName, transfrom: [lower] }\n"),
        expected: "jobs/t.yml:8: unknown key 'mapping.login.transfrom' (did you mean 'transform'?)"),
    BadJob(
        name: "unknown report key", yaml: job("reports:\n  - format: csv\n    output: out.csv\n    snce: 24h\n"),
        expected: "jobs/t.yml:10: unknown key 'reports.snce' (did you mean 'since'?)"),
    BadJob(
        name: "report timespan that is no timespan",
        yaml: job("reports:\n  - format: csv\n    output: out.csv\n    since: 3x\n"),
        expected: "jobs/t.yml:10: reports.since: invalid time '3x': expected RFC 3339 (2026-11-01T00:00:00Z or "
            + "2026-11-01T02:00:00+01:00), a date (2026-11-01, UTC midnight) or a span back from now "
            + "(90m, 24h, 7d, 2w)"),
    BadJob(
        name: "report scope misspelt",
        yaml: job("reports:\n  - format: csv\n    output: out.csv\n    scope: histroy\n"),
        expected: "jobs/t.yml:10: reports.scope: unknown value 'histroy' (did you mean 'history'?) "
            + "(expected run or history)"),
    BadJob(
        name: "report since after until",
        yaml: job("reports:\n  - format: csv\n    output: out.csv\n    since: 2026-11-02\n    until: 2026-11-01\n"),
        expected: "jobs/t.yml:10: reports.since: '2026-11-02' is later than until '2026-11-01'"),
    BadJob(
        name: "unknown key far from any known one", yaml: job("colour: blue\n"),
        expected: "jobs/t.yml:7: unknown key 'colour'"),
    BadJob(
        name: "missing version", yaml: "name: n\napp: a\ninputs:\n  - path: x\n",
        expected: "jobs/t.yml:1: missing key 'version'"),
    BadJob(
        name: "version 2", yaml: "version: 2\nname: n\napp: a\ninputs:\n  - path: x\n",
        expected: "jobs/t.yml:1: version: unsupported version '2' (this scimrecon reads version 1)"),
    BadJob(
        name: "missing name", yaml: "version: 1\napp: a\ninputs:\n  - path: x\n",
        expected: "jobs/t.yml:1: missing key 'name'"),
    BadJob(
        name: "missing app", yaml: "version: 1\nname: n\ninputs:\n  - path: x\n",
        expected: "jobs/t.yml:1: missing key 'app'"),
    BadJob(
        name: "missing inputs", yaml: "version: 1\nname: n\napp: a\n",
        expected: "jobs/t.yml:1: missing key 'inputs'"),
    BadJob(
        name: "empty inputs", yaml: "version: 1\nname: n\napp: a\ninputs: []\n",
        expected: "jobs/t.yml:4: inputs: expected at least one input"),
    BadJob(
        name: "input without path", yaml: "version: 1\nname: n\napp: a\ninputs:\n  - format: csv\n",
        expected: "jobs/t.yml:5: missing key 'inputs.path'"),
    BadJob(
        name: "bad format", yaml: "version: 1\nname: n\napp: a\ninputs:\n  - path: x\n    format: scim-logs\n",
        expected:
            "jobs/t.yml:6: inputs.format: unknown value 'scim-logs' (did you mean 'scim-log'?) "
            + "(expected scim-log, scim-bulk, scim-list, csv or graph-logs)"),
    BadJob(
        name: "negative skip", yaml: "version: 1\nname: n\napp: a\ninputs:\n  - path: x\n    skip: -1\n",
        expected: "jobs/t.yml:6: inputs.skip: expected a whole number, 0 or more"),
    BadJob(
        name: "snapshot of a log", yaml: job("    mode: snapshot\n"),
        expected: "jobs/t.yml:7: inputs.mode: snapshot applies to csv and scim-list inputs, not scim-log"),
    BadJob(
        name: "columns on a log", yaml: job("    columns: { mail: userName }\n"),
        expected: "jobs/t.yml:7: inputs.columns: applies to csv inputs only, not scim-log"),
    BadJob(
        name: "column to an unknown path",
        yaml: "version: 1\nname: n\napp: a\ninputs:\n  - path: x\n    columns:\n      mail: emial\n",
        expected: "jobs/t.yml:7: inputs.columns.mail: unknown scim attribute 'emial'"),
    BadJob(
        name: "bool that is not one", yaml: job("policy:\n  create: maybe\n"),
        expected: "jobs/t.yml:8: policy.create: expected true or false"),
    BadJob(
        name: "string where a map belongs", yaml: job("policy: strict\n"),
        expected: "jobs/t.yml:7: policy: expected a map of keys"),
    BadJob(
        name: "bad on_error", yaml: job("policy:\n  on_error: stop\n"),
        expected: "jobs/t.yml:8: policy.on_error: unknown value 'stop' (expected continue or abort)"),
    BadJob(
        name: "bad max_deprovisions", yaml: job("policy:\n  max_deprovisions: 120%\n"),
        expected: "jobs/t.yml:8: policy.max_deprovisions: expected a number of users or a percentage like 10%"),
    BadJob(
        name: "bad max_failure_rate", yaml: job("policy:\n  max_failure_rate: 1.5\n"),
        expected: "jobs/t.yml:8: policy.max_failure_rate: expected a percentage like 40% (or a fraction like 0.4)"),
    BadJob(
        name: "grace period without delete", yaml: job("policy:\n  delete_after: 30d\n"),
        expected: "jobs/t.yml:8: policy.delete_after: a grace period needs delete_deactivated: true"),
    BadJob(
        name: "bad duration", yaml: job("policy:\n  keep_history: a year\n"),
        expected:
            "jobs/t.yml:8: policy.keep_history: expected forever or a whole number and a unit: s, m, h, d or w (e.g. 90m, 24h, 30d)"
    ),
    BadJob(
        name: "mapping to an unknown scim attribute", yaml: job("mapping:\n  department: departmnt\n"),
        expected: "jobs/t.yml:8: mapping.department: unknown scim attribute 'departmnt'"),
    BadJob(
        name: "mapping to an unknown sub-attribute", yaml: job("mapping:\n  givenName: name.given\n"),
        expected: "jobs/t.yml:8: mapping.givenName: unknown scim attribute 'name.given'"),
    BadJob(
        name: "mapping to a path that does not parse",
        yaml: job("mapping:\n  email: 'emails[type eq \"work\".value'\n"),
        expected:
            "jobs/t.yml:8: mapping.email: bad scim path 'emails[type eq \"work\".value': expected 'and', 'or' or ']' at offset 21"
    ),
    BadJob(
        name: "mapping a complex attribute whole", yaml: job("mapping:\n  fullName: name\n"),
        expected: "jobs/t.yml:8: mapping.fullName: scim attribute 'name' is complex; map one of its sub-attributes"),
    BadJob(
        name: "mapping a sub-attribute of a simple attribute", yaml: job("mapping:\n  login: userName.value\n"),
        expected: "jobs/t.yml:8: mapping.login: scim attribute 'userName' has no sub-attributes"),
    BadJob(
        name: "mapping a whole extension",
        yaml: job("mapping:\n  ext: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\n"),
        expected:
            "jobs/t.yml:8: mapping.ext: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' names a whole schema extension; map one of its attributes"
    ),
    BadJob(
        name: "mapping an unknown enterprise attribute",
        yaml: job("mapping:\n  dept: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:departmnt\n"),
        expected:
            "jobs/t.yml:8: mapping.dept: unknown scim attribute 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:departmnt'"
    ),
    BadJob(
        name: "mapping a password", yaml: job("mapping:\n  secret: password\n"),
        expected: "jobs/t.yml:8: mapping.secret: a password is never stored"),
    BadJob(
        name: "unknown transform", yaml: job("mapping:\n  login: { from: userName, transform: [lowr] }\n"),
        expected: "jobs/t.yml:8: mapping.login.transform: unknown transform 'lowr' (did you mean 'lower'?)"),
    BadJob(
        name: "transform with a missing argument",
        yaml: job("mapping:\n  login: { from: userName, transform: [prefix] }\n"),
        expected: "jobs/t.yml:8: mapping.login.transform: prefix needs an argument (prefix: …)"),
    BadJob(
        name: "transform with an unwanted argument",
        yaml: job("mapping:\n  login:\n    from: userName\n    transform:\n      - lower: yes\n"),
        expected: "jobs/t.yml:11: mapping.login.transform: lower takes no argument"),
    BadJob(
        name: "bad regex",
        yaml: job(
            "mapping:\n  email:\n    from: emails\n    transform:\n      - replace: { pattern: \"([a-z\", with: x }\n"),
        expected: "jobs/t.yml:11: mapping.email.transform.replace.pattern: bad regular expression '([a-z'"),
    BadJob(
        name: "template naming an unknown attribute",
        yaml: job("mapping:\n  displayName:\n    from: displayName\n    default: \"{givenNme} {familyName}\"\n"),
        expected:
            "jobs/t.yml:10: mapping.displayName.default: unknown attribute '{givenNme}' in template (did you mean 'givenName'?)"
    ),
    BadJob(
        name: "templates that depend on each other",
        yaml: job("mapping:\n  a: { default: \"{b}\" }\n  b: { default: \"{a}\" }\n"),
        expected: "jobs/t.yml:8: mapping.a: template of 'a' depends on itself"),
    BadJob(
        name: "removing userName", yaml: job("mapping:\n  userName: ~\n"),
        expected: "jobs/t.yml:8: mapping.userName: userName is required and cannot be removed"),
    BadJob(
        name: "removing an attribute that is not a default", yaml: job("mapping:\n  costCenter: ~\n"),
        expected: "jobs/t.yml:8: mapping.costCenter: ~ removes a default attribute, and 'costCenter' is not one"),
    BadJob(
        name: "attribute name in the wrong case", yaml: job("mapping:\n  username: userName\n"),
        expected: "jobs/t.yml:8: mapping.username: attribute names are case-sensitive (did you mean 'userName'?)"),
    BadJob(
        name: "unknown match key", yaml: job("match: [externalId, mail]\n"),
        expected:
            "jobs/t.yml:7: match: unknown match key 'mail' (did you mean 'email'?) (expected externalId, userName, id or email)"
    ),
    BadJob(
        name: "match on an unmapped attribute", yaml: job("match: [email]\nmapping:\n  email: ~\n"),
        expected: "jobs/t.yml:7: match: 'email' is not a mapped attribute"),
    BadJob(
        name: "bad report format", yaml: job("reports:\n  - format: htm\n    output: out.html\n"),
        expected:
            "jobs/t.yml:8: reports.format: unknown value 'htm' (did you mean 'html'?) (expected json, jsonl, csv, xml or html)"
    ),
    BadJob(
        name: "report without output", yaml: job("reports:\n  - format: csv\n"),
        expected: "jobs/t.yml:8: missing key 'reports.output'"),
    BadJob(
        name: "unknown output placeholder", yaml: job("reports:\n  - format: csv\n    output: out-{dat}.csv\n"),
        expected:
            "jobs/t.yml:9: reports.output: unknown placeholder '{dat}' (did you mean '{date}'?) (expected {name}, {app}, {date} or {run})"
    ),
    BadJob(
        name: "unknown report status",
        yaml: job("reports:\n  - format: csv\n    output: o.csv\n    status: [failed]\n"),
        expected:
            "jobs/t.yml:10: reports.status: unknown status 'failed' (expected success, skipped or failure)"
    ),
    BadJob(
        name: "duplicate key", yaml: job("policy:\n  create: true\npolicy:\n  update: true\n"),
        expected: "jobs/t.yml:7: duplicate key 'policy'"),
    BadJob(
        name: "yaml syntax error", yaml: "version: 1\nname: [n\n",
        expected:
            "jobs/t.yml:3: yaml syntax error: did not find expected ',' or ']' (inside { } or [ ], quote values that contain [ ] { } or ,)"
    ),
    BadJob(
        name: "empty app", yaml: "version: 1\nname: n\napp: ''\ninputs:\n  - path: x\n",
        expected: "jobs/t.yml:3: app: expected a non-empty string"),
    BadJob(
        name: "null path", yaml: "version: 1\nname: n\napp: a\ninputs:\n  - path:\n",
        expected: "jobs/t.yml:5: inputs.path: expected a string"),
    BadJob(
        name: "unquoted value filter in a flow map",
        yaml: job("mapping:\n  email: { from: emails[type eq \"work\"].value }\n"),
        expected:
            "jobs/t.yml:8: yaml syntax error: did not find expected ',' or '}' (inside { } or [ ], quote values that contain [ ] { } or ,)"
    ),
    BadJob(name: "empty file", yaml: "# nothing here\n", expected: "jobs/t.yml:1: empty job file"),
    BadJob(name: "not a map", yaml: "- version: 1\n", expected: "jobs/t.yml:1: expected a map of job keys"),
]

@Suite struct JobLoaderBadJobTests {
    @Test(arguments: badJobs)
    func reportsEachBadJobWithFileLineAndKey(_ bad: BadJob) {
        let error = #expect(throws: JobFileError.self) { try JobLoader.parse(yaml: bad.yaml, path: "jobs/t.yml") }
        #expect(error?.description == bad.expected)
    }
}
