#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--serve`: sustained PATCH/s and latency of `scimrecon serve` on loopback, every request's
/// log line fsynced before its answer (target: 500 PATCH/s or more, p99 under 50 ms).
extension BenchSuite {
    static let serveToken = "bench-token-0123456789abcdef"

    func measureServe() throws {
        let directory = "\(work)/serve"
        BenchFiles.removeStore("\(directory)/store.sqlite")
        _ = try? BenchFiles.makeDirectory(directory)
        let server = try ServeProcess(binary: binary, directory: directory, token: Self.serveToken)
        var stopped = false
        defer { if !stopped { _ = server.stop() } }
        print("scimrecon serve (\(options.serveConnections) connections, \(options.serveRequests) PATCH):")

        // Untimed: the users the PATCHes go to.
        var setup = try LoopbackHTTP(port: server.port)
        var ids: [String] = []
        for index in 0..<100 {
            let body = Array(
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bench\#(index)@example.com","active":true}"#
                    .utf8)
            let (status, response) = try setup.send("POST", "/scim/v2/Users", token: Self.serveToken, body: body)
            guard status == 201, let id = Self.id(in: response) else {
                throw BenchError("serve: POST /Users answered \(status)")
            }
            ids.append(id)
        }
        setup.close()

        let perClient = max(1, options.serveRequests / options.serveConnections)
        let clients = (0..<options.serveConnections).map { index in
            ServeClient(port: server.port, token: Self.serveToken, ids: ids, offset: index, count: perClient)
        }
        let start = ChildProcess.now()
        var threads: [pthread_t] = []
        for client in clients {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(client).toOpaque()
            let created = pthread_create(
                &thread, nil,
                { raw in
                    let client = Unmanaged<ServeClient>.fromOpaque(raw!).takeRetainedValue()
                    client.run()
                    return nil
                }, context)
            guard created == 0 else { throw BenchError("serve: cannot start a client thread") }
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
        let seconds = ChildProcess.now() - start
        let peak = server.stop()
        stopped = true
        let latencies = clients.flatMap(\.latencies).sorted()
        let failures = clients.reduce(0) { $0 + $1.failures }
        guard !latencies.isEmpty else { throw BenchError("serve: no request was answered") }
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let p50 = percentile(0.50) * 1000
        let p99 = percentile(0.99) * 1000
        let rate = Double(latencies.count) / seconds
        var result = BenchResult(
            name: "serve PATCH ×\(options.serveConnections) connections", items: latencies.count, unit: "requests",
            seconds: [seconds], peakBytes: peak)
        let verdict = rate >= 500 && p99 < 50 ? "meets" : "misses"
        result.note =
            "p50 \(Figures.fixed(p50, 2)) ms, p99 \(Figures.fixed(p99, 2)) ms; \(verdict) the target "
            + "(≥ 500/s, p99 < 50 ms)" + (failures > 0 ? "; \(failures) requests failed" : "")
        results.append(result)
        print(
            "  \(Figures.grouped(rate)) PATCH/s over \(Figures.duration(seconds)), p50 \(Figures.fixed(p50, 2)) ms, "
                + "p99 \(Figures.fixed(p99, 2)) ms, log fsynced per answer; \(verdict) the target")
        fflush(nil)
    }

    /// The `"id"` of a JSON resource, read without a JSON library.
    static func id(in body: [UInt8]) -> String? {
        let key = Array("\"id\":\"".utf8)
        guard let start = LoopbackHTTP.find(key, in: body) else { return nil }
        let from = start + key.count
        guard let end = body[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: body[from..<end], as: UTF8.self)
    }
}

/// One load-generating connection: `count` PATCHes, round-robin over the users.
final class ServeClient {
    let port: UInt16
    let token: String
    let ids: [String]
    let offset: Int
    let count: Int
    var latencies: [Double] = []
    var failures = 0

    init(port: UInt16, token: String, ids: [String], offset: Int, count: Int) {
        self.port = port
        self.token = token
        self.ids = ids
        self.offset = offset
        self.count = count
    }

    func run() {
        guard var connection = try? LoopbackHTTP(port: port) else {
            failures = count
            return
        }
        defer { connection.close() }
        latencies.reserveCapacity(count)
        for index in 0..<count {
            let id = ids[(index + offset * 7) % ids.count]
            let body = Array(
                (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","#
                    + #""path":"displayName","value":"Bench \#(offset)-\#(index)"}]}"#).utf8)
            let start = ChildProcess.now()
            guard let (status, _) = try? connection.send("PATCH", "/scim/v2/Users/\(id)", token: token, body: body)
            else {
                failures += count - index
                return
            }
            if status == 200 { latencies.append(ChildProcess.now() - start) } else { failures += 1 }
        }
    }
}

/// `scimrecon serve` started for the benchmark on a free loopback port.
final class ServeProcess {
    let pid: pid_t
    let port: UInt16

    init(binary: String, directory: String, token: String) throws(BenchError) {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw BenchError("serve: pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addopen(&actions, 2, "\(directory)/stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let arguments = [
            binary, "serve", "--listen", "127.0.0.1:0", "--app", "Bench", "--store", "\(directory)/store.sqlite",
            "--log-dir", "\(directory)/log",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("SCIMRECON_TOKEN=\(token)")]
        var index = 0
        while let entry = environ[index] {
            if !String(cString: entry).hasPrefix("SCIMRECON_TOKEN=") { environment.append(strdup(entry)) }
            index += 1
        }
        environment.append(nil)
        defer { for pointer in environment { free(pointer) } }
        var child: pid_t = 0
        let code = posix_spawn(&child, binary, &actions, nil, &argv, &environment)
        Glibc.close(pipeEnds[1])
        guard code == 0 else { throw BenchError("serve: cannot start \(binary): \(String(cString: strerror(code)))") }
        pid = child
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(pipeEnds[0], &byte, 1) == 1, byte != 0x0A { line.append(byte) }
        Glibc.close(pipeEnds[0])
        let url = String(decoding: line, as: UTF8.self)
        guard let colon = url.lastIndex(of: ":"),
            let parsed = UInt16(url[url.index(after: colon)...].prefix { $0.isNumber })
        else {
            kill(child, SIGKILL)
            throw BenchError("serve did not start: \(BenchFiles.firstLine("\(directory)/stderr.txt"))")
        }
        port = parsed
    }

    /// SIGTERM and wait: in-flight requests finish and the log is synced. Returns the server's
    /// peak resident memory in bytes.
    func stop() -> Int {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        #if canImport(Darwin)
            return Int(usage.ru_maxrss)
        #else
            return Int(usage.ru_maxrss) * 1024
        #endif
    }
}
