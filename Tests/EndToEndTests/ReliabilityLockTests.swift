import Foundation
import SCIMReconTestSupport
import Testing

/// One writer (SPEC §5): runs started together let exactly one write, the others exit 75 at
/// once; a killed holder leaves no stale lock; readers see the state before or after a run.
///
/// The holder is stopped with `SCIMRECON_PAUSE_AT` (SIGSTOP at a phase) instead of relying on
/// timing: the others exit while it is stopped, so they cannot have waited for it.
@Suite(.serialized) struct ReliabilityLockTests {
    let directory: String
    let runner: BinaryRunner
    static let workload = ReliabilityWorkload(runs: 3, linesPerRun: 400, seed: 11)

    init() throws {
        directory = try Fixtures.temporaryDirectory("lock")
        runner = ReliabilityCrashTests.runner(directory)
    }

    /// Whether `pid` is stopped (state `T` in /proc).
    static func isStopped(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "T"
    }

    /// Waits until `process` has stopped itself at its pause point (or exited).
    static func waitUntilStopped(_ process: RunningProcess) {
        while process.process.isRunning && !isStopped(process.pid) { usleep(2000) }
    }

    @Test(arguments: [2, 4, 8])
    func runsStartedTogetherLetExactlyOneWrite(count: Int) throws {
        try Self.workload.stage(run: 1, in: directory)
        let started = Date()
        let processes = try (0..<count).map { _ in
            try runner.start(["run", "jobs/crash.yml"], extraEnvironment: ["SCIMRECON_PAUSE_AT": "before-commit"])
        }
        // Everyone but the holder exits; the holder stops itself just before its commit.
        var exits: [(status: Int32, stderr: String, seconds: Double)] = []
        var holder: RunningProcess?
        var waiting = processes
        while !waiting.isEmpty {
            // Decide once which have exited: one that exits between two checks must not be dropped.
            let exited = waiting.filter { !$0.process.isRunning }
            for process in exited {
                let result = try process.finish()
                exits.append((result.status, result.stderr, Date().timeIntervalSince(started)))
            }
            waiting.removeAll { candidate in exited.contains { $0 === candidate } }
            if let stopped = waiting.first(where: { Self.isStopped($0.pid) }), waiting.count == 1 {
                holder = stopped
                break
            }
            usleep(2000)
        }
        let writer = try #require(holder, "no run took the lock")
        #expect(exits.count == count - 1)
        for exit in exits {
            #expect(exit.status == 75, "\(exit.stderr)")
            #expect(exit.stderr.contains("another run holds the store's lock"))
        }
        let slowest = exits.map(\.seconds).max() ?? 0
        FileHandle.standardError.write(
            Data("reliability: lock: \(count - 1) of \(count) runs exited 75, the last after \(slowest) s\n".utf8))
        kill(writer.pid, SIGCONT)
        let result = try writer.finish()
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let runs = try runner.run(["runs", "--store", "store.sqlite", "--format", "jsonl"]).stdout
        #expect(runs.split(separator: "\n").count == 1, "only the holder recorded a run")
        #expect(try StoreState.capture(runner) == Self.workload.state(afterRuns: 1))
    }

    @Test func aKilledHolderNeverLeavesAStaleLock() throws {
        try Self.workload.stage(run: 1, in: directory)
        for phase in ["applying:50", "before-commit", "after-commit"] {
            let holder = try runner.start(["run", "jobs/crash.yml"], extraEnvironment: ["SCIMRECON_PAUSE_AT": phase])
            Self.waitUntilStopped(holder)
            let blocked = try runner.run(["run", "jobs/crash.yml"])
            #expect(blocked.status == 75, "\(phase): \(blocked.stderr)")
            holder.kill()
            kill(holder.pid, SIGCONT)
            _ = try holder.finish()
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/store.sqlite.lock"))
        let next = try runner.run(["run", "jobs/crash.yml"])
        #expect(next.status == 0 || next.status == 1, "\(next.stderr)")
        #expect(try StoreState.capture(runner) == Self.workload.state(afterRuns: 1))
    }

    @Test func readersDuringARunSeeTheStateBeforeOrAfterItNeverBetween() throws {
        let reference = try (0...3).map { try Self.workload.state(afterRuns: $0) }
        try Self.workload.stage(run: 1, in: directory)
        #expect([0, 1].contains(try runner.run(["run", "jobs/crash.yml"]).status))
        // Stopped with everything applied but not committed: readers see the run before.
        try Self.workload.stage(run: 2, in: directory)
        let paused = try runner.start(
            ["run", "jobs/crash.yml"], extraEnvironment: ["SCIMRECON_PAUSE_AT": "before-commit"])
        Self.waitUntilStopped(paused)
        #expect(try StoreState.capture(runner) == reference[1])
        kill(paused.pid, SIGCONT)
        #expect([0, 1].contains(try paused.finish().status))
        #expect(try StoreState.capture(runner) == reference[2])
        // Running freely: every reading is one side of the commit.
        try Self.workload.stage(run: 3, in: directory)
        let running = try runner.start(["run", "jobs/crash.yml"])
        var readings = 0
        repeat {
            let users = try runner.run(["users", "--store", "store.sqlite", "--format", "jsonl"]).stdout
            let sorted = users.split(separator: "\n").map(String.init).sorted()
            #expect(sorted == reference[2].users || sorted == reference[3].users, "a reader saw half a run")
            readings += 1
        } while running.process.isRunning
        #expect([0, 1].contains(try running.finish().status))
        #expect(try StoreState.capture(runner) == reference[3])
        #expect(readings >= 1)
    }
}
