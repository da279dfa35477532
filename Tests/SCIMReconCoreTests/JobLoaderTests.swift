import Foundation
import Testing

@testable import SCIMReconCore

@Suite struct JobLoaderTests {
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
        #expect(job.reports == [JobReport(format: .csv, output: "output/{name}-{date}.csv", since: "24h", line: 34)])
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
        #expect(report.actions == [.create, .disable])
        #expect(report.statuses == [.failure])
        #expect(report.scope == .run)
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

    /// A missing input is exit 4 (an input that cannot be read), as for `import`, and the message
    /// says which folder a relative glob was looked for in.
    @Test func namesTheJobLineAndTheFolderWhenAGlobMatchesNothing() {
        let folder = FileManager.default.currentDirectoryPath
        let input = JobInput(path: "samples/none/*.jsonl", line: 7, jobPath: "jobs/t.yml")
        #expect(
            throws: IngestError(
                code: "input.missing", message: "input 'samples/none/*.jsonl' matches no file in \(folder)",
                location: "jobs/t.yml:7", kind: .input)
        ) {
            try input.resolvedFiles()
        }
        let literal = JobInput(path: "samples/none/users.csv", line: 9, jobPath: "jobs/t.yml")
        #expect(
            throws: IngestError(
                code: "input.missing", message: "input 'samples/none/users.csv' does not exist in \(folder)",
                location: "jobs/t.yml:9", kind: .input)
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
