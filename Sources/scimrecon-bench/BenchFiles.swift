#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File chores of the benchmark: its work folder, store copies, line counts.
enum BenchFiles {
    /// Creates `path` (and its parents) if it does not exist.
    static func makeDirectory(_ path: String) throws(BenchError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/\(component)"
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw BenchError("cannot create \(partial): \(String(cString: strerror(errno)))")
            }
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Removes a SQLite store and its companions (`-wal`, `-shm`, `.lock`).
    static func removeStore(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal", ".lock"] { unlink(path + suffix) }
    }

    /// Copies a closed store file (its WAL was checkpointed when its last connection closed).
    static func copyStore(_ source: String, to destination: String) throws(BenchError) {
        removeStore(destination)
        try copy(source, to: destination)
        if exists(source + "-wal") { try copy(source + "-wal", to: destination + "-wal") }
    }

    static func copy(_ source: String, to destination: String) throws(BenchError) {
        guard let input = fopen(source, "r") else { throw BenchError("cannot read \(source)") }
        defer { fclose(input) }
        guard let output = fopen(destination, "w") else { throw BenchError("cannot create \(destination)") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = fread(&buffer, 1, buffer.count, input)
            if count == 0 { break }
            guard fwrite(buffer, 1, count, output) == count else {
                fclose(output)
                throw BenchError("cannot write \(destination)")
            }
        }
        guard fclose(output) == 0 else { throw BenchError("cannot write \(destination)") }
    }

    /// The number of `\n` in a file.
    static func countLines(_ path: String) -> Int {
        guard let input = fopen(path, "r") else { return 0 }
        defer { fclose(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var lines = 0
        while true {
            let count = fread(&buffer, 1, buffer.count, input)
            if count == 0 { break }
            for index in 0..<count where buffer[index] == 0x0A { lines += 1 }
        }
        return lines
    }

    /// The size of a file in bytes, or 0.
    static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The first line of a file (for an error message from a child's stderr).
    static func firstLine(_ path: String) -> String {
        guard let input = fopen(path, "r") else { return "" }
        defer { fclose(input) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, Int32(buffer.count), input) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: "\n")
    }

    /// Writes `text` to `path`.
    static func write(_ text: String, to path: String) throws(BenchError) {
        let sink = try FileSink(path: path)
        sink.write(text)
        try sink.close()
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
