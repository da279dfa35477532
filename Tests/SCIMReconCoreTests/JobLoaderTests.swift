import Foundation
import SCIMKit
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
private let validJob = """
    version: 1
    name: nightly
    app: Azure AD
    inputs:
      - path: samples/entra/*.jsonl
        format: scim-log

    """

private func job(_ tail: String) -> String { validJob + tail }

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
            "jobs/t.yml:8: policy.keep_history: expected forever or a whole number and a unit: s, m, h, d or w (e.g. 30d)"
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
        name: "bad report format", yaml: job("reports:\n  - format: html\n    output: out.html\n"),
        expected:
            "jobs/t.yml:8: reports.format: unknown value 'html' (did you mean 'xml'?) (expected json, jsonl, csv or xml)"
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

@Suite struct JobLoaderTests {
    @Test(arguments: badJobs)
    func reportsEachBadJobWithFileLineAndKey(_ bad: BadJob) {
        #expect(throws: JobFileError.self) { try JobLoader.parse(yaml: bad.yaml, path: "jobs/t.yml") }
        do {
            _ = try JobLoader.parse(yaml: bad.yaml, path: "jobs/t.yml")
        } catch {
            #expect(error.description == bad.expected)
        }
    }

    @Test func loadsAMinimalJobWithTheDefaults() throws {
        let job = try JobLoader.parse(yaml: validJob, path: "jobs/t.yml")
        #expect(job.name == "nightly")
        #expect(job.app == "Azure AD")
        #expect(job.store == nil)
        #expect(job.match == [.externalId, .userName])
        #expect(job.policy == Policy.default)
        #expect(job.mapping.attributeNames == Mapping.default.attributeNames)
        #expect(job.inputs.count == 1)
        #expect(job.inputs[0].format == .scimLog)
        #expect(job.inputs[0].mode == .import)
        #expect(job.inputs[0].line == 5)
        #expect(job.reports.isEmpty)
        #expect(job.sourcePath == "jobs/t.yml")
    }

