import Foundation
import SCIMKit
import SCIMReconTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running `scimrecon serve` on a free loopback port, and a real HTTP client for it.
final class ServeHarness: @unchecked Sendable {
    // Unchecked: one test owns one harness and drives it from one task at a time.
    static let token = "test-token-0123456789abcdef"

    let directory: String
    let store: String
    let logDirectory: String
    let process: Process
    let base: String
    let stderrPath: String
    let session: URLSession

    /// What one request got back.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: JSONValue?

        var object: JSONObject { body?.objectValue ?? JSONObject() }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// Starts the server in `directory` (a fresh one by default) with `arguments` added.
    init(
        directory: String? = nil, arguments: [String] = [], app: String = "Azure AD", listen: String = "127.0.0.1:0"
    ) throws {
        let directory = try directory ?? Fixtures.temporaryDirectory("serve")
        self.directory = directory
        store = directory + "/store.sqlite"
        logDirectory = directory + "/log"
        let tokenFile = directory + "/token"
        if !FileManager.default.fileExists(atPath: tokenFile) {
            FileManager.default.createFile(
                atPath: tokenFile, contents: Data((Self.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BinaryRunner(directory: directory).binary)
        process.arguments =
            [
                "serve", "--listen", listen, "--app", app, "--token-file", tokenFile, "--store", store,
                "--log-dir", logDirectory,
            ] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["SCIMRECON_STORE"] = nil
        environment["SCIMRECON_TOKEN"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        stderrPath = directory + "/serve-\(UUID().uuidString).stderr"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        // The first stdout line is the base URL, printed once the port is bound.
        var line: [UInt8] = []
        let reader = output.fileHandleForReading
        while true {
            let chunk = reader.readData(ofLength: 1)
            guard let byte = chunk.first else { break }
            if byte == 0x0A { break }
            line.append(byte)
        }
        base = String(decoding: line, as: UTF8.self)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
        guard base.hasPrefix("http") else {
            process.waitUntilExit()
            throw HarnessError(description: "serve did not start: \(stderr)")
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends one request to `path` under the base URL (`/Users?filter=…`).
    func send(
        _ method: String, _ path: String, body: JSONValue? = nil, token: String? = ServeHarness.token,
        rawBody: Data? = nil, root: Bool = false
    ) async throws -> Answer {
        let url = try require2(URL(string: (root ? String(base.dropLast("/scim/v2".count)) : base) + path))
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            var bytes: [UInt8] = []
            JSONWriter.write(body, into: &bytes)
            request.httpBody = Data(bytes)
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        } else if let rawBody {
            request.httpBody = rawBody
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key] = value }
        }
        let parsed = data.isEmpty ? nil : try? JSONParser.parse(Array(data))
        return Answer(status: http.statusCode, headers: headers, body: parsed)
    }

    /// The request log's lines, parsed, across every day file.
    func logRecords() throws -> [JSONObject] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: logDirectory))?.sorted() ?? []
        var records: [JSONObject] = []
        for file in files where file.hasSuffix(".jsonl") {
            let text = try String(contentsOfFile: logDirectory + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.isEmpty {
                if let object = try JSONParser.parse(String(line)).objectValue { records.append(object) }
            }
        }
        return records
    }

    var logFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: logDirectory)) ?? []).sorted().map {
            logDirectory + "/" + $0
        }
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// `#require` outside a test body.
func require2<T>(_ value: T?) throws -> T {
    guard let value else { throw ServeHarness.HarnessError(description: "a required value was missing") }
    return value
}
