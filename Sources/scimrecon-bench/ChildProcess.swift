#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one run of a child process cost: wall time and the child's peak resident memory.
struct Measurement {
    var seconds: Double
    /// Peak resident set size of the child, in bytes (`ru_maxrss`).
    var peakBytes: Int
    var status: Int32
}

/// Runs a program as a child and measures it with `wait4`, so the figures are the child's own
/// (never the benchmark's memory, never a shell's).
enum ChildProcess {
    /// Runs `arguments` (the first is looked up in `PATH` unless it holds a `/`), with stdout
    /// written to `stdout` (default `/dev/null`) and stderr to `stderr`.
    static func run(
        _ arguments: [String], stdout: String = "/dev/null", stderr: String = "/dev/null"
    ) throws(BenchError) -> Measurement {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let start = now()
        let code = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard code == 0 else {
            throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(code)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed for \(arguments[0])") }
        }
        let seconds = now() - start
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        #if canImport(Darwin)
            let peak = Int(usage.ru_maxrss)
        #else
            let peak = Int(usage.ru_maxrss) * 1024
        #endif
        return Measurement(seconds: seconds, peakBytes: peak, status: exit)
    }

    /// Whether `program` can be found in `PATH`.
    static func available(_ program: String) -> Bool {
        guard let path = getenv("PATH").map({ String(cString: $0) }) else { return false }
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