    @Test func loadsTheCompleteExampleOfTheSpec() throws {
        let job = try JobLoader.parse(yaml: specExample, path: "jobs/entra-nightly.yml")
        #expect(job.name == "entra-nightly")
        #expect(job.store == "output/scimrecon.sqlite")
        #expect(job.inputs.map(\.path) == ["samples/entra/*.jsonl", "samples/hr/users.csv"])
        let csv = job.inputs[1]
        #expect(csv.format == .csv)
        #expect(csv.mode == .snapshot)
        #expect(csv.modeIsExplicit)
        #expect(csv.skip == 1)
        #expect(csv.columns.map(\.column) == ["userPrincipalName", "surname", "mail", "accountEnabled"])
        #expect(csv.columns[2].path == "emails[type eq \"work\"].value")
        #expect(
            job.mapping.attributeNames == [
                "userName", "externalId", "displayName", "givenName", "familyName", "email", "active", "department",
                "login",
            ])
        #expect(job.mapping.entry(named: "displayName")?.defaultTemplate == "{givenName} {familyName}")
        #expect(job.mapping.entry(named: "login")?.transforms.map(\.name) == ["lower", "trim"])
        #expect(job.policy.maxDeprovisions == .count(500))
        #expect(job.policy.onError == .continue)
        #expect(job.reports == [JobReport(format: "csv", output: "output/{name}-{date}.csv", since: "24h", line: 34)])
    }

    @Test(arguments: ["entra-nightly.yml", "hr-csv-import.yml"])
    func loadsTheShippedJobFiles(_ file: String) throws {
        let job = try JobLoader.load(path: jobsDirectory + "/" + file)
        #expect(job.name == file.replacingOccurrences(of: ".yml", with: ""))
        #expect(!job.inputs.isEmpty)
    }

    @Test func loadsTheExampleOfTheFormatReference() throws {
        let text = try String(contentsOfFile: jobsDirectory + "/README-job-format.md", encoding: .utf8)
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let complete = try #require(blocks.first { $0.hasPrefix("version: 1") })
        let job = try JobLoader.parse(yaml: complete, path: "README-job-format.md")
        #expect(job.policy.maxDeprovisions == .percent(10))
        #expect(job.mapping.entry(named: "manager") != nil)
    }

    @Test func loadsEveryFragmentOfTheFormatReference() throws {
        let text = try String(contentsOfFile: jobsDirectory + "/README-job-format.md", encoding: .utf8)
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count >= 5)
        for block in blocks where !block.hasPrefix("version: 1") {
            let yaml: String
            if block.hasPrefix("inputs:") {
                yaml = "version: 1\nname: n\napp: a\n" + block
            } else if block.hasPrefix("mapping:") || block.hasPrefix("reports:") {
                yaml = validJob + block
            } else {
                yaml = validJob + "mapping:\n" + block.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
            }
            #expect(throws: Never.self, "\(block)") { try JobLoader.parse(yaml: yaml, path: "README-job-format.md") }
        }
    }

    @Test func readsEveryPolicyKey() throws {
        let yaml = job(
            """
            policy:
              create: false
              update: False
              deprovision: true
              delete_deactivated: true
              delete_after: 30d
              max_deprovisions: 10%
              on_error: abort
              max_failure_rate: 25%
              failure_rate_min_records: 200
              keep_history: 400d

            """)
        let policy = try JobLoader.parse(yaml: yaml, path: "j.yml").policy
        #expect(!policy.create && !policy.update && policy.deprovision && policy.deleteDeactivated)
        #expect(policy.deleteAfterMilliseconds == Int64(30) * 86_400_000)
        #expect(policy.maxDeprovisions == .percent(10))
        #expect(policy.onError == .abort)
        #expect(policy.maxFailureRate == 0.25)
        #expect(policy.failureRateMinimumRecords == 200)
        #expect(policy.keepHistoryMilliseconds == Int64(400) * 86_400_000)
    }

    @Test func keepsHistoryForeverWhenAsked() throws {
        let policy = try JobLoader.parse(yaml: job("policy:\n  keep_history: forever\n"), path: "j.yml").policy
        #expect(policy.keepHistoryMilliseconds == nil)
    }

    @Test func takesReportFiltersAsStringsOrLists() throws {
        let yaml = job(
            """
            reports:
              - format: xml
                output: output/{app}-{run}.xml
                since: 2026-11-01
                until: 2026-12-01T00:00:00Z
                user: bjensen@example.com
                action: [create, disable]
                status: failure

            """)
        let report = try JobLoader.parse(yaml: yaml, path: "j.yml").reports[0]
        #expect(report.since == "2026-11-01")
        #expect(report.until == "2026-12-01T00:00:00Z")
        #expect(report.users == ["bjensen@example.com"])
        #expect(report.actions == ["create", "disable"])
        #expect(report.statuses == ["failure"])
        #expect(
            report.outputPath(name: "n", app: "Azure AD/../x", date: "2026-11-28", run: 7)
                == "output/Azure-AD-..-x-7.xml")
    }

    @Test func defaultsAScimListInputToSnapshot() throws {
        let yaml = "version: 1\nname: n\napp: a\ninputs:\n  - path: x.json\n    format: scim-list\n  - path: y\n"
        let inputs = try JobLoader.parse(yaml: yaml, path: "j.yml").inputs
        #expect(inputs[0].mode == .snapshot)
        #expect(!inputs[0].modeIsExplicit)
        #expect(inputs[1].mode(for: .scimList) == .snapshot)
        #expect(inputs[1].mode(for: .csv) == .import)
    }

    @Test(arguments: [
        "department", "Name.GivenName", "manager",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "urn:ietf:params:scim:schemas:core:2.0:User:userName", "urn:acme:params:scim:1.0:User:badge",
        #"emails[type eq "work" and primary eq true].value"#, "phoneNumbers", "meta.lastModified",
    ])
    func acceptsEveryPathSCIMCanName(_ path: String) throws {
        let yaml = job("mapping:\n  custom: '\(path)'\n")
        let mapping = try JobLoader.parse(yaml: yaml, path: "j.yml").mapping
        #expect(mapping.entry(named: "custom")?.from == [path])
    }

    @Test func dropsADefaultAttributeMappedToNull() throws {
        let mapping = try JobLoader.parse(yaml: job("mapping:\n  displayName: ~\n"), path: "j.yml").mapping
        #expect(!mapping.attributeNames.contains("displayName"))
        #expect(mapping.attributeNames.contains("userName"))
    }

    @Test func leavesADroppedAttributeOutOfTheDefaultMatch() throws {
        let job = try JobLoader.parse(yaml: job("mapping:\n  externalId: ~\n"), path: "j.yml")
        #expect(job.match == [.userName])
    }

    @Test func reportsAnUnreadableFileWithoutFoundationNoise() {
        #expect(throws: JobFileError(path: "jobs/missing.yml", line: nil, message: "cannot read: no such file")) {
            try JobLoader.load(path: "jobs/missing.yml")
        }
        #expect(throws: JobFileError(path: jobsDirectory, line: nil, message: "cannot read: is a directory")) {
            try JobLoader.load(path: jobsDirectory)
        }
    }

    @Test func resolvesAGlobInNameOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("job-glob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["b.jsonl", "a.jsonl", "c.txt", "sub.jsonl"] where name != "sub.jsonl" {
            try Data().write(to: directory.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("sub.jsonl"), withIntermediateDirectories: true)
        let input = JobInput(path: directory.path + "/*.jsonl", line: 5, jobPath: "jobs/t.yml")
        #expect(try input.resolvedFiles() == [directory.path + "/a.jsonl", directory.path + "/b.jsonl"])
    }

    @Test func namesTheJobLineWhenAGlobMatchesNothing() {
        let input = JobInput(path: "samples/none/*.jsonl", line: 7, jobPath: "jobs/t.yml")
        #expect(
            throws: JobFileError(path: "jobs/t.yml", line: 7, message: "input 'samples/none/*.jsonl' matches no file")
        ) {
            try input.resolvedFiles()
        }
        let literal = JobInput(path: "samples/none/users.csv", line: 9, jobPath: "jobs/t.yml")
        #expect(
            throws: JobFileError(path: "jobs/t.yml", line: 9, message: "input 'samples/none/users.csv' does not exist")
        ) {
            try literal.resolvedFiles()
        }
    }
}

