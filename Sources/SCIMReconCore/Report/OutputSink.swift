#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A report or store output that could not be written (disk full, read-only file system, …).
///
/// Upstream maps it to exit status 74. The message is a lowercase fragment such as
/// `no space left on device`; `description` prefixes the path.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    /// The file (or `<stdout>`) that could not be written.
    public var path: String
    /// What went wrong, a lowercase fragment.
    public var message: String
    /// The `errno` behind it, when there was one.
    public var code: Int32?

    /// Creates an error for `path` with a lowercase `message`.
    public init(path: String, message: String, code: Int32? = nil) {
        self.path = path
        self.message = message
        self.code = code
    }

    /// An error for `path` from an `errno` value, worded by `SystemErrorText`.
    public init(path: String, errno code: Int32) {
        self.init(path: path, message: SystemErrorText.describe(code), code: code)
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// A buffered writer to a file descriptor: bytes collect in a 1 MiB buffer and reach the kernel
/// in large `write(2)` calls, never one call per byte or per event.
///
/// Not thread-safe: one report writes through one sink. A failed write is reported by the call
/// that flushed it, as an `OutputError` naming the path.
public final class OutputSink {
    /// How many bytes collect before they are written.
    public static let bufferCapacity = 1 << 20

    /// The path errors name (`<stdout>` for standard output).
    public let path: String
    let fileDescriptor: Int32
    private var buffer: [UInt8]
    /// Bytes handed to `write(2)` so far.
    public private(set) var bytesWritten: UInt64 = 0

    /// A sink over standard output.
    public static func standardOutput() -> OutputSink {
        OutputSink(fileDescriptor: STDOUT_FILENO, path: "<stdout>")
    }

    /// A sink over an open descriptor; the caller keeps ownership of it.
    public init(fileDescriptor: Int32, path: String) {
        self.fileDescriptor = fileDescriptor
        self.path = path
        buffer = []
        buffer.reserveCapacity(OutputSink.bufferCapacity)
    }

    /// Appends bytes, flushing when the buffer fills. Writes larger than the buffer go straight out.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        if buffer.count + bytes.count > OutputSink.bufferCapacity {
            try flush()
        }
        if bytes.count >= OutputSink.bufferCapacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        // A typed-throws closure keeps the error type through withUnsafeBytes.
        let result: Result<Void, OutputError> = bytes.withUnsafeBytes { raw in
            do throws(OutputError) {
                try write(raw)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Appends the UTF-8 bytes of a string.
    public func write(_ string: String) throws(OutputError) {
        var string = string
        let result: Result<Void, OutputError> = string.withUTF8 { utf8 in
            do throws(OutputError) {
                try write(UnsafeRawBufferPointer(utf8))
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Writes out everything buffered.
    public func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        let result: Result<Void, OutputError> = buffer.withUnsafeBytes { raw in
            do throws(OutputError) {
                try writeAll(raw)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        buffer.removeAll(keepingCapacity: true)
        try result.get()
    }

    /// Flushes, then asks the kernel to put the file on disk (`fsync`).
    public func synchronize() throws(OutputError) {
        try flush()
        while fsync(fileDescriptor) != 0 {
            let code = errno
            // Pipes, terminals and sockets cannot be synced; that is not a failure of the output.
            if code == EINVAL || (code == EROFS && isNotRegularFile()) { return }
            if code != EINTR { throw OutputError(path: path, errno: code) }
        }
    }

    private func isNotRegularFile() -> Bool {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) != S_IFREG
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(fileDescriptor, next, remaining)
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                throw OutputError(path: path, errno: code)
            }
            if written == 0 { throw OutputError(path: path, message: "write made no progress") }
            next += written
            remaining -= written
            bytesWritten += UInt64(written)
        }
    }
}

/// `write(2)`, reachable under a name the sink's own `write` methods do not shadow.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
