import Foundation
import SCIMReconTestSupport
import Testing

/// Faults (SPEC §2, exit 74): a failing write at each step, a full disk and a read-only folder
/// stop the run with exit 74, leave the store and the checkpoints as they were, and the next run
/// converges to the uninterrupted result.
///
/// The full disk and the read-only folder are real: a small tmpfs mounted by the test (root in CI).
/// Where mounting is not permitted those tests are skipped, visibly; the full disk is then still
/// proven by a file-size limit (`prlimit --fsize`, SIGXFSZ ignored, so writes fail with EFBIG).
@Suite(.serialized) struct ReliabilityFaultTests {
    let directory: String
    let runner: BinaryRunner
    static let workload = ReliabilityWorkload(runs: 2, linesPerRun: 400, seed: 23)

    init() throws {
        directory = try Fixtures.temporaryDirectory("fault")
        runner = ReliabilityCrashTests.runner(directory)
    }

    static let reference: [StoreState] = {
        (try? (0...2).map { try workload.state(afterRuns: $0) }) ?? []
    }()

    /// Lines the second run reads when nothing of it was consumed before.
    static var secondRunLines: Int { workload.growing[1].count + workload.daily[1].count }

    static let canMount: Bool = {
        let probe = NSTemporaryDirectory() + "mount-probe-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]) == 0 else { return false }
        return Shell.run("/bin/umount", [probe]) == 0
    }()

    func firstRun(store: String = "store.sqlite") throws {
        try Self.workload.stage(run: 1, in: directory)
        let first = try runner.run(["run", "jobs/crash.yml", "--store", store])
        #expect([0, 1].contains(first.status), "\(first.stderr)")
        try Self.workload.stage(run: 2, in: directory)
    }

    func expectConvergesAfterFault(store: String = "store.sqlite") throws {
        let next = try runner.run(["run", "jobs/crash.yml", "--store", store])
        #expect([0, 1].contains(next.status), "\(next.stderr)")
        #expect(next.stderr.contains("read \(Self.secondRunLines),"), "the checkpoint advanced: \(next.stderr)")
        #expect(try StoreState.capture(runner, store: store) == Self.reference[2])
    }

    @Test(arguments: [
        "reading:1", "reading:200", "applying:1", "applying:150", "checkpoint:1", "checkpoint:2", "flush:1",
        "before-commit",
    ])
    func aFailingWriteBeforeTheCommitExits74AndChangesNothing(step: String) throws {
        try firstRun()
        let failed = try runner.run(["run", "jobs/crash.yml"], extraEnvironment: ["SCIMRECON_FAIL_AT": step])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(failed.stderr.contains("injected write failure"))
        #expect(try StoreState.capture(runner) == Self.reference[1], "the store changed")
        try expectConvergesAfterFault()
    }