/// The repository's `jobs/` folder.
let jobsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("jobs").path

/// SPEC §4's example job, as published.
private let specExample = """
    version: 1                          # required; the file format's version
    name: entra-nightly
    app: Azure AD                       # application name recorded on every event
    store: output/scimrecon.sqlite      # or postgres://user@host/db
    inputs:
      - path: samples/entra/*.jsonl     # globs; files are taken in name order
        format: scim-log
      - path: samples/hr/users.csv
        format: csv
        mode: snapshot                  # or import (the default): absent users are left alone
        skip: 1                         # lines before the header row
        columns:                        # CSV column -> SCIM path; unnamed columns are ignored
          userPrincipalName: userName
          surname: name.familyName
          mail: emails[type eq "work"].value
          accountEnabled: active        # True/False, true/false, Yes/No
    match: [externalId, userName]       # how an incoming user finds its local record, in order
    mapping:                            # local attribute  <-  SCIM path, with optional transforms
      userName: userName
      email: emails[type eq "work"].value
      givenName: name.givenName
      familyName: name.familyName
      department: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
      displayName: { from: displayName, default: "{givenName} {familyName}" }
      login: { from: userName, transform: [lower, trim] }
    policy:
      create: true
      update: true
      deprovision: true                 # act on deactivation / deletion in the source
      delete_deactivated: false         # true: delete locally; false: disable locally
      max_deprovisions: 500             # or "10%": a run that would deprovision more stops (exit 3)
      on_error: continue                # or abort
    reports:
      - format: csv
        output: output/{name}-{date}.csv
        since: 24h
    """
