#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a generated file through one large buffer, so generating millions of lines costs
/// little more than the bytes themselves.
final class FileSink {
    private let file: UnsafeMutablePointer<FILE>
    /// Bytes written so far.
    private(set) var count = 0

    /// Creates (or truncates) the file at `path`.
    init(path: String) throws(BenchError) {
        guard let file = fopen(path, "w") else { throw BenchError("cannot create \(path)") }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        self.file = file
    }

    /// Appends `text`.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = fwrite(bytes.baseAddress, 1, bytes.count, file)
            count += bytes.count
        }
    }

    /// Flushes and closes the file.
    func close() throws(BenchError) {
        guard fclose(file) == 0 else { throw BenchError("cannot write a workload file") }
    }
}

/// A benchmark problem: what went wrong, as a lowercase fragment.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
