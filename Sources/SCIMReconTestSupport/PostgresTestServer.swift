import Foundation
import SCIMReconCore
import SCIMReconPostgres

/// The PostgreSQL server the PostgreSQL half of the tests runs against.
///
/// - `$SCIMRECON_TEST_POSTGRES` (a base URL, e.g. `postgres://postgres:pw@127.0.0.1:5432/postgres`):
///   that server.
/// - Else, when `initdb` is installed (`/usr/lib/postgresql/*/bin`, or on `PATH`): a throwaway
///   cluster in a temporary folder, on a free loopback port, with a random password, started
///   once per test process (as the `postgres` user when the tests run as root: `initdb` refuses
///   root) and stopped when the process exits.
/// - Else the PostgreSQL tests are skipped, with one `skipped: …` line on stderr; with
///   `$SCIMRECON_REQUIRE_POSTGRES=1` they run and fail instead (`PostgresTestServer.require()`).
///
/// Every test takes a database of its own (`freshDatabase()`), dropped by `drop(_:)`.
public final class PostgresTestServer: @unchecked Sendable {
    /// The URL of the server's maintenance database (`postgres`), password included.
    public let baseURL: String
    /// The password in `baseURL`, for tests that check it never reaches any output.
    public let password: String?
    /// A cluster this process started, to stop at exit.
    private let dataDirectory: String?

    private init(baseURL: String, password: String?, dataDirectory: String?) {
        self.baseURL = baseURL
        self.password = password
        self.dataDirectory = dataDirectory
    }

    /// The server, started on first use; nil when there is none (and it is not required).
    public static let shared: PostgresTestServer? = {
        do {
            return try find()
        } catch {
            FileHandle.standardError.write(Data("skipped: PostgreSQL tests: \(error)\n".utf8))
            return nil
        }
    }()

    /// Whether the PostgreSQL tests run: a server was found, or one is required (so that they fail).
    public static var enabled: Bool { shared != nil || isRequired }

    static var isRequired: Bool { ProcessInfo.processInfo.environment["SCIMRECON_REQUIRE_POSTGRES"] == "1" }

    /// The server, or an error that fails the test when `$SCIMRECON_REQUIRE_POSTGRES=1` has none.
    public static func require() throws -> PostgresTestServer {
        guard let shared else {
            throw StoreError("SCIMRECON_REQUIRE_POSTGRES=1 but no PostgreSQL server could be found or started")
        }
        return shared
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    private static func find() throws -> PostgresTestServer {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["SCIMRECON_TEST_POSTGRES"], !url.isEmpty {
            return PostgresTestServer(baseURL: url, password: passwordIn(url), dataDirectory: nil)
        }
        guard let bin = serverBinaries() else {
            throw Unavailable(
                description: "no server (set SCIMRECON_TEST_POSTGRES to a URL, or install postgresql for initdb)")
        }
        return try startCluster(bin: bin)
    }

    /// The password part of `postgres://user:password@…`, if any.
    static func passwordIn(_ url: String) -> String? {
        guard let start = url.range(of: "://"), let at = url[start.upperBound...].firstIndex(of: "@") else {
            return nil
        }
        let userInfo = url[start.upperBound..<at]
        return userInfo.firstIndex(of: ":").map { String(userInfo[userInfo.index(after: $0)...]) }
    }

    /// The folder holding `initdb`, `pg_ctl` and `postgres`.
    static func serverBinaries() -> String? {
        let manager = FileManager.default
        let root = "/usr/lib/postgresql"
        let versions = ((try? manager.contentsOfDirectory(atPath: root)) ?? []).sorted {
            (Int($0) ?? 0) > (Int($1) ?? 0)
        }
        for version in versions where manager.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where manager.isExecutableFile(atPath: "\(folder)/initdb")
            && manager.isExecutableFile(atPath: "\(folder)/pg_ctl")
        {
            return String(folder)
        }
        return nil
    }

    private static func startCluster(bin: String) throws -> PostgresTestServer {
        let directory = try Fixtures.temporaryDirectory("postgres")
        let data = directory + "/data"
        let password = "pw" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let passwordFile = directory + "/pwfile"
        try Data(password.utf8).write(to: URL(fileURLWithPath: passwordFile))
        let asRoot = getuid() == 0
        if asRoot {
            // The cluster's files belong to `postgres`, which must reach them.
            guard let account = getpwnam("postgres") else {
                throw Unavailable(description: "running as root, and there is no postgres user to run initdb as")
            }
            for path in [directory, passwordFile] { chown(path, account.pointee.pw_uid, account.pointee.pw_gid) }
            chmod(directory, 0o755)
        }
        try runAsServer(
            asRoot, bin + "/initdb",
            ["-D", data, "-U", "postgres", "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"])
        var lastError: Error?
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            do {
                try runAsServer(
                    asRoot, bin + "/pg_ctl",
                    [
                        "-D", data, "-l", directory + "/server.log", "-w", "-t", "30", "-o",
                        "-c listen_addresses=127.0.0.1 -p \(port) -k \(data) -c fsync=off -c max_connections=200",
                        "start",
                    ])
                let server = PostgresTestServer(
                    baseURL: "postgres://postgres:\(password)@127.0.0.1:\(port)/postgres", password: password,
                    dataDirectory: data)
                stopAtExit(bin: bin, data: data, asRoot: asRoot)
                return server
            } catch {
                lastError = error
            }
        }
        throw lastError ?? Unavailable(description: "the throwaway cluster did not start")
    }

    nonisolated(unsafe) private static var stopCommand: [String] = []

    private static func stopAtExit(bin: String, data: String, asRoot: Bool) {
        let stop = [bin + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]
        stopCommand = asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + stop : stop
        atexit {
            try? PostgresTestServer.run(
                PostgresTestServer.stopCommand[0], Array(PostgresTestServer.stopCommand.dropFirst()))
        }
    }

    private static func runAsServer(_ asRoot: Bool, _ executable: String, _ arguments: [String]) throws {
        if asRoot {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
        } else {
            try run(executable, arguments)
        }
    }

    /// Runs a tool and waits for it with `waitpid`, its output into a file: the server
    /// `pg_ctl` starts inherits the descriptors (a pipe would never reach its end), and
    /// Foundation's `Process` does not always notice `runuser` exit once it has.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let outputPath = NSTemporaryDirectory() + "pg-tool-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Unavailable(description: "\(executable): cannot start it (errno \(spawned))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // Exited normally with status 0 (WIFEXITED and WEXITSTATUS, which Swift does not import).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Unavailable(
                description: "\((executable as NSString).lastPathComponent) failed (status \(status)): "
                    + text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    // MARK: Databases

    /// A new empty database (`t_<random>`); returns its URL, password included.
    public func freshDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
        try PostgresSession(url: baseURL).execute("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Drops a database `freshDatabase()` made, closing any connection left to it.
    public func drop(_ databaseURL: String) {
        guard let name = Self.databaseName(databaseURL), name.hasPrefix("t_") else { return }
        _ = try? PostgresSession(url: baseURL).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// `baseURL` with another database.
    public func url(database: String) -> String {
        guard let start = baseURL.range(of: "://") else { return baseURL }
        let rest = baseURL[start.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let queryStart = rest[authorityEnd...].firstIndex(of: "?")
        return String(baseURL[..<authorityEnd]) + "/" + database + (queryStart.map { String(rest[$0...]) } ?? "")
    }

    static func databaseName(_ url: String) -> String? {
        guard let start = url.range(of: "://") else { return nil }
        let rest = url[start.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return String(rest[rest.index(after: slash)...].prefix { $0 != "?" })
    }
}
