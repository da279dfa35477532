import Foundation
import SCIMReconTestSupport
import Testing

/// `scimrecon-cron`, installed by `scripts/install.sh`: cron mails whatever it prints, so it must
/// print nothing on success or a locked store, and say what happened on every failure.
@Suite struct CronWrapperTests {
    let install: InstallTests

    init() throws {
        install = try InstallTests()
        try install.install(binary: InstallTests.builtBinary, scheduler: "cron")
    }

    /// The installed wrapper, with only a PATH (as cron gives it) and the given settings.
    func cron(_ job: String, environment: [String: String] = [:]) throws -> Command.Result {
        let settings = environment.map { "\($0.key)=\($0.value)" }.sorted()
        return try Command.run(
            "/usr/bin/env",
            ["-i", "PATH=/usr/bin:/bin"] + settings + [install.prefix + "/lib/scimrecon/scimrecon-cron", job],
            directory: "/")
    }

    func log(_ job: String) throws -> String {
        try String(contentsOfFile: install.logdir + "/\(job).log", encoding: .utf8)
    }

    /// A stand-in for scimrecon that says `message`, counts its calls, and exits with `status`.
    func fakeBinary(status: Int32, message: String) throws -> String {
        let path = install.root + "/fake-scimrecon-\(status)"
        try Fixtures.write(
            """
            #!/bin/sh
            echo x >> '\(path).calls'
            echo '\(message)' >&2
            exit \(status)
            """, to: path)
        _ = chmod(path, 0o755)
        return path
    }

    func calls(_ fake: String) -> Int {
        ((try? String(contentsOfFile: fake + ".calls", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func printsNothingWhenTheRunSucceedsAndLogsIt() throws {
        let result = try cron("entra-nightly")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty, "cron would mail: \(result.stdout)")
        #expect(result.stderr.isEmpty, "cron would mail: \(result.stderr)")
        let log = try log("entra-nightly")
        #expect(log.contains(" entra-nightly exit 0: success\n"), "\(log)")
        #expect(log.contains("run 1 (entra-nightly, Azure AD): read 20,"), "\(log)")
    }

    @Test func mailsAGuardStopWithTheRunsOwnMessages() throws {
        try Fixtures.write(
            [JobRunEndToEndTests.post("ann@contoso.com", id: "u1"), JobRunEndToEndTests.delete("u1")]
                .joined(separator: "\n") + "\n", to: install.statedir + "/guard.jsonl")
        try Fixtures.write(
            """
            version: 1
            name: guarded
            app: Guarded
            store: output/guarded.sqlite
            inputs:
              - path: guard.jsonl
                format: scim-log
            policy:
              create: true
              deprovision: true
              max_deprovisions: 0
            """, to: install.sysconfdir + "/guarded.yml")
        let result = try cron("guarded")
        #expect(result.status == 3)
        #expect(result.stdout.hasPrefix("scimrecon: job guarded on "), "\(result.stdout)")
        #expect(result.stdout.contains(" exited 3: a safety guard stopped the run; nothing applied"))
        #expect(result.stdout.contains("guard.max-deprovisions"), "the run's own message: \(result.stdout)")
        #expect(try log("guarded").contains(" guarded exit 3: a safety guard stopped the run"))
    }

    @Test func retriesALockedStoreThenStaysQuiet() throws {
        let fake = try fakeBinary(status: 75, message: "scimrecon: error: another run holds the store")
        try Fixtures.write("SCIMRECON_LOCK_RETRIES=2\nSCIMRECON_LOCK_DELAY=0\n", to: install.root + "/quick.conf")
        let result = try cron(
            "entra-nightly", environment: ["SCIMRECON_BIN": fake, "SCIMRECON_CONF": install.root + "/quick.conf"])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "cron would mail: \(result.stdout)\(result.stderr)")
        #expect(calls(fake) == 3, "one run and two retries")
        let log = try log("entra-nightly")
        #expect(log.components(separatedBy: "exit 75: another run held the store's lock").count - 1 == 3, "\(log)")
    }

    @Test(arguments: [
        (Int32(74), "the store or a report could not be written"), (Int32(1), "finished, but some records failed"),
        (Int32(4), "an input could not be read"),
    ])
    func mailsEveryOtherFailureWithWhatItMeans(status: Int32, meaning: String) throws {
        let fake = try fakeBinary(status: status, message: "scimrecon: error: output/x.sqlite: no space left on device")
        let result = try cron("entra-nightly", environment: ["SCIMRECON_BIN": fake])
        #expect(result.status == status)
        #expect(result.stdout.contains("exited \(status): \(meaning)"), "\(result.stdout)")
        #expect(result.stdout.contains("scimrecon: error: output/x.sqlite: no space left on device"))
        #expect(calls(fake) == 1, "only a locked store is retried")
    }
}
