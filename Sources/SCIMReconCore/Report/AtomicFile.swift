#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that appears whole or not at all: written to a temporary file beside the target
/// (`.<name>.tmp-<pid>` in the same directory, so the rename stays on one file system), then
/// flushed, synced and renamed over the target by `commit()`.
///
/// A reader of the target never sees a half-written report, and a crash leaves at most a
/// temporary file behind, never a truncated report.
public struct AtomicFile {
    /// The file the report ends up at.
    public let path: String
    /// The temporary file being written.
    public let temporaryPath: String
    /// Where to write the contents.
    public let sink: OutputSink
    private let state: DescriptorState

    /// Creates the temporary file beside `path` (mode 0666 less the umask).
    public init(path: String) throws(OutputError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw OutputError(path: path, message: "is a directory") }
        self.path = path
        temporaryPath = "\(directory).\(name).tmp-\(getpid())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw OutputError(path: path, errno: errno) }
        sink = OutputSink(fileDescriptor: fd, path: path)
        state = DescriptorState(fileDescriptor: fd)
    }

    /// Flushes, syncs and closes the temporary file, then renames it over the target.
    /// On failure the temporary file is removed and the target is left as it was.
    public func commit() throws(OutputError) {
        guard let fd = state.take() else { throw OutputError(path: path, message: "already committed or abandoned") }
        do {
            try sink.synchronize()
        } catch {
            close(fd)
            unlink(temporaryPath)
            throw error
        }
        if close(fd) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw OutputError(path: path, errno: code)
        }
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw OutputError(path: path, errno: code)
        }
        syncDirectory()
    }

    /// Closes and removes the temporary file; the target is untouched. Safe to call twice.
    public func abandon() {
        guard let fd = state.take() else { return }
        close(fd)
        unlink(temporaryPath)
    }

    /// Makes the rename itself durable; best effort, since not every file system allows it.
    private func syncDirectory() {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

/// The temporary file's descriptor until it is committed or abandoned; a class so that the
/// `AtomicFile` value can stay a `let` and a second commit or abandon is recognised.
private final class DescriptorState {
    private var fileDescriptor: Int32?

    init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    func take() -> Int32? {
        defer { fileDescriptor = nil }
        return fileDescriptor
    }
}
