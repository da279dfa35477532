import Foundation
import SCIMKit
import SCIMReconCore
import Testing

@Suite struct OutputSinkTests {
    func contents(_ path: String) -> [UInt8]? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init)
    }

    @Test func holdsSmallWritesUntilFlushed() throws {
        let path = ReportFixtures.temporaryPath("sink")
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let sink = OutputSink(fileDescriptor: fd, path: path)
        for _ in 0..<1000 { try sink.write("0123456789") }
        #expect(contents(path)?.count == 0)
        #expect(sink.bytesWritten == 0)
        try sink.flush()
        #expect(contents(path)?.count == 10_000)
    }

    @Test func passesLargeWritesStraightThroughInOrder() throws {
        let path = ReportFixtures.temporaryPath("sink")
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let sink = OutputSink(fileDescriptor: fd, path: path)
        try sink.write("head")
        let big = [UInt8](repeating: 0x41, count: OutputSink.bufferCapacity + 5)
        try sink.write(big)
        try sink.write("tail")
        try sink.flush()
        #expect(contents(path) == Array("head".utf8) + big + Array("tail".utf8))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func aFullDiskIsAnOutputErrorNamingThePath() throws {
        let fd = open("/dev/full", O_WRONLY)
        defer { close(fd) }
        let sink = OutputSink(fileDescriptor: fd, path: "output/report.csv")
        try sink.write("buffered, not yet written")
        do {
            try sink.flush()
            Issue.record("flush to /dev/full succeeded")
        } catch {
            #expect(error.description == "output/report.csv: no space left on device")
            #expect(error.code == ENOSPC)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func aReportWriterPassesTheDiskErrorOn() throws {
        let fd = open("/dev/full", O_WRONLY)
        defer { close(fd) }
        for format in ReportFormat.allCases {
            let writer = makeEventReportWriter(format, sink: OutputSink(fileDescriptor: fd, path: "r.\(format)"))
            #expect(throws: OutputError.self) {
                try writer.begin(ReportFixtures.header)
                for event in ReportFixtures.events { try writer.write(event) }
                try writer.finish()
            }
        }
    }

    @Test(arguments: ReportFormat.allCases)
    func reportsReachTheFileBeforeTheyFinish(format: ReportFormat) throws {
        let path = ReportFixtures.temporaryPath("stream")
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let writer = makeEventReportWriter(format, sink: OutputSink(fileDescriptor: fd, path: path))
        let count = 20_000
        var header = ReportFixtures.header
        header.count = count
        try writer.begin(header)
        for index in 0..<count { try writer.write(ReportFixtures.events[index % ReportFixtures.events.count]) }
        // Well over a megabyte has gone by: the sink must have written most of it already.
        #expect((contents(path)?.count ?? 0) >= OutputSink.bufferCapacity)
        try writer.finish()
    }

    @Test(arguments: ReportFormat.allCases)
    func finishReportsAWrongCountAfterCompletingTheDocument(format: ReportFormat) throws {
        var thrown: ReportError?
        let bytes = try ReportFixtures.render { sink in
            let writer = makeEventReportWriter(format, sink: sink)
            try writer.begin(ReportFixtures.header)
            try writer.write(ReportFixtures.events[0])
            do { try writer.finish() } catch let error as ReportError { thrown = error }
        }
        #expect(thrown == .countMismatch(declared: ReportFixtures.events.count, written: 1))
        #expect(!bytes.isEmpty)
    }
}

@Suite struct AtomicFileTests {
    func contents(_ path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
    }

    func makeDirectory() throws -> String {
        let directory = ReportFixtures.temporaryPath("atomic")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func commitReplacesTheTargetWhole() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = "\(directory)/report.csv"
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        let file = try AtomicFile(path: target)
        #expect(file.temporaryPath == "\(directory)/.report.csv.tmp-\(getpid())")
        try file.sink.write("new report")
        #expect(contents(target) == "old")
        try file.commit()
        #expect(contents(target) == "new report")
        #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
        #expect(throws: OutputError.self) { try file.commit() }
    }

    @Test func abandonLeavesTheTargetAndNoTemporaryFile() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = "\(directory)/report.xml"
        let file = try AtomicFile(path: target)
        try file.sink.write("partial")
        try file.sink.flush()
        file.abandon()
        file.abandon()
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func aMissingDirectoryIsAnOutputError() {
        do {
            _ = try AtomicFile(path: "/nonexistent-scimrecon-dir/report.json")
            Issue.record("opened a file in a missing directory")
        } catch {
            #expect(error.description == "/nonexistent-scimrecon-dir/report.json: no such file or directory")
        }
    }

    @Test func aFailedRenameRemovesTheTemporaryFile() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The target is a non-empty directory: rename(2) must refuse to replace it.
        let target = "\(directory)/taken"
        try FileManager.default.createDirectory(atPath: "\(target)/inside", withIntermediateDirectories: true)
        let file = try AtomicFile(path: target)
        try file.sink.write("x")
        #expect(throws: OutputError.self) { try file.commit() }
        #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
    }
}
