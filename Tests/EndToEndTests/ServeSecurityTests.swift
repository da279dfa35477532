import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// HTTPS, the warning for clear text off loopback, and the bounds that stand in for a run's
/// guards at the endpoint.
@Suite(.serialized) struct ServeSecurityTests {
    /// Runs curl (the system's, with its own TLS stack) and returns its exit status and output.
    static func curl(_ arguments: [String]) throws -> (Int32, String) {
        try ServeComplianceTests.run("/usr/bin/curl", ["-s", "-S", "--max-time", "20"] + arguments)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is not installed"))
    func servesHTTPSWithTLS12OrLater() async throws {
        let directory = try Fixtures.temporaryDirectory("serve-tls")
        let (made, output) = try ServeComplianceTests.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory + "/key.pem", "-out",
                directory + "/cert.pem", "-days", "1", "-subj", "/CN=localhost",
            ])
        try #require(made == 0, "\(output)")
        let server = try ServeHarness(
            directory: directory, arguments: ["--tls-cert", "cert.pem", "--tls-key", "key.pem"])
        #expect(server.base.hasPrefix("https://"))
        let (status, body) = try Self.curl([
            "-k", "--tlsv1.2", "-H", "Authorization: Bearer \(ServeHarness.token)", server.base + "/Users",
        ])
        #expect(status == 0, "\(body)")
        #expect(body.contains("urn:ietf:params:scim:api:messages:2.0:ListResponse"))
        let (old, _) = try Self.curl(["-k", "--tlsv1.0", "--tls-max", "1.1", server.base + "/Users"])
        #expect(old != 0, "a client limited to TLS 1.1 cannot connect")
        #expect(server.stop() == 0)
    }

    @Test func listeningOffLoopbackWithoutTLSWarns() throws {
        let server = try ServeHarness(listen: "0.0.0.0:0")
        #expect(server.stop() == 0)
        #expect(server.stderr.contains("without TLS"))
        let quiet = try ServeHarness()
        #expect(quiet.stop() == 0)
        #expect(!quiet.stderr.contains("without TLS"))
    }

    @Test func deprovisionsPastTheHourlyCeilingAre503AndRecordedAsSkipped() async throws {
        let directory = try Fixtures.temporaryDirectory("serve-ceiling")
        try Fixtures.write(
            """
            version: 1
            name: entra-serve
            app: Azure AD
            inputs:
              - path: unused.jsonl
                format: scim-log
            policy:
              max_deprovisions: 1
            """, to: directory + "/job.yml")
        let server = try ServeHarness(directory: directory, arguments: ["--job", "job.yml"])
        var ids: [String] = []
        for name in ["one", "two"] {
            let created = try await server.send("POST", "/Users", body: ServeErrorTests.user("\(name)@example.com"))
            ids.append(try #require(created.object["id"]?.stringValue))
        }
        let off = ServeProviderTests.patch([["op": "Replace", "path": "active", "value": "False"]])
        #expect(try await server.send("PATCH", "/Users/\(ids[0])", body: off).status == 200)
        let refused = try await server.send("PATCH", "/Users/\(ids[1])", body: off)
        #expect(refused.status == 503)
        #expect(Int(refused.header("Retry-After") ?? "") ?? 0 > 0)
        let still = try await server.send("GET", "/Users/\(ids[1])")
        #expect(still.object["active"] == true, "nothing of the refused request was applied")
        #expect(server.stop() == 0)
        // The ceiling is read from the history: a restart does not reset it.
        let restarted = try ServeHarness(directory: directory, arguments: ["--job", "job.yml"])
        #expect(try await restarted.send("PATCH", "/Users/\(ids[1])", body: off).status == 503)
        #expect(restarted.stop() == 0)
        let report = try BinaryRunner(directory: directory).run([
            "report", "--store", server.store, "--status", "skipped", "--format", "json",
        ])
        let reasons = try JSONParser.parse(report.stdout).objectValue?["events"]?.arrayValue?.compactMap {
            $0.objectValue?["reason"]?.stringValue
        }
        #expect(reasons?.count == 2)
        #expect(reasons?.first?.hasPrefix("guard.max-deprovisions") == true)
    }

    @Test func aPatchWithTooManyOperationsIs413() async throws {
        let server = try ServeHarness()
        let created = try await server.send("POST", "/Users", body: ServeErrorTests.user("ops@example.com"))
        let id = try #require(created.object["id"]?.stringValue)
        let operations = (0...1000).map { index -> JSONValue in
            ["op": "replace", "path": "displayName", "value": .string("n\(index)")]
        }
        let answer = try await server.send("PATCH", "/Users/\(id)", body: ServeProviderTests.patch(operations))
        #expect(answer.status == 413)
        #expect(try await server.send("GET", "/Users/\(id)").object["displayName"] == nil)
        #expect(server.stop() == 0)
    }
}

extension ServeSecurityTests {
    /// Connects to `port` on loopback and returns how the server ended a connection that sends
    /// nothing: true when it closed it (read returned 0) before `limit` seconds.
    static func closesSilentConnection(port: UInt16, limit: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        var timeout = timeval(tv_sec: limit, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return read(descriptor, &byte, 1) == 0
    }

    @Test func aClientThatSendsNothingIsDisconnected() throws {
        let server = try ServeHarness(arguments: ["--idle-timeout", "1"])
        let port = try #require(UInt16(server.base.split(separator: ":").last?.prefix { $0.isNumber } ?? ""))
        #expect(Self.closesSilentConnection(port: port, limit: 20))
        #expect(server.stop() == 0)
    }
}
