import Foundation
import SCIMReconTestSupport
import Testing

/// Third-party SCIM compliance suites from PyPI against the running endpoint. `.ci/run` installs
/// them; where they are missing the test is skipped with one line saying so.
@Suite(.serialized) struct ServeComplianceTests {
    /// The path of `name` on `$PATH`, if it is installed.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Runs a command to its end; returns its status and everything it printed.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        Int32, String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        env["NO_COLOR"] = "1"
        process.environment = env
        let directory = try Fixtures.temporaryDirectory("compliance")
        let outputPath = directory + "/output"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    @Test(
        .enabled(if: executable("scim2") != nil, "scim2-cli is not installed (pip install scim2-cli); skipped"))
    func scim2TesterChecksAllPass() async throws {
        let server = try ServeHarness()
        let (status, output) = try Self.run(
            Self.executable("scim2")!, ["--url", server.base, "test"],
            environment: ["SCIM_CLI_HEADERS": "Authorization: Bearer \(ServeHarness.token)"])
        #expect(server.stop() == 0)
        #expect(status == 0, "\(output)")
        let problems = output.split(separator: "\n").filter { $0.hasPrefix("ERROR") || $0.hasPrefix("CRITICAL") }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(output.split(separator: "\n").contains { $0.hasPrefix("SUCCESS") }, "the checks ran")
        #expect(!output.contains(ServeHarness.token))
    }

    @Test(
        .enabled(
            if: executable("scim-sanity") != nil, "scim-sanity is not installed (pip install scim-sanity); skipped"))
    func scimSanityProbePasses() async throws {
        let server = try ServeHarness()
        let (status, output) = try Self.run(
            Self.executable("scim-sanity")!,
            ["probe", server.base, "--token", ServeHarness.token, "--i-accept-side-effects"])
        #expect(server.stop() == 0)
        #expect(status == 0, "\(output)")
        #expect(!output.contains("[FAIL]"), "\(output)")
        #expect(output.contains("All tests passed"), "\(output)")
    }
}
