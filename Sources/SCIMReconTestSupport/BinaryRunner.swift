import Foundation

/// Runs the built `scimrecon` binary, the way cron and scripts do, for end-to-end tests.
public struct BinaryRunner: Sendable {
    /// What one invocation printed and how it exited.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public let binary: String
    public var environment: [String: String]
    public var directory: String

    /// Finds the binary beside the test bundle (`.build/<triple>/debug/`), or `$SCIMRECON_BINARY`.
    public init(directory: String, environment: [String: String] = [:]) {
        self.directory = directory
        self.environment = environment
        let env = ProcessInfo.processInfo.environment
        if let override = env["SCIMRECON_BINARY"] {
            binary = override
            return
        }
        var candidates: [String] = []
        if let executable = Bundle.main.executablePath {
            candidates.append(
                ((executable as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent("scimrecon"))
        }
        for argument in CommandLine.arguments.prefix(3) {
            var url = URL(fileURLWithPath: argument)
            for _ in 0..<4 {
                url.deleteLastPathComponent()
                candidates.append(url.appendingPathComponent("scimrecon").path)
            }
        }
        candidates.append(Fixtures.repositoryRoot + "/.build/debug/scimrecon")
        binary =
            candidates.first { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            } ?? candidates.last!
    }

    /// Runs `scimrecon` with `arguments` and waits for it.
    public func run(_ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, extraEnvironment: extraEnvironment)
        return try process.finish()
    }

    /// Starts `scimrecon` without waiting (for lock and kill tests).
    public func start(_ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> RunningProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["SCIMRECON_STORE"] = nil
        for (key, value) in environment { env[key] = value }
        for (key, value) in extraEnvironment { env[key] = value }
        process.environment = env
        let out = directory + "/.stdout-\(UUID().uuidString)"
        let err = directory + "/.stderr-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, stdoutPath: out, stderrPath: err)
    }
}

/// A started `scimrecon` process.
public final class RunningProcess: @unchecked Sendable {
    // Unchecked: a test owns its process and touches it from one task at a time.
    public let process: Process
    let stdoutPath: String
    let stderrPath: String

    init(process: Process, stdoutPath: String, stderrPath: String) {
        self.process = process
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    public var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL.
    public func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Waits for the process and collects its output.
    public func finish() throws -> BinaryRunner.Result {
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
        return BinaryRunner.Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