    /// After the commit the run is applied: a failure there is not exit 74 ("nothing applied").
    /// A report that cannot be renamed is exit 73 with the command that regenerates it.
    @Test(arguments: ["after-commit", "reports"])
    func aFailingWriteAfterTheCommitLeavesTheRunAppliedAndSaysSo(step: String) throws {
        try firstRun()
        let failed = try runner.run(["run", "jobs/crash.yml"], extraEnvironment: ["SCIMRECON_FAIL_AT": step])
        #expect(failed.status == (step == "reports" ? 73 : 74), "\(failed.stderr)")
        #expect(try StoreState.capture(runner) == Self.reference[2])
        if step == "reports" {
            #expect(
                failed.stderr.contains("run 2 was applied, but 1 of its reports were not written"), "\(failed.stderr)")
            #expect(failed.stderr.contains("scimrecon report --store"), "\(failed.stderr)")
            #expect(failed.stderr.contains("--run 2"), "\(failed.stderr)")
        }
        let next = try runner.run(["run", "jobs/crash.yml"])
        #expect(next.stderr.contains("read 0,"), "\(next.stderr)")
        #expect(try StoreState.capture(runner) == Self.reference[2])
    }

    /// With no space at all the store cannot even open its shared-memory file; with a little
    /// left it fails in the middle of the transaction (`database or disk is full`).
    @Test(
        .enabled(if: canMount, "mounting a tmpfs is not permitted here: full disk skipped"),
        arguments: [0, 96 * 1024])
    func aFullDiskExits74AndTheNextRunConverges(spaceLeft: Int) throws {
        let disk = directory + "/disk"
        try Mounted.tmpfs(at: disk, size: "4m")
        defer { Mounted.unmount(disk) }
        try firstRun(store: "disk/store.sqlite")
        let before = try Data(contentsOf: URL(fileURLWithPath: disk + "/store.sqlite"))
        let filler = disk + "/filler"
        Shell.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"])
        if spaceLeft > 0 { Shell.run("/usr/bin/truncate", ["-s", "-\(spaceLeft)", filler]) }
        let failed = try runner.run(["run", "jobs/crash.yml", "--store", "disk/store.sqlite"])
        #expect(failed.status == 74, "\(failed.stderr)")
        if spaceLeft > 0 { #expect(failed.stderr.contains("full"), "\(failed.stderr)") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: disk + "/store.sqlite")) == before, "the store changed")
        try FileManager.default.removeItem(atPath: filler)
        #expect(try StoreState.capture(runner, store: "disk/store.sqlite") == Self.reference[1])
        try expectConvergesAfterFault(store: "disk/store.sqlite")
    }

    @Test func aFileSizeLimitExits74AndTheNextRunConverges() throws {
        try firstRun()
        _ = Shell.run("/usr/bin/sqlite3", [directory + "/store.sqlite", "PRAGMA wal_checkpoint(TRUNCATE);"])
        // An ignored signal stays ignored across exec: the limit makes writes fail with EFBIG.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", "trap '' XFSZ; exec /usr/bin/prlimit --fsize=65536 -- \"$0\" run jobs/crash.yml 2>limited.err",
            runner.binary,
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(runner.environment) { $1 }
        try process.run()
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: directory + "/limited.err", encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 74, "\(stderr)")
        #expect(try StoreState.capture(runner) == Self.reference[1])
        try expectConvergesAfterFault()
    }

    @Test(.enabled(if: canMount, "mounting a tmpfs is not permitted here: read-only folders skipped"))
    func aReadOnlyReportFolderExits74BeforeAnythingIsCommitted() throws {
        let reports = directory + "/reports"
        try Mounted.tmpfs(at: reports, size: "1m")
        defer { Mounted.unmount(reports) }
        try firstRun()
        #expect(Shell.run("/bin/mount", ["-o", "remount,ro", reports]) == 0)
        let failed = try runner.run(["run", "jobs/crash.yml"])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(failed.stderr.lowercased().contains("read-only"), "\(failed.stderr)")
        #expect(try StoreState.capture(runner) == Self.reference[1], "the store changed")
        let report = try runner.run(["report", "--store", "store.sqlite", "--output", "reports/x.json"])
        #expect(report.status == 74, "\(report.stderr)")
        #expect(Shell.run("/bin/mount", ["-o", "remount,rw", reports]) == 0)
        try expectConvergesAfterFault()
        #expect(FileManager.default.fileExists(atPath: reports + "/crash-2.json"))
    }

    @Test(.enabled(if: canMount, "mounting a tmpfs is not permitted here: read-only folders skipped"))
    func aReadOnlyStoreFolderExits74() throws {
        let disk = directory + "/disk"
        try Mounted.tmpfs(at: disk, size: "8m")
        defer { Mounted.unmount(disk) }
        try firstRun(store: "disk/store.sqlite")
        let before = try Data(contentsOf: URL(fileURLWithPath: disk + "/store.sqlite"))
        #expect(Shell.run("/bin/mount", ["-o", "remount,ro", disk]) == 0)
        let failed = try runner.run(["run", "jobs/crash.yml", "--store", "disk/store.sqlite"])
        #expect(failed.status == 74, "\(failed.stderr)")
        #expect(failed.stderr.lowercased().contains("read-only file system"), "\(failed.stderr)")
        #expect(Shell.run("/bin/mount", ["-o", "remount,rw", disk]) == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: disk + "/store.sqlite")) == before, "the store changed")
        #expect(try StoreState.capture(runner, store: "disk/store.sqlite") == Self.reference[1])
        try expectConvergesAfterFault(store: "disk/store.sqlite")
    }
}

/// Runs a system tool and returns its exit status.
enum Shell {
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Small tmpfs mounts made and removed by a test.
enum Mounted {
    static func tmpfs(at path: String, size: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let status = Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
        try #require(status == 0, "mount tmpfs at \(path)")
    }

    static func unmount(_ path: String) { Shell.run("/bin/umount", ["-l", path]) }
}
