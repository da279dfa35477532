#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read as lines: the file, the line when one is to blame, and what
/// happened (`samples/x.jsonl:12: line longer than 16777216 bytes`).
public struct LineReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as the reader was given it.
    public var path: String
    /// The 1-based number of the line at fault, if the problem is one line.
    public var line: Int?
    /// What went wrong, as a lowercase fragment; never the content of a line.
    public var message: String

    /// Creates an error about `path` (and `line`) saying `message`.
    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`, or `path: message` when no line is to blame.
    public var description: String {
        guard let line else { return "\(path): \(message)" }
        return "\(path):\(line): \(message)"
    }

    /// An error for a failed system call, in the system's words (`cannot open: no such file or
    /// directory`), never Foundation's `NSCocoaErrorDomain` ones.
    static func system(_ path: String, _ what: String, errno code: Int32, line: Int? = nil) -> LineReaderError {
        LineReaderError(path: path, line: line, message: "\(what): \(SystemErrorText.describe(code))")
    }
}

/// Reads a file as lines, in large chunks, knowing where each line starts and ends in bytes, so
/// that a checkpoint can record exactly how far an input was read and a later run can resume there.
///
/// - A line ends at `\n`; the `\n` and a `\r` just before it are not part of the line. Empty
///   lines are passed on (callers skip them).
/// - Bytes after the last `\n` are not a line yet (the file may still be written): they are never
///   handed to the body, and are described by `trailingPartialLine`.
/// - A line may be at most `maxLineLength` bytes, counted without its `\n` (a `\r` counts), so one
///   corrupt or hostile line cannot take all memory. The default is 16 MiB. A longer line stops the
///   reading with an error naming the file and the line, unless `onOversizedLine` is set: then
///   the line is skipped chunk by chunk (memory stays at one buffer), reported to it, and reading
///   goes on with the next line.
/// - One buffer is reused: it holds a chunk, and grows only as far as the longest line needs.
public final class LineReader {
    /// The path being read.
    public let path: String
    /// The size of the file in bytes when it was opened.
    public let fileSize: Int64
    /// The file's device and inode when it was opened: a rotated or replaced file has another.
    public let identity: (device: UInt64, inode: UInt64)
    /// The longest line accepted, in bytes without its `\n`.
    public let maxLineLength: Int
    /// Where the next line to read starts: after `forEachLine`, just past the last line handed
    /// to the body.
    public private(set) var nextOffset: Int64
    /// The number of the next line to read.
    public private(set) var nextLine: Int
    /// After `forEachLine` read to the end of the file: the bytes after the last `\n`, if any.
    ///
    /// An unterminated last line is never consumed: a checkpoint must not pass its start.
    public private(set) var trailingPartialLine: (number: Int, start: Int64, length: Int)?

    /// Called instead of failing for a line longer than `maxLineLength`, with its number, the
    /// offset of its start and the offset just past its `\n`; the line's bytes are not kept.
    public var onOversizedLine: ((_ number: Int, _ start: Int64, _ end: Int64) throws -> Void)?

