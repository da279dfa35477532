#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What to measure, from the command line.
///
/// `scimrecon-bench [--quick] [--users N] [--events M] [--runs R] [--seed S] [--work DIR]
/// [--binary PATH] [--baseline-binary PATH] [--no-peers] [--compare] [--no-memory] [--keep]`
struct BenchOptions {
    var users = 100_000
    var events = 1_000_000
    /// The larger log the memory check replays (4× `events`).
    var memoryEvents: Int?
    var runs = 3
    var seed: UInt64 = 42
    var work: String?
    var binary: String?
    /// A `scimrecon` built from earlier code: the snapshot runs alternate with it, so the
    /// "≥ 3× today's speed" targets compare within one run instead of with the fixed baseline.
    var baselineBinary: String?
    var peers = true
    var memoryCheck = true
    var keep = false
    var quick = false
    /// Also load `scimrecon serve` (see `ServeBench.swift`).
    var serve = false
    var serveConnections = 8
    var serveRequests = 4_000
    /// Also measure against this PostgreSQL database, which the bench empties (`BenchSuite+Postgres`).
    var postgres: String?

    static let usage = """
        usage: scimrecon-bench [--quick] [--users N] [--events M] [--runs R] [--seed S] [--work DIR]
                               [--binary PATH] [--baseline-binary PATH] [--compare | --no-peers] [--no-memory] [--keep]
          --quick      N=2000 users, M=20000 events (a CI-sized run, well under a minute)
          --compare    run the peers too (sqlite3, jq, python3): the default; missing ones are skipped
          --baseline-binary PATH
                       a scimrecon built from earlier code: the snapshot runs alternate with it and
                       its figures replace the fixed baseline of the "3× today's speed" targets
          --no-peers   measure scimrecon only
          --no-memory  skip the 4×M replay that shows peak memory does not grow with input
          --keep       keep the generated stores and reports in the work folder
          --serve      also load `scimrecon serve` on loopback: PATCH/s, p50/p99 (--serve-connections C,
                       --serve-requests R; default 8 and 4000)
          --postgres URL  also replay, import and report against this PostgreSQL database (emptied between
                       runs with psql), and two apps at once against their sum
        """

    /// Parses the arguments after the program name.
    static func parse(_ arguments: [String]) throws(BenchError) -> BenchOptions {
        var options = BenchOptions()
        var iterator = arguments.makeIterator()
        func value(_ name: String) throws(BenchError) -> String {
            guard let text = iterator.next() else { throw BenchError("\(name) needs a value") }
            return text
        }
        func number(_ name: String) throws(BenchError) -> Int {
            let text = try value(name)
            guard let number = Int(text.filter { $0 != "_" }), number > 0 else {
                throw BenchError("\(name): not a positive number")
            }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--quick":
                options.quick = true
                options.users = 2_000
                options.events = 20_000
            case "--users": options.users = try number(argument)
            case "--events": options.events = try number(argument)
            case "--memory-events": options.memoryEvents = try number(argument)
            case "--runs": options.runs = try number(argument)
            case "--seed": options.seed = UInt64(try number(argument))
            case "--work": options.work = try value(argument)
            case "--binary": options.binary = try value(argument)
            case "--baseline-binary": options.baselineBinary = try value(argument)
            case "--compare": options.peers = true
            case "--no-peers": options.peers = false
            case "--no-memory": options.memoryCheck = false
            case "--keep": options.keep = true
            case "--serve": options.serve = true
            case "--postgres": options.postgres = try value(argument)
            case "--serve-connections": options.serveConnections = try number(argument)
            case "--serve-requests": options.serveRequests = try number(argument)
            case "--help", "-h":
                print(usage)
                exit(0)
            default: throw BenchError("unknown argument '\(argument)'\n\(usage)")
            }
        }
        return options
    }

    /// The `scimrecon` binary: `--binary`, else the one beside this executable.
    func scimreconPath() throws(BenchError) -> String {
        if let binary { return binary }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let own =
            length > 0
            ? String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : CommandLine.arguments[0]
        let directory = own.contains("/") ? String(own[..<own.lastIndex(of: "/")!]) : "."
        let candidate = directory + "/scimrecon"
        guard access(candidate, X_OK) == 0 else {
            throw BenchError("no scimrecon beside \(own): build it first (swift build -c release) or pass --binary")
        }
        return candidate
    }
}
