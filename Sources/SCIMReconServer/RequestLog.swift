import Foundation
import SCIMReconCore

#if canImport(Glibc)
    import Glibc
#endif

/// The request log: one JSON line per request with its response (SPEC §3.1), one file a day,
/// each line `fsync`ed before its response is sent.
///
/// Lines are numbered when they are appended (`append`, called in the order requests are
/// applied), so that history events can name `file:line` before the line is written. One writer
/// thread writes whatever has queued up since its last `fsync` in one `write` and syncs once:
/// concurrent requests share an `fsync` (group commit) instead of queueing behind one each.
final class RequestLog: @unchecked Sendable {
    // Unchecked: every mutable field below is read and written only while `condition` is locked;
    // the descriptors are touched only by the writer thread (and `close` after it has stopped).
    private let directory: String
    private let condition = NSCondition()
    private var pending: [Entry] = []
    private var nextTicket = 0
    /// Every ticket below this one is on disk (or failed).
    private var durableBelow = 0
    private var failures: [Int: String] = [:]
    private var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    private var stopping = false
    private var stopped = false
    /// The open day file, owned by the writer thread.
    private var openFile: (path: String, descriptor: Int32)?
    /// Line numbering, owned by the caller of `append` (the store worker's queue).
    private var numbering: (path: String, lines: Int)?

    struct Entry {
        var ticket: Int
        var path: String
        var bytes: [UInt8]
    }

    /// A line could not be written: the response becomes a 500, and the store is rolled back
    /// where it still can be.
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(kind: .output, "\(directory): cannot create the request log's folder")
        }
        guard access(directory, W_OK) == 0 else {
            throw StoreError(kind: .output, "\(directory): the request log's folder is not writable")
        }
        let thread = Thread { [self] in writerLoop() }
        thread.name = "scimrecon request log"
        thread.start()
    }

    /// The file a request at `time` goes to.
    func path(for time: Timestamp) -> String {
        (directory as NSString).appendingPathComponent("scim-\(time.dateString).jsonl")
    }

    /// The `file:line` the next line for `time` will have. Called on the store worker's queue.
    func nextSource(for time: Timestamp) throws -> (path: String, line: Int) {
        let path = path(for: time)
        if numbering?.path != path {
            numbering = (path, try Self.completeLines(path))
        }
        return (path, numbering!.lines + 1)
    }

    /// Queues one line (without its newline) for the file `nextSource` named; returns the
    /// ticket to wait on. Called on the store worker's queue, in request order.
    func append(_ line: [UInt8], path: String) -> Int {
        if numbering?.path == path { numbering!.lines += 1 }
        var bytes = line
        bytes.append(0x0A)
        condition.lock()
        defer { condition.unlock() }
        let ticket = nextTicket
        nextTicket += 1
        pending.append(Entry(ticket: ticket, path: path, bytes: bytes))
        condition.signal()
        return ticket
    }

    /// Returns once the line of `ticket` is on disk; throws if it could not be written.
    func waitUntilDurable(_ ticket: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            if ticket < durableBelow {
                let failure = failures.removeValue(forKey: ticket)
                condition.unlock()
                if let failure {
                    continuation.resume(throwing: WriteError(description: failure))
                } else {
                    continuation.resume()
                }
                return
            }
            waiters[ticket] = continuation
            condition.unlock()
        }
    }

    /// Writes what is queued, syncs, and stops the writer thread (SIGTERM).
    func close() {
        condition.lock()
        stopping = true
        condition.signal()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func writerLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty && stopping {
                if let openFile { Glibc.close(openFile.descriptor) }
                openFile = nil
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = pending
            pending = []
            condition.unlock()

            var failed: [Int: String] = [:]
            var start = 0
            while start < batch.count {
                // One write and one fsync per run of lines for the same day file.
                var end = start
                var bytes: [UInt8] = []
                while end < batch.count && batch[end].path == batch[start].path {
                    bytes.append(contentsOf: batch[end].bytes)
                    end += 1
                }
                if let problem = write(bytes, to: batch[start].path) {
                    for entry in batch[start..<end] { failed[entry.ticket] = problem }
                }
                start = end
            }

            condition.lock()
            durableBelow = batch.last!.ticket + 1
            var ready: [(CheckedContinuation<Void, any Error>, String?)] = []
            for entry in batch {
                if let waiter = waiters.removeValue(forKey: entry.ticket) {
                    ready.append((waiter, failed[entry.ticket]))
                } else if let problem = failed[entry.ticket] {
                    failures[entry.ticket] = problem
                }
            }
            condition.unlock()
            for (waiter, problem) in ready {
                if let problem {
                    waiter.resume(throwing: WriteError(description: problem))
                } else {
                    waiter.resume()
                }
            }
        }
    }

    /// Appends `bytes` to `path` and syncs it; returns a message when that failed.
    private func write(_ bytes: [UInt8], to path: String) -> String? {
        if openFile?.path != path {
            if let openFile { Glibc.close(openFile.descriptor) }
            openFile = nil
            let created = access(path, F_OK) != 0
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return "\(path): cannot open: \(Self.errnoText())" }
            if created { Self.syncDirectory(of: path) }
            openFile = (path, descriptor)
        }
        let descriptor = openFile!.descriptor
        var offset = 0
        let failure: String? = bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return "\(path): cannot write: \(Self.errnoText())"
                }
                offset += written
            }
            return nil
        }
        if let failure { return failure }
        guard fsync(descriptor) == 0 else { return "\(path): cannot sync: \(Self.errnoText())" }
        return nil
    }

    /// The complete lines already in `path`; a last line cut short by a crash is closed with a
    /// newline first, so the next record starts on a line of its own.
    static func completeLines(_ path: String) throws -> Int {
        let descriptor = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return 0 }
            throw StoreError(kind: .output, "\(path): cannot open: \(errnoText())")
        }
        defer { Glibc.close(descriptor) }
        var lines = 0
        var last: UInt8 = 0x0A
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StoreError(kind: .output, "\(path): cannot read: \(errnoText())")
            }
            if count == 0 { break }
            for byte in buffer[0..<count] where byte == 0x0A { lines += 1 }
            last = buffer[count - 1]
            offset += off_t(count)
        }
        if last != 0x0A {
            var newline: UInt8 = 0x0A
            guard Glibc.write(descriptor, &newline, 1) == 1, fsync(descriptor) == 0 else {
                throw StoreError(kind: .output, "\(path): cannot write: \(errnoText())")
            }
            lines += 1
        }
        return lines
    }

    private static func syncDirectory(of path: String) {
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return }
        fsync(directory)
        Glibc.close(directory)
    }

    static func errnoText() -> String { String(cString: strerror(errno)).lowercased() }
}
