#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `scimrecon-bench`: the shipped benchmark. Generates workloads from a seed, drives the release
/// `scimrecon` binary as a child process, measures wall time and peak memory, and compares with
/// plain tools doing the floor of the same work.
func runBench() -> Int32 {
    do {
        let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
        let binary = try options.scimreconPath()
        let work = options.work ?? (BenchFiles.exists("bench") ? "bench/work" : "/tmp/scimrecon-bench-\(getpid())")
        try BenchFiles.makeDirectory(work)
        let suite = BenchSuite(options: options, binary: binary, work: work)
        print("generating the workload in \(work) (seed \(options.seed))")
        try suite.generate()
        try suite.measureScimrecon()
        if options.memoryCheck { try suite.measureMemory() }
        if options.serve { try suite.measureServe() }
        if let url = options.postgres { try suite.measurePostgres(url) }
        if options.peers {
            let scripts = BenchFiles.exists("bench/replay.py") ? "bench" : nil
            try suite.measurePeers(scripts: scripts)
        }
        if !options.keep {
            for name in ["history", "base", "scratch", "peer", "loaded"] { BenchFiles.removeStore(suite.store(name)) }
        }
        suite.printTables(
            command: "scimrecon-bench "
                + maskingPasswords(Array(CommandLine.arguments.dropFirst())).joined(separator: " "))
        return 0
    } catch {
        let message = "scimrecon-bench: \(error)\n"
        _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        return 1
    }
}

exit(runBench())