    private let descriptor: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    /// Opens `path` to read lines from byte `startOffset`, numbering from `startLine`.
    ///
    /// `startOffset` must be the start of a line (a checkpoint's offset) and not past the end of
    /// the file.
    public init(
        path: String, startOffset: Int64 = 0, startLine: Int = 1, chunkSize: Int = 1 << 20,
        maxLineLength: Int = 16 << 20
    ) throws(LineReaderError) {
        precondition(chunkSize > 0 && maxLineLength >= 0 && startLine >= 1)
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw .system(path, "cannot open", errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .system(path, "cannot open", errno: code)
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            close(descriptor)
            throw .system(path, "cannot open", errno: EISDIR)
        }
        let size = Int64(status.st_size)
        guard startOffset >= 0 && startOffset <= size else {
            close(descriptor)
            throw LineReaderError(
                path: path, message: "start offset \(startOffset) is past the end of the file (\(size) bytes)")
        }
        self.path = path
        self.descriptor = descriptor
        self.fileSize = size
        self.identity = (UInt64(truncatingIfNeeded: status.st_dev), UInt64(truncatingIfNeeded: status.st_ino))
        self.maxLineLength = maxLineLength
        self.nextOffset = startOffset
        self.nextLine = startLine
        self.capacity = min(chunkSize, maxLineLength + 1)
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// Calls `body` for each complete line (terminator `\n` removed, a trailing `\r` removed too),
    /// with its 1-based line number, the byte offset of its start and the offset just past its
    /// terminator. Return false from body to stop early.
    ///
    /// The line's bytes are valid only during the call. Reading starts at `nextOffset`, so a second
    /// call after an early stop goes on with the next line.
    public func forEachLine(
        _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ start: Int64, _ end: Int64) throws -> Bool
    ) throws {
        trailingPartialLine = nil
        var bufferOffset = nextOffset  // the file offset of buffer[0]
        var readOffset = nextOffset
        var filled = 0
        var lineStart = 0
        var searchFrom = 0
        while true {
            while searchFrom < filled, let hit = memchr(buffer + searchFrom, 0x0A, filled - searchFrom) {
                let newline = hit - UnsafeMutableRawPointer(buffer)
                var length = newline - lineStart
                guard length <= maxLineLength else { throw tooLong() }
                if length > 0 && buffer[lineStart + length - 1] == 0x0D { length -= 1 }
                let line = UnsafeBufferPointer(start: buffer + lineStart, count: length)
                let number = nextLine
                let start = bufferOffset + Int64(lineStart)
                let end = bufferOffset + Int64(newline + 1)
                nextLine += 1
                nextOffset = end
                lineStart = newline + 1
                searchFrom = lineStart
                guard try body(line, number, start, end) else { return }
            }
            let pending = filled - lineStart
            if pending > maxLineLength {
                guard let onOversizedLine else { throw tooLong() }
                let number = nextLine
                let start = bufferOffset + Int64(lineStart)
                guard let (newline, count) = try skipToNewline(from: &readOffset) else {
                    trailingPartialLine = (number, start, Int(readOffset - start))
                    return
                }
                bufferOffset = readOffset
                readOffset += Int64(count)
                filled = count
                lineStart = newline + 1
                searchFrom = lineStart
                nextLine += 1
                nextOffset = bufferOffset + Int64(lineStart)
                try onOversizedLine(number, start, nextOffset)
                continue
            }
            if lineStart > 0 {
                if pending > 0 { memmove(buffer, buffer + lineStart, pending) }
                bufferOffset += Int64(lineStart)
                lineStart = 0
                filled = pending
            }
            searchFrom = filled
            if filled == capacity { grow() }
            let count = pread(descriptor, buffer + filled, capacity - filled, off_t(readOffset))
            if count < 0 {
                if errno == EINTR { continue }
                throw LineReaderError.system(path, "cannot read", errno: errno, line: nextLine)
            }
            if count == 0 {
                if pending > 0 {
                    trailingPartialLine = (nextLine, bufferOffset, pending)
                }
                return
            }
            filled += count
            readOffset += Int64(count)
        }
    }

    /// Reads chunks from `offset` into the buffer, discarding them, until one holds a `\n`: returns
    /// its index and the chunk's size, with `offset` at the chunk's start; nil at the end of the file.
    private func skipToNewline(from offset: inout Int64) throws(LineReaderError) -> (Int, Int)? {
        while true {
            let count = pread(descriptor, buffer, capacity, off_t(offset))
            if count < 0 {
                if errno == EINTR { continue }
                throw LineReaderError.system(path, "cannot read", errno: errno, line: nextLine)
            }
            if count == 0 { return nil }
            if let hit = memchr(buffer, 0x0A, count) {
                return (hit - UnsafeMutableRawPointer(buffer), count)
            }
            offset += Int64(count)
        }
    }

    private func tooLong() -> LineReaderError {
        LineReaderError(path: path, line: nextLine, message: "line longer than \(maxLineLength) bytes")
    }

    /// Doubles the buffer, up to what the longest allowed line and its `\n` need.
    private func grow() {
        let newCapacity = min(capacity * 2, maxLineLength + 1)
        let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBuffer.update(from: buffer, count: capacity)
        buffer.deallocate()
        buffer = newBuffer
        capacity = newCapacity
    }
}
